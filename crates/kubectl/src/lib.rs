//! kubectl as a learner types it: argv parsing, requests to the simulated API server, and
//! printers that produce the same bytes real kubectl 1.33 prints. Also the `podlab` transcript
//! runner, the project's common test surface. It owns "what the terminal shows"; it must never
//! reach into the simulation's store directly or know about the browser.

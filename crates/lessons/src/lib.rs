//! Lessons and troubleshooting scenarios as data: their schema, the loader for `lessons/`, and
//! the goal checker that judges the simulated cluster after every command. It owns "what the
//! learner is asked to do and whether it is done"; it must never know about the browser.

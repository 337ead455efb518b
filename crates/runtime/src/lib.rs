//! The inside of a container: an in-memory filesystem, a bounded POSIX-sh subset interpreter
//! and the image programs (nginx, the log shipper, …) that run in simulated time. It owns "what a
//! process does"; it must never know about Kubernetes objects, the API server, wall-clock time
//! or the browser. The simulation drives it in bounded steps and gives it a network to talk to.

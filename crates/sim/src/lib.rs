//! The deterministic cluster: virtual time, seeded random streams, the etcd-like store with
//! resourceVersions and watches, the API server pipeline, the scheduler, kubelets with their
//! container runtime, controllers and a trace of every step. It owns "what the cluster does";
//! it must never know about YAML text, kubectl's command line or the browser, and never reads a
//! real clock or iterates a hash map.

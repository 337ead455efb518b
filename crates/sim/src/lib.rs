//! The deterministic cluster: virtual time, seeded random streams, the etcd-like store with
//! resourceVersions and watches, the API server pipeline, the scheduler, kubelets with their
//! container runtime, controllers and a trace of every step. It owns "what the cluster does";
//! it must never know about YAML text, kubectl's command line or the browser, and never reads a
//! real clock or iterates a hash map.

pub mod admission_policy;
pub mod apiserver;
mod bootstrap;
pub mod bootstrap_addons;
pub mod bootstrap_control_plane;
pub mod cluster;
pub mod component;
pub mod controllers;
pub mod events;
pub mod invariants;
pub mod kubelet;
pub mod meta;
pub mod podres;
pub mod request;
pub mod resources;
pub mod rng;
pub mod scheduler;
pub mod selector;
pub mod sim;
pub mod status;
pub mod store;
pub mod keys;
pub mod time;
pub mod trace;

pub use admission_policy::AdmissionPolicy;
pub use bootstrap::{node_object, NAMESPACES};
pub use cluster::{ClusterSpec, NodeSpec, TaintSpec, UserSpec};
pub use component::{Component, ComponentId, Ctx, Wake};
pub use events::{EventRecord, EventType, ObjectRef, Recorded, EVENT_TTL};
pub use request::{ApiOk, ApiRequest, ApiResponse, DeleteOptions, PatchType, Propagation, Verb};
pub use rng::Rng;
pub use sim::{Simulation, Snapshot};
pub use status::Status;
pub use store::{ObjectKey, WatchEvent, WatchEventType, WatchFilter, WatchId};
pub use time::{Epoch, SimDuration, SimTime};
pub use trace::{Outcome, TraceEntry};

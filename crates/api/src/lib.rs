//! The Kubernetes object model as Podlab understands it: typed objects with the real field
//! names, integer quantities, YAML/JSON manifests parsed with line/column positions, and
//! validation worded exactly as the v1.33 API server words it. It owns "what an object is and
//! whether it is valid"; it must never know about time, the simulated cluster, kubectl's
//! command line or the browser.

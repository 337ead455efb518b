//! Explain data for the objects that keep Pods and nodes available: PodDisruptionBudget
//! (policy/v1), which limits voluntary evictions such as `kubectl drain`, and Lease
//! (coordination.k8s.io/v1), which kubelets renew as their heartbeat. Field names, types,
//! required markers and enums follow the v1.33 OpenAPI document; the descriptions are
//! Podlab's own.

use super::{f, Field, Schema};

const POD_DISRUPTION_BUDGET: Schema = Schema {
    name: "PodDisruptionBudget",
    description: "A PodDisruptionBudget limits how many Pods of a set may be down at once because of voluntary disruptions: evictions by kubectl drain, by a cluster autoscaler or through the eviction API. It does not protect against crashes or node failures, and plain deletes ignore it.",
    fields: super::top_level!("PodDisruptionBudgetSpec", "Which Pods the budget covers and how many of them must stay up (or may be down).", "PodDisruptionBudgetStatus", "How many covered Pods are healthy and how many evictions are allowed right now. Read-only."),
};

const POD_DISRUPTION_BUDGET_SPEC: Schema = Schema {
    name: "PodDisruptionBudgetSpec",
    description: "The desired state of a PodDisruptionBudget. Set either minAvailable or maxUnavailable, not both.",
    fields: &[
        f!("maxUnavailable", "IntOrString", false, Some("IntOrString"), "Evictions are allowed while at most this many covered Pods are unavailable afterwards, as a number or a percentage of the expected Pods."),
        f!("minAvailable", "IntOrString", false, Some("IntOrString"), "Evictions are allowed while at least this many covered Pods stay available afterwards, as a number or a percentage of the expected Pods."),
        f!("selector", "LabelSelector", false, Some("LabelSelector"), "Which Pods the budget covers, usually the same labels as a Deployment's selector. An empty selector covers every Pod in the namespace."),
        f!("unhealthyPodEvictionPolicy", "string", false, None, "Whether Pods that are running but not ready may be evicted: IfHealthyBudget (the default) only while the budget is met; AlwaysAllow always.", ["AlwaysAllow", "IfHealthyBudget"]),
    ],
};

const POD_DISRUPTION_BUDGET_STATUS: Schema = Schema {
    name: "PodDisruptionBudgetStatus",
    description: "The most recently observed state of a PodDisruptionBudget, written by the disruption controller.",
    fields: &[
        f!("conditions", "[]Condition", false, None, "DisruptionAllowed, True while at least one eviction is allowed."),
        f!("currentHealthy", "integer", true, None, "Covered Pods that are ready now."),
        f!("desiredHealthy", "integer", true, None, "How many covered Pods must stay ready."),
        f!("disruptedPods", "map[string]string", false, None, "Pods the eviction API has just allowed to go, by name, with the time; they count as gone until their deletion is seen."),
        f!("disruptionsAllowed", "integer", true, None, "How many covered Pods may be evicted right now."),
        f!("expectedPods", "integer", true, None, "How many Pods the budget expects, from the owning controllers' replica counts."),
        f!("observedGeneration", "integer", false, None, "The generation the disruption controller last acted on."),
    ],
};

/// A Lease has no status: everything lives in its spec.
const LEASE_FIELDS: &[Field] = &[
    f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
    f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
    f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
    f!("spec", "LeaseSpec", false, Some("LeaseSpec"), "Who holds the lease, for how long, and when it was last renewed."),
];

const LEASE: Schema = Schema {
    name: "Lease",
    description: "A Lease is a small record that one holder keeps renewing to show it is alive or in charge. Every kubelet renews a Lease named after its node in kube-node-lease every 10 seconds; the node controller marks the node unreachable when it stops. Control-plane components use Leases for leader election.",
    fields: LEASE_FIELDS,
};

const LEASE_SPEC: Schema = Schema {
    name: "LeaseSpec",
    description: "The holder and timing of a Lease.",
    fields: &[
        f!("acquireTime", "string", false, Some("MicroTime"), "When the current holder took the lease."),
        f!("holderIdentity", "string", false, None, "Who holds the lease; for a node heartbeat, the node's name."),
        f!("leaseDurationSeconds", "integer", false, None, "How long others wait after the last renewal before they may take the lease over. Node leases use 40 seconds."),
        f!("leaseTransitions", "integer", false, None, "How many times the lease has changed holders."),
        f!("preferredHolder", "string", false, None, "The holder that should take over next, when the strategy supports it."),
        f!("renewTime", "string", false, Some("MicroTime"), "When the holder last renewed the lease."),
        f!("strategy", "string", false, None, "How a new holder is chosen when coordinated leader election picks one."),
    ],
};

const MICRO_TIME: Schema = Schema {
    name: "MicroTime",
    description: "A point in time with microsecond precision, written in RFC 3339 form such as 2025-01-01T12:00:00.000000Z.",
    fields: &[],
};

pub(super) const SCHEMAS: &[Schema] = &[POD_DISRUPTION_BUDGET, POD_DISRUPTION_BUDGET_SPEC, POD_DISRUPTION_BUDGET_STATUS, LEASE, LEASE_SPEC, MICRO_TIME];

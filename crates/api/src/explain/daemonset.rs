//! Explain data for DaemonSet (apps/v1) and the ControllerRevisions that hold its rollout
//! history. Field names, types, required markers and enums follow the v1.33 OpenAPI
//! document; the descriptions are Podlab's own.

use super::{f, top_level, Schema};

const DAEMON_SET: Schema = Schema {
    name: "DaemonSet",
    description: "A DaemonSet runs one copy of a Pod on every node that qualifies, and adds one to each node that joins later. Node agents such as kube-proxy, log shippers and monitoring exporters run this way.",
    fields: top_level!("DaemonSetSpec", "Which Pod to run on the nodes, which nodes qualify (through the template's nodeSelector, affinity and tolerations) and how to replace the Pods when the template changes.", "DaemonSetStatus", "How many nodes run the daemon Pod, how many of those are ready and up to date. Read-only."),
};

const DAEMON_SET_SPEC: Schema = Schema {
    name: "DaemonSetSpec",
    description: "The desired state of a DaemonSet.",
    fields: &[
        f!("minReadySeconds", "integer", false, None, "How long a new daemon Pod must be ready, without crashing, before it counts as available. Defaults to 0."),
        f!("revisionHistoryLimit", "integer", false, None, "How many old ControllerRevisions to keep for kubectl rollout undo. Defaults to 10."),
        f!("selector", "LabelSelector", true, Some("LabelSelector"), "Which Pods belong to the DaemonSet. Must match the template's labels and cannot be changed after creation."),
        f!("template", "PodTemplateSpec", true, Some("PodTemplateSpec"), "The Pod to run on every qualifying node. Its restartPolicy must be Always. The controller adds tolerations for the node conditions and pins each Pod to its node with node affinity."),
        f!("updateStrategy", "DaemonSetUpdateStrategy", false, Some("DaemonSetUpdateStrategy"), "How the daemon Pods are replaced when the template changes."),
    ],
};

const DAEMON_SET_UPDATE_STRATEGY: Schema = Schema {
    name: "DaemonSetUpdateStrategy",
    description: "How a DaemonSet replaces its Pods after a template change.",
    fields: &[
        f!("rollingUpdate", "RollingUpdateDaemonSet", false, Some("RollingUpdateDaemonSet"), "Tuning of a RollingUpdate. Only with type RollingUpdate."),
        f!("type", "string", false, None, "RollingUpdate (the default) replaces the Pods node by node on its own; OnDelete creates a new Pod only after you delete the old one.", ["OnDelete", "RollingUpdate"]),
    ],
};

const ROLLING_UPDATE_DAEMON_SET: Schema = Schema {
    name: "RollingUpdateDaemonSet",
    description: "The pace of a DaemonSet's rolling update.",
    fields: &[
        f!("maxSurge", "IntOrString", false, Some("IntOrString"), "On how many nodes a new Pod may start before the old one is gone, as a number or a percentage of the nodes (rounded up). Defaults to 0; must be 0 when maxUnavailable is not."),
        f!("maxUnavailable", "IntOrString", false, Some("IntOrString"), "On how many nodes the daemon Pod may be missing or unavailable during the update, as a number or a percentage of the nodes (rounded up). Defaults to 1."),
    ],
};

const DAEMON_SET_STATUS: Schema = Schema {
    name: "DaemonSetStatus",
    description: "The most recently observed state of a DaemonSet.",
    fields: &[
        f!("collisionCount", "integer", false, None, "A counter that changes the name of new ControllerRevisions when a name collides."),
        f!("conditions", "[]DaemonSetCondition", false, None, "The latest observations of the DaemonSet's state."),
        f!("currentNumberScheduled", "integer", true, None, "Nodes that should run the daemon Pod and run at least one."),
        f!("desiredNumberScheduled", "integer", true, None, "Nodes that should run the daemon Pod."),
        f!("numberAvailable", "integer", false, None, "Nodes whose daemon Pod has been ready for at least minReadySeconds."),
        f!("numberMisscheduled", "integer", true, None, "Nodes that run the daemon Pod but should not (their labels or taints changed)."),
        f!("numberReady", "integer", true, None, "Nodes that should run the daemon Pod and whose Pod is ready."),
        f!("numberUnavailable", "integer", false, None, "Nodes that should run the daemon Pod but have no available one."),
        f!("observedGeneration", "integer", false, None, "The generation the controller last acted on."),
        f!("updatedNumberScheduled", "integer", false, None, "Nodes that run a daemon Pod made from the current template."),
    ],
};

const CONTROLLER_REVISION: Schema = Schema {
    name: "ControllerRevision",
    description: "A ControllerRevision is a saved copy of one version of a workload's Pod template, kept by the DaemonSet and StatefulSet controllers so kubectl rollout history can list the versions and kubectl rollout undo can go back to one. Its data never changes; only its revision number is moved up when an old version becomes current again.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("data", "Object", false, None, "The saved state. For a DaemonSet, a strategic merge patch that replaces spec.template with this version's template."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("revision", "integer", true, None, "The version number. The current template always has the highest number in its owner's history."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[DAEMON_SET, DAEMON_SET_SPEC, DAEMON_SET_UPDATE_STRATEGY, ROLLING_UPDATE_DAEMON_SET, DAEMON_SET_STATUS, CONTROLLER_REVISION];

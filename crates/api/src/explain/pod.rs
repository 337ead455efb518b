//! Explain data for the Pod itself: the kind, its spec (scheduling, restart policy, volumes,
//! containers), its status and tolerations. Containers and volumes have their own files.

use super::{f, top_level, Schema};

const POD: Schema = Schema {
    name: "Pod",
    description: "A Pod is the smallest thing Kubernetes runs: one or more containers that are scheduled together onto one node, share a network identity and can share volumes. Pods are usually created by controllers such as Deployments or Jobs rather than by hand.",
    fields: top_level!(
        "PodSpec",
        "What you want the Pod to be: its containers, volumes and scheduling preferences.",
        "PodStatus",
        "What the Pod currently is, as reported by the kubelet and the control plane. Read-only for users; it may lag behind the real state."
    ),
};

const POD_SPEC: Schema = Schema {
    name: "PodSpec",
    description: "The desired state of a Pod.",
    fields: &[
        f!("activeDeadlineSeconds", "integer", false, None, "How long the Pod may run, counted from its start, before the kubelet stops it and marks it Failed. Must be a positive number."),
        f!("affinity", "Affinity", false, None, "Rules that attract the Pod to, or keep it away from, certain nodes or other Pods."),
        f!("automountServiceAccountToken", "boolean", false, None, "Whether the ServiceAccount token is mounted into the containers automatically."),
        f!("containers", "[]Container", true, Some("Container"), "The application containers of the Pod. There must be at least one, and their names must be unique within the Pod. They cannot be added or removed after creation."),
        f!("dnsConfig", "PodDNSConfig", false, None, "Extra DNS settings (nameservers, search domains, options) merged with those dnsPolicy produces."),
        f!("dnsPolicy", "string", false, None, "How DNS is set up for the Pod: ClusterFirst (the default) resolves cluster names first, Default uses the node's resolver, None relies on dnsConfig only.", ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]),
        f!("enableServiceLinks", "boolean", false, None, "Whether environment variables describing Services in the namespace are injected into the containers. Defaults to true."),
        f!("ephemeralContainers", "[]EphemeralContainer", false, None, "Temporary containers added to a running Pod for debugging with kubectl debug. They cannot be set at creation."),
        f!("hostAliases", "[]HostAlias", false, None, "Extra entries written into the Pod's /etc/hosts file."),
        f!("hostIPC", "boolean", false, None, "Share the node's IPC namespace. Defaults to false."),
        f!("hostNetwork", "boolean", false, None, "Use the node's network namespace instead of a Pod network. Ports then bind on the node itself. Defaults to false."),
        f!("hostPID", "boolean", false, None, "Share the node's process namespace, so the containers see every process on the node. Defaults to false."),
        f!("hostUsers", "boolean", false, None, "Whether the Pod runs in the node's user namespace (true, the default) or in its own."),
        f!("hostname", "string", false, None, "The hostname the containers see. Defaults to the Pod's name."),
        f!("imagePullSecrets", "[]LocalObjectReference", false, Some("LocalObjectReference"), "Secrets in the same namespace holding registry credentials for pulling private images."),
        f!("initContainers", "[]Container", false, Some("Container"), "Containers that run one after another, each to completion, before the application containers start. An init container with restartPolicy Always is a sidecar that keeps running beside the app."),
        f!("nodeName", "string", false, None, "The node the Pod is bound to. Normally set by the scheduler; setting it yourself skips scheduling entirely."),
        f!("nodeSelector", "map[string]string", false, None, "Labels a node must carry for the Pod to be scheduled onto it."),
        f!("os", "PodOS", false, None, "The operating system the containers need (linux or windows)."),
        f!("overhead", "map[string]Quantity", false, Some("Quantity"), "Resources the Pod's sandbox itself consumes, added by the RuntimeClass admission controller."),
        f!("preemptionPolicy", "string", false, None, "Whether this Pod may evict lower-priority Pods to make room. Defaults to PreemptLowerPriority.", ["Never", "PreemptLowerPriority"]),
        f!("priority", "integer", false, None, "The scheduling priority, filled in from priorityClassName by the admission controller. Higher runs first."),
        f!("priorityClassName", "string", false, None, "The PriorityClass whose value becomes this Pod's priority."),
        f!("readinessGates", "[]PodReadinessGate", false, None, "Extra conditions that must be True before the Pod counts as Ready."),
        f!("resourceClaims", "[]PodResourceClaim", false, None, "Dynamically allocated resources (devices) the Pod needs, by claim."),
        f!("resources", "ResourceRequirements", false, Some("ResourceRequirements"), "Pod-level requests and limits shared by all containers. Needs the PodLevelResources feature."),
        f!("restartPolicy", "string", false, None, "What the kubelet does when a container exits: Always restarts it (the default), OnFailure only after a non-zero exit, Never leaves it stopped.", ["Always", "Never", "OnFailure"]),
        f!("runtimeClassName", "string", false, None, "The RuntimeClass selecting which container runtime configuration runs the Pod."),
        f!("schedulerName", "string", false, None, "Which scheduler places the Pod. Defaults to default-scheduler."),
        f!("schedulingGates", "[]PodSchedulingGate", false, None, "While any gate remains, the scheduler leaves the Pod Pending (SchedulingGated)."),
        f!("securityContext", "PodSecurityContext", false, None, "Security settings applied to every container, such as the user and group IDs and the filesystem group."),
        f!("serviceAccount", "string", false, None, "Deprecated alias of serviceAccountName."),
        f!("serviceAccountName", "string", false, None, "The ServiceAccount whose identity the Pod's processes use to talk to the API server. Defaults to default."),
        f!("setHostnameAsFQDN", "boolean", false, None, "Make the hostname the fully qualified domain name of the Pod."),
        f!("shareProcessNamespace", "boolean", false, None, "Put all containers of the Pod in one process namespace, so they see and can signal each other's processes."),
        f!("subdomain", "string", false, None, "With hostname, gives the Pod the DNS name <hostname>.<subdomain>.<namespace>.svc.cluster.local when a headless Service of that name exists."),
        f!("terminationGracePeriodSeconds", "integer", false, None, "How long containers get between SIGTERM and SIGKILL when the Pod is deleted. Defaults to 30 seconds; 0 kills at once."),
        f!("tolerations", "[]Toleration", false, Some("Toleration"), "Taints this Pod is willing to tolerate, which lets it schedule onto (or stay on) tainted nodes."),
        f!("topologySpreadConstraints", "[]TopologySpreadConstraint", false, None, "How to spread matching Pods across zones, nodes or other topology domains."),
        f!("volumes", "[]Volume", false, Some("Volume"), "Storage the containers can mount, such as emptyDir scratch space, ConfigMaps, Secrets or PersistentVolumeClaims."),
    ],
};

const POD_STATUS: Schema = Schema {
    name: "PodStatus",
    description: "The most recently observed state of a Pod. It is reported by the kubelet and may lag behind what really happens on the node.",
    fields: &[
        f!("conditions", "[]PodCondition", false, None, "Milestones such as PodScheduled, Initialized, ContainersReady and Ready, each True or False with a reason."),
        f!("containerStatuses", "[]ContainerStatus", false, None, "The state of each application container: waiting, running or terminated, with its restart count and readiness."),
        f!("ephemeralContainerStatuses", "[]ContainerStatus", false, None, "The state of each ephemeral (debug) container."),
        f!("hostIP", "string", false, None, "The primary address of the node the Pod runs on."),
        f!("hostIPs", "[]HostIP", false, None, "All addresses of the node the Pod runs on, one per IP family."),
        f!("initContainerStatuses", "[]ContainerStatus", false, None, "The state of each init container, in order."),
        f!("message", "string", false, None, "A human-readable note on why the Pod is in its phase."),
        f!("nominatedNodeName", "string", false, None, "The node the scheduler plans to use after preempting other Pods there."),
        f!("observedGeneration", "integer", false, None, "The Pod generation the kubelet last acted on."),
        f!("phase", "string", false, None, "A summary of where the Pod is in its life. Pending: accepted, not all containers running yet. Running: bound, and a container runs or is restarting. Succeeded or Failed: every container terminated and none will restart. Unknown: the node cannot be reached.", ["Failed", "Pending", "Running", "Succeeded", "Unknown"]),
        f!("podIP", "string", false, None, "The Pod's own IP address once the network is set up."),
        f!("podIPs", "[]PodIP", false, None, "All the Pod's IP addresses, one per IP family."),
        f!("qosClass", "string", false, None, "Derived from the containers' requests and limits; decides the order of eviction under node pressure.", ["BestEffort", "Burstable", "Guaranteed"]),
        f!("reason", "string", false, None, "A short machine-readable reason for the phase, such as Evicted."),
        f!("resize", "string", false, None, "Deprecated: the state of an in-place resize, now reported as conditions."),
        f!("resourceClaimStatuses", "[]PodResourceClaimStatus", false, None, "The generated ResourceClaims of the Pod's resource claims."),
        f!("startTime", "string", false, Some("Time"), "When the kubelet accepted the Pod, before images were pulled."),
    ],
};

const TOLERATION: Schema = Schema {
    name: "Toleration",
    description: "Permission for a Pod to be placed on, or to stay on, nodes with a matching taint.",
    fields: &[
        f!("effect", "string", false, None, "Which taint effect is tolerated. Empty means all effects.", ["NoExecute", "NoSchedule", "PreferNoSchedule"]),
        f!("key", "string", false, None, "The taint key. Empty with operator Exists tolerates every taint."),
        f!("operator", "string", false, None, "Equal (the default) compares value; Exists matches any value of the key.", ["Equal", "Exists"]),
        f!("tolerationSeconds", "integer", false, None, "For NoExecute only: how long the Pod may stay once the taint appears. Unset means forever."),
        f!("value", "string", false, None, "The taint value to match when operator is Equal."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[POD, POD_SPEC, POD_STATUS, TOLERATION];

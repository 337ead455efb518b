//! Field documentation for `kubectl explain`, as data: for each schema its fields, their
//! types in explain's notation (`<string>`, `<[]Container>`, `<map[string]string>`) and a
//! description written in Podlab's own words. The kubectl crate lays it out; this module
//! only resolves paths like `pod.spec.containers.ports`.

/// One documented field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Explain's type notation without brackets: `string`, `[]Container`, `Object`.
    pub type_name: &'static str,
    pub required: bool,
    pub description: &'static str,
    /// The schema documenting this field's children, when it has any.
    pub schema: Option<&'static str>,
}

/// A documented object type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schema {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
}

/// What `kubectl explain <path>` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    /// The field explained (None for the kind itself).
    pub field: Option<Field>,
    pub description: &'static str,
    pub fields: &'static [Field],
}

/// Why a path could not be explained, worded as kubectl does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExplainError {
    /// `the server doesn't have a resource type "pood"`
    UnknownResource(String),
    /// `field "imagee" does not exist`
    UnknownField(String),
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExplainError::UnknownResource(r) => {
                write!(f, "the server doesn't have a resource type {r:?}")
            }
            ExplainError::UnknownField(n) => write!(f, "field {n:?} does not exist"),
        }
    }
}

macro_rules! f {
    ($name:literal, $ty:literal, $req:literal, $schema:expr, $desc:literal) => {
        Field {
            name: $name,
            type_name: $ty,
            required: $req,
            description: $desc,
            schema: $schema,
        }
    };
}

const POD: Schema = Schema {
    name: "Pod",
    description: "A Pod is the smallest thing Kubernetes runs: one or more containers that are scheduled together onto one node, share a network identity and can share volumes. Pods are usually created by controllers such as Deployments or Jobs rather than by hand.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in. For Pods it is \"v1\"."),
        f!("kind", "string", false, None, "The type of object this is. For Pods it is \"Pod\"."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("spec", "PodSpec", false, Some("PodSpec"), "What you want the Pod to be: its containers, volumes and scheduling preferences."),
        f!("status", "PodStatus", false, Some("PodStatus"), "What the Pod currently is, as reported by the kubelet and the control plane. Read-only for users."),
    ],
};

const OBJECT_META: Schema = Schema {
    name: "ObjectMeta",
    description: "Standard metadata every persisted object carries.",
    fields: &[
        f!("annotations", "map[string]string", false, None, "Free-form key/value notes for tools and people. Not used to select objects."),
        f!("creationTimestamp", "string", false, None, "When the API server stored the object. Set by the server; read-only."),
        f!("deletionGracePeriodSeconds", "integer", false, None, "Seconds the object is allowed to shut down gracefully once deletion started. Set by the server."),
        f!("deletionTimestamp", "string", false, None, "When the object will be removed; set by the server when a deletion is requested. A Pod shows as Terminating while this is set."),
        f!("finalizers", "[]string", false, None, "Names of controllers that must finish clean-up before the object can disappear."),
        f!("generateName", "string", false, None, "A prefix the server uses to invent a unique name when name is left empty."),
        f!("generation", "integer", false, None, "A counter of changes to the desired state. Set by the server."),
        f!("labels", "map[string]string", false, None, "Key/value pairs used to organise objects and to select them, for example by Services and Deployments."),
        f!("name", "string", false, None, "The object's name, unique among objects of its kind in its namespace. It cannot be changed later."),
        f!("namespace", "string", false, None, "The namespace the object lives in. Empty means the default namespace of the request."),
        f!("ownerReferences", "[]OwnerReference", false, None, "Objects this one belongs to; when the owner is deleted, owned objects are garbage-collected."),
        f!("resourceVersion", "string", false, None, "An opaque version the server changes on every write, used for optimistic concurrency and watches."),
        f!("uid", "string", false, None, "A unique identifier assigned by the server that never repeats, even for objects with the same name."),
    ],
};

const POD_SPEC: Schema = Schema {
    name: "PodSpec",
    description: "The desired state of a Pod.",
    fields: &[
        f!("activeDeadlineSeconds", "integer", false, None, "How long the Pod may run, counted from its start, before the kubelet stops it and marks it Failed."),
        f!("affinity", "Affinity", false, None, "Rules that attract the Pod to, or keep it away from, certain nodes or other Pods."),
        f!("containers", "[]Container", true, Some("Container"), "The application containers of the Pod. There must be at least one, and their names must be unique within the Pod. They cannot be added or removed after creation."),
        f!("dnsPolicy", "string", false, None, "How DNS is set up for the Pod: ClusterFirst (the default), ClusterFirstWithHostNet, Default or None."),
        f!("enableServiceLinks", "boolean", false, None, "Whether environment variables describing Services in the namespace are injected into the containers. Defaults to true."),
        f!("hostNetwork", "boolean", false, None, "Use the node's network namespace instead of a Pod network. Ports then bind on the node itself."),
        f!("imagePullSecrets", "[]LocalObjectReference", false, None, "Secrets in the same namespace holding registry credentials for pulling private images."),
        f!("initContainers", "[]Container", false, Some("Container"), "Containers that run one after another, each to completion, before the application containers start. An init container with restartPolicy Always is a sidecar that keeps running."),
        f!("nodeName", "string", false, None, "The node the Pod is bound to. Normally set by the scheduler; setting it yourself skips scheduling."),
        f!("nodeSelector", "map[string]string", false, None, "Labels a node must carry for the Pod to be scheduled onto it."),
        f!("preemptionPolicy", "string", false, None, "Whether this Pod may evict lower-priority Pods to make room: PreemptLowerPriority or Never."),
        f!("priority", "integer", false, None, "The scheduling priority, filled in from priorityClassName by the admission controller."),
        f!("priorityClassName", "string", false, None, "The PriorityClass whose value becomes this Pod's priority."),
        f!("restartPolicy", "string", false, None, "What the kubelet does when a container exits: Always (the default), OnFailure or Never."),
        f!("schedulerName", "string", false, None, "Which scheduler places the Pod. Defaults to default-scheduler."),
        f!("securityContext", "PodSecurityContext", false, None, "Security settings applied to every container, such as the user and group IDs."),
        f!("serviceAccountName", "string", false, None, "The ServiceAccount whose identity the Pod's processes use to talk to the API server."),
        f!("terminationGracePeriodSeconds", "integer", false, None, "How long containers get between SIGTERM and SIGKILL when the Pod is deleted. Defaults to 30."),
        f!("tolerations", "[]Toleration", false, Some("Toleration"), "Taints this Pod is willing to tolerate, which lets it schedule onto (or stay on) tainted nodes."),
        f!("volumes", "[]Volume", false, Some("Volume"), "Storage the containers can mount, such as emptyDir scratch space, ConfigMaps, Secrets or claims."),
    ],
};

const CONTAINER: Schema = Schema {
    name: "Container",
    description: "One container to run inside a Pod.",
    fields: &[
        f!("args", "[]string", false, None, "Arguments passed to the entrypoint. Replaces the image's CMD; $(VAR) references to environment variables are expanded."),
        f!("command", "[]string", false, None, "The entrypoint to run, as a list. Replaces the image's ENTRYPOINT; it is not run through a shell unless you run one."),
        f!("env", "[]EnvVar", false, Some("EnvVar"), "Environment variables to set, each with a literal value or a value taken from elsewhere."),
        f!("envFrom", "[]EnvFromSource", false, None, "Import every key of a ConfigMap or Secret as environment variables."),
        f!("image", "string", false, None, "The container image to run, such as nginx:1.27. Required for Pods; a tag of latest or no tag pulls on every start by default."),
        f!("imagePullPolicy", "string", false, None, "When to pull the image: Always, IfNotPresent or Never. Defaults to Always for :latest or untagged images, IfNotPresent otherwise."),
        f!("lifecycle", "Lifecycle", false, None, "Hooks run right after the container starts (postStart) and right before it is stopped (preStop)."),
        f!("livenessProbe", "Probe", false, Some("Probe"), "A periodic check of whether the container still works. After enough failures the kubelet restarts it."),
        f!("name", "string", true, None, "The container's name, a DNS label unique within the Pod. It cannot be changed."),
        f!("ports", "[]ContainerPort", false, Some("ContainerPort"), "Ports the container listens on. Informational, except that named ports can be referenced elsewhere."),
        f!("readinessProbe", "Probe", false, Some("Probe"), "A periodic check of whether the container is ready for traffic. A failing container is removed from Service endpoints but not restarted."),
        f!("resources", "ResourceRequirements", false, Some("ResourceRequirements"), "CPU and memory the container requests (used for scheduling) and its limits (enforced at run time)."),
        f!("restartPolicy", "string", false, None, "Only for init containers: Always turns the init container into a sidecar that keeps running alongside the app."),
        f!("securityContext", "SecurityContext", false, None, "Security settings for this container, overriding the Pod's where both are set."),
        f!("startupProbe", "Probe", false, Some("Probe"), "A check that must succeed once before liveness and readiness probes begin, for slow-starting containers."),
        f!("stdin", "boolean", false, None, "Keep a standard input stream open for attaching."),
        f!("terminationMessagePath", "string", false, None, "File whose contents the kubelet reports as the termination message. Defaults to /dev/termination-log."),
        f!("terminationMessagePolicy", "string", false, None, "File reads only the message file; FallbackToLogsOnError also uses the log tail when the file is empty and the container failed."),
        f!("tty", "boolean", false, None, "Allocate a terminal for the container."),
        f!("volumeMounts", "[]VolumeMount", false, Some("VolumeMount"), "Where the Pod's volumes appear in this container's filesystem."),
        f!("workingDir", "string", false, None, "The directory the entrypoint starts in. Defaults to the image's setting."),
    ],
};

const CONTAINER_PORT: Schema = Schema {
    name: "ContainerPort",
    description: "A network port a container listens on.",
    fields: &[
        f!("containerPort", "integer", true, None, "The port number inside the container, between 1 and 65535."),
        f!("hostIP", "string", false, None, "The node address to bind a hostPort to."),
        f!("hostPort", "integer", false, None, "Expose the port on the node itself. Rarely needed, and it limits where the Pod can schedule."),
        f!("name", "string", false, None, "A short name (at most 15 lowercase characters) other objects can refer to instead of the number."),
        f!("protocol", "string", false, None, "TCP (the default), UDP or SCTP."),
    ],
};

const ENV_VAR: Schema = Schema {
    name: "EnvVar",
    description: "One environment variable of a container.",
    fields: &[
        f!("name", "string", true, None, "The variable's name. Any printable ASCII except '='."),
        f!("value", "string", false, None, "A literal value. Numbers and words like yes must be quoted in YAML to stay strings."),
        f!("valueFrom", "EnvVarSource", false, None, "Take the value from a ConfigMap key, a Secret key, a Pod field or a container resource, instead of value. Exactly one source."),
    ],
};

const RESOURCES: Schema = Schema {
    name: "ResourceRequirements",
    description: "Compute resources for a container.",
    fields: &[
        f!("claims", "[]ResourceClaim", false, None, "Dynamically allocated resources from the Pod's resource claims."),
        f!("limits", "map[string]Quantity", false, None, "The most the container may use. Exceeding the memory limit gets the container OOM-killed; CPU above the limit is throttled."),
        f!("requests", "map[string]Quantity", false, None, "What the container is guaranteed and what the scheduler reserves on a node. Defaults to the limits when only limits are set; may not exceed them."),
    ],
};

const VOLUME_MOUNT: Schema = Schema {
    name: "VolumeMount",
    description: "Where a Pod volume is mounted in a container.",
    fields: &[
        f!(
            "mountPath",
            "string",
            true,
            None,
            "The path inside the container. Must be unique within the container."
        ),
        f!(
            "name",
            "string",
            true,
            None,
            "The name of a volume declared in the Pod's volumes list."
        ),
        f!(
            "readOnly",
            "boolean",
            false,
            None,
            "Mount the volume read-only."
        ),
        f!(
            "subPath",
            "string",
            false,
            None,
            "Mount only this path within the volume instead of its root."
        ),
    ],
};

const VOLUME: Schema = Schema {
    name: "Volume",
    description: "A named piece of storage the Pod's containers can mount. Exactly one source must be set.",
    fields: &[
        f!("configMap", "ConfigMapVolumeSource", false, None, "Files made from the keys of a ConfigMap."),
        f!("downwardAPI", "DownwardAPIVolumeSource", false, None, "Files holding facts about the Pod itself, such as its labels."),
        f!("emptyDir", "EmptyDirVolumeSource", false, None, "A scratch directory created empty when the Pod starts and deleted with the Pod."),
        f!("hostPath", "HostPathVolumeSource", false, None, "A file or directory from the node's filesystem. Ties the Pod to that node's contents."),
        f!("name", "string", true, None, "The volume's name, a DNS label unique within the Pod, used by volumeMounts."),
        f!("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource", false, None, "Durable storage obtained through a PersistentVolumeClaim in the same namespace."),
        f!("projected", "ProjectedVolumeSource", false, None, "Several sources (ServiceAccount token, ConfigMaps, Secrets, downward API) combined into one directory."),
        f!("secret", "SecretVolumeSource", false, None, "Files made from the keys of a Secret."),
    ],
};

const PROBE: Schema = Schema {
    name: "Probe",
    description: "A health check the kubelet runs against a container. Exactly one handler must be set.",
    fields: &[
        f!("exec", "ExecAction", false, None, "Run a command in the container; exit code 0 means success."),
        f!("failureThreshold", "integer", false, None, "Consecutive failures before the probe counts as failed. Defaults to 3."),
        f!("grpc", "GRPCAction", false, None, "Call the gRPC health service on a port."),
        f!("httpGet", "HTTPGetAction", false, None, "Send an HTTP GET; a status from 200 to 399 means success."),
        f!("initialDelaySeconds", "integer", false, None, "Seconds to wait after the container starts before the first check."),
        f!("periodSeconds", "integer", false, None, "Seconds between checks. Defaults to 10."),
        f!("successThreshold", "integer", false, None, "Consecutive successes needed after a failure. Defaults to 1, and must be 1 for liveness and startup probes."),
        f!("tcpSocket", "TCPSocketAction", false, None, "Open a TCP connection to a port; connecting means success."),
        f!("terminationGracePeriodSeconds", "integer", false, None, "A grace period used instead of the Pod's when this probe's failure kills the container."),
        f!("timeoutSeconds", "integer", false, None, "Seconds before one check times out. Defaults to 1."),
    ],
};

const TOLERATION: Schema = Schema {
    name: "Toleration",
    description: "Permission for a Pod to be placed on nodes with a matching taint.",
    fields: &[
        f!("effect", "string", false, None, "Which taint effect is tolerated: NoSchedule, PreferNoSchedule or NoExecute. Empty means all."),
        f!("key", "string", false, None, "The taint key. Empty with operator Exists tolerates every taint."),
        f!("operator", "string", false, None, "Equal (the default) compares value; Exists matches any value."),
        f!("tolerationSeconds", "integer", false, None, "For NoExecute only: how long the Pod may stay once the taint appears."),
        f!("value", "string", false, None, "The taint value to match when operator is Equal."),
    ],
};

const POD_STATUS: Schema = Schema {
    name: "PodStatus",
    description: "The most recently observed state of a Pod.",
    fields: &[
        f!("conditions", "[]PodCondition", false, None, "Milestones such as PodScheduled, Initialized, ContainersReady and Ready, each True or False with a reason."),
        f!("containerStatuses", "[]ContainerStatus", false, None, "The state of each application container: waiting, running or terminated, restart count and readiness."),
        f!("hostIP", "string", false, None, "The address of the node the Pod runs on."),
        f!("initContainerStatuses", "[]ContainerStatus", false, None, "The state of each init container."),
        f!("message", "string", false, None, "A human-readable note on why the Pod is in its phase."),
        f!("phase", "string", false, None, "A summary of where the Pod is in its life: Pending, Running, Succeeded, Failed or Unknown."),
        f!("podIP", "string", false, None, "The Pod's own IP address once the network is set up."),
        f!("qosClass", "string", false, None, "Guaranteed, Burstable or BestEffort, derived from the containers' requests and limits; decides eviction order."),
        f!("reason", "string", false, None, "A short machine-readable reason for the phase, such as Evicted."),
        f!("startTime", "string", false, None, "When the kubelet accepted the Pod, before images were pulled."),
    ],
};

const SCHEMAS: &[Schema] = &[
    POD,
    OBJECT_META,
    POD_SPEC,
    CONTAINER,
    CONTAINER_PORT,
    ENV_VAR,
    RESOURCES,
    VOLUME_MOUNT,
    VOLUME,
    PROBE,
    TOLERATION,
    POD_STATUS,
];

/// The documentation of a named schema (`PodSpec`, `Container` ...).
pub fn schema(name: &str) -> Option<&'static Schema> {
    SCHEMAS.iter().find(|s| s.name == name)
}

/// Resolves `pod`, `pods.spec`, `po.spec.containers.ports` ... Only Pods are documented so far;
/// other kinds resolve but explain no fields.
pub fn explain(path: &str) -> Result<Explanation, ExplainError> {
    let mut parts = path.split('.');
    let resource = parts.next().unwrap_or("");
    let info = crate::registry::lookup(resource)
        .ok_or_else(|| ExplainError::UnknownResource(resource.to_string()))?;
    let root = schema(info.kind);
    let mut out = Explanation {
        kind: info.kind,
        group: info.group,
        version: info.version,
        field: None,
        description: root.map_or("", |s| s.description),
        fields: root.map_or(&[], |s| s.fields),
    };
    for name in parts {
        let field = out
            .fields
            .iter()
            .find(|f| f.name == name)
            .copied()
            .ok_or_else(|| ExplainError::UnknownField(name.to_string()))?;
        let child = field.schema.and_then(schema);
        out.field = Some(field);
        out.description = field.description;
        out.fields = child.map_or(&[], |s| s.fields);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths() {
        let e = explain("po.spec.containers").unwrap();
        assert_eq!((e.kind, e.version), ("Pod", "v1"));
        assert_eq!(e.field.map(|f| f.type_name), Some("[]Container"));
        assert!(e.fields.iter().any(|f| f.name == "image"));
        assert_eq!(explain("pods").unwrap().fields.len(), 5);
        assert_eq!(
            explain("pod.spec.containers.imagee")
                .unwrap_err()
                .to_string(),
            "field \"imagee\" does not exist"
        );
        assert_eq!(
            explain("pood").unwrap_err().to_string(),
            "the server doesn't have a resource type \"pood\""
        );
    }

    #[test]
    fn every_schema_reference_resolves_and_fields_are_sorted() {
        for s in SCHEMAS {
            let names: Vec<_> = s.fields.iter().map(|f| f.name).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(
                names, sorted,
                "{} fields are listed alphabetically like kubectl explain",
                s.name
            );
            for f in s.fields {
                if let Some(child) = f.schema {
                    assert!(schema(child).is_some(), "{}.{} -> {child}", s.name, f.name);
                }
                assert!(!f.description.is_empty());
            }
        }
    }
}

//! Explain data for a container and what hangs off it: ports, environment variables,
//! resource requests and limits, volume mounts and probes.

use super::{f, Schema};

const CONTAINER: Schema = Schema {
    name: "Container",
    description: "One container to run inside a Pod: an image, the command it runs and how it is wired to the rest of the Pod.",
    fields: &[
        f!("args", "[]string", false, None, "Arguments passed to the entrypoint. Replaces the image's CMD; $(VAR) references to environment variables are expanded, $$(VAR) stays literal."),
        f!("command", "[]string", false, None, "The entrypoint to run, as a list. Replaces the image's ENTRYPOINT; it is not run through a shell unless you run one, such as [\"sh\", \"-c\", \"...\"]."),
        f!("env", "[]EnvVar", false, Some("EnvVar"), "Environment variables to set, each with a literal value or a value taken from elsewhere. Cannot be updated."),
        f!("envFrom", "[]EnvFromSource", false, None, "Import every key of a ConfigMap or Secret as environment variables. Values in env win over these."),
        f!("image", "string", false, None, "The container image to run, such as nginx:1.27. Required for Pods (controllers' templates may leave it out); a tag of latest or no tag pulls on every start by default."),
        f!("imagePullPolicy", "string", false, None, "When to pull the image. Defaults to Always for :latest or untagged images, IfNotPresent otherwise. Cannot be updated.", ["Always", "IfNotPresent", "Never"]),
        f!("lifecycle", "Lifecycle", false, None, "Hooks run right after the container starts (postStart) and right before it is stopped (preStop)."),
        f!("livenessProbe", "Probe", false, Some("Probe"), "A periodic check of whether the container still works. After enough failures the kubelet restarts it."),
        f!("name", "string", true, None, "The container's name, a DNS label unique within the Pod. It cannot be changed."),
        f!("ports", "[]ContainerPort", false, Some("ContainerPort"), "Ports the container listens on. Mostly informational: a process can listen on any port. Named ports can be referenced by Services and probes."),
        f!("readinessProbe", "Probe", false, Some("Probe"), "A periodic check of whether the container is ready for traffic. A failing container is removed from Service endpoints but not restarted."),
        f!("resizePolicy", "[]ContainerResizePolicy", false, None, "Whether changing CPU or memory in place restarts the container."),
        f!("resources", "ResourceRequirements", false, Some("ResourceRequirements"), "CPU and memory the container requests (used for scheduling) and its limits (enforced at run time)."),
        f!("restartPolicy", "string", false, None, "Only for init containers: Always turns the init container into a sidecar that starts before the app containers and keeps running beside them."),
        f!("securityContext", "SecurityContext", false, None, "Security settings for this container, overriding the Pod's where both are set."),
        f!("startupProbe", "Probe", false, Some("Probe"), "A check that must succeed once before liveness and readiness probes begin, for slow-starting containers."),
        f!("stdin", "boolean", false, None, "Keep a standard input stream open for attaching. Defaults to false."),
        f!("stdinOnce", "boolean", false, None, "Close stdin after the first attach session ends."),
        f!("terminationMessagePath", "string", false, None, "File whose contents the kubelet reports as the termination message. Defaults to /dev/termination-log."),
        f!("terminationMessagePolicy", "string", false, None, "File reads only the message file; FallbackToLogsOnError also uses the tail of the log when the file is empty and the container failed.", ["FallbackToLogsOnError", "File"]),
        f!("tty", "boolean", false, None, "Allocate a terminal for the container. Needs stdin too."),
        f!("volumeDevices", "[]VolumeDevice", false, None, "Raw block devices from the Pod's volumes the container sees."),
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
        f!("name", "string", false, None, "A short name (at most 15 lowercase characters, unique in the Pod) other objects can use instead of the number."),
        f!("protocol", "string", false, None, "The protocol of the port. Defaults to TCP.", ["SCTP", "TCP", "UDP"]),
    ],
};

const ENV_VAR: Schema = Schema {
    name: "EnvVar",
    description: "One environment variable of a container.",
    fields: &[
        f!("name", "string", true, None, "The variable's name. Any printable ASCII except '='."),
        f!("value", "string", false, None, "A literal value. Numbers and words like yes must be quoted in YAML to stay strings. $(VAR) references to earlier variables are expanded."),
        f!("valueFrom", "EnvVarSource", false, Some("EnvVarSource"), "Take the value from a ConfigMap key, a Secret key, a Pod field or a container resource, instead of value."),
    ],
};

const ENV_VAR_SOURCE: Schema = Schema {
    name: "EnvVarSource",
    description: "Where an environment variable's value comes from. Exactly one source must be set.",
    fields: &[
        f!("configMapKeyRef", "ConfigMapKeySelector", false, None, "A key of a ConfigMap in the Pod's namespace."),
        f!("fieldRef", "ObjectFieldSelector", false, None, "A field of the Pod, such as metadata.name, status.podIP or spec.nodeName."),
        f!("resourceFieldRef", "ResourceFieldSelector", false, None, "A request or limit of a container, such as limits.memory."),
        f!("secretKeyRef", "SecretKeySelector", false, None, "A key of a Secret in the Pod's namespace."),
    ],
};

const RESOURCES: Schema = Schema {
    name: "ResourceRequirements",
    description: "Compute resources: what is requested and what is the most that may be used.",
    fields: &[
        f!("claims", "[]ResourceClaim", false, None, "Which of the Pod's dynamically allocated resource claims this container uses."),
        f!("limits", "map[string]Quantity", false, Some("Quantity"), "The most the container may use. Exceeding the memory limit gets the container OOM-killed; CPU above the limit is throttled."),
        f!("requests", "map[string]Quantity", false, Some("Quantity"), "What the container is guaranteed and what the scheduler reserves on a node. Defaults to the limits when only limits are set; may not exceed them."),
    ],
};

const VOLUME_MOUNT: Schema = Schema {
    name: "VolumeMount",
    description: "Where a Pod volume is mounted in a container.",
    fields: &[
        f!("mountPath", "string", true, None, "The path inside the container. Must not contain ':' and must be unique within the container."),
        f!("mountPropagation", "string", false, None, "Whether mounts made on the host or in the container propagate to the other side. Defaults to None.", ["Bidirectional", "HostToContainer", "None"]),
        f!("name", "string", true, None, "The name of a volume declared in the Pod's volumes list."),
        f!("readOnly", "boolean", false, None, "Mount the volume read-only. Defaults to false."),
        f!("recursiveReadOnly", "string", false, None, "Whether read-only also applies to mounts below this one: Disabled, IfPossible or Enabled."),
        f!("subPath", "string", false, None, "Mount only this path within the volume instead of its root."),
        f!("subPathExpr", "string", false, None, "Like subPath, with $(VAR) references to the container's environment expanded."),
    ],
};

const PROBE: Schema = Schema {
    name: "Probe",
    description: "A health check the kubelet runs against a container. Exactly one handler (exec, httpGet, tcpSocket, grpc) must be set.",
    fields: &[
        f!("exec", "ExecAction", false, None, "Run a command in the container; exit code 0 means success."),
        f!("failureThreshold", "integer", false, None, "Consecutive failures before the probe counts as failed. Defaults to 3, minimum 1."),
        f!("grpc", "GRPCAction", false, None, "Call the gRPC health service on a port."),
        f!("httpGet", "HTTPGetAction", false, None, "Send an HTTP GET; a status from 200 to 399 means success."),
        f!("initialDelaySeconds", "integer", false, None, "Seconds to wait after the container starts before the first check."),
        f!("periodSeconds", "integer", false, None, "Seconds between checks. Defaults to 10, minimum 1."),
        f!("successThreshold", "integer", false, None, "Consecutive successes needed after a failure. Defaults to 1, and must be 1 for liveness and startup probes."),
        f!("tcpSocket", "TCPSocketAction", false, None, "Open a TCP connection to a port; connecting means success."),
        f!("terminationGracePeriodSeconds", "integer", false, None, "A grace period used instead of the Pod's when this probe's failure kills the container."),
        f!("timeoutSeconds", "integer", false, None, "Seconds before one check times out. Defaults to 1, minimum 1."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[CONTAINER, CONTAINER_PORT, ENV_VAR, ENV_VAR_SOURCE, RESOURCES, VOLUME_MOUNT, PROBE];

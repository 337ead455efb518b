//! The Go side of the diff: which fields core.PodSpec, core.Container and
//! core.ResourceRequirements have in v1.33, in declaration order, with their Go names and
//! types. go-cmp walks struct fields in this order and counts the identical ones, so the order
//! and the number of fields decide what the learner sees.

/// How a field's Go type prints and compares.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    /// string, int, bool and named scalars: zero prints as `""`, `0` or `false`.
    Str,
    Bool,
    /// `*int64`, `*bool`, `*string`, `*core.X`: nil, or `&value`.
    Ptr(&'static str),
    /// A slice, printed with its type when inserted: `[]core.ContainerPort{...}`.
    Slice(&'static str, Elem),
    /// A map (`map[string]string`, `core.ResourceList`).
    Map(&'static str),
    /// A struct held by value: zero prints as `{}`.
    Struct(&'static str, &'static [Field]),
}

/// What a slice holds, for recursing into changed elements.
#[derive(Clone, Copy)]
pub(super) enum Elem {
    Container,
    Other,
}

pub(super) type Field = (&'static str, &'static str, Ty);

pub(super) const RESOURCES: &[Field] = &[
    ("limits", "Limits", Ty::Map("core.ResourceList")),
    ("requests", "Requests", Ty::Map("core.ResourceList")),
    (
        "claims",
        "Claims",
        Ty::Slice("[]core.ResourceClaim", Elem::Other),
    ),
];

/// core.Container of v1.33, in declaration order.
pub(super) const CONTAINER: &[Field] = &[
    ("name", "Name", Ty::Str),
    ("image", "Image", Ty::Str),
    ("command", "Command", Ty::Slice("[]string", Elem::Other)),
    ("args", "Args", Ty::Slice("[]string", Elem::Other)),
    ("workingDir", "WorkingDir", Ty::Str),
    (
        "ports",
        "Ports",
        Ty::Slice("[]core.ContainerPort", Elem::Other),
    ),
    (
        "envFrom",
        "EnvFrom",
        Ty::Slice("[]core.EnvFromSource", Elem::Other),
    ),
    ("env", "Env", Ty::Slice("[]core.EnvVar", Elem::Other)),
    (
        "resources",
        "Resources",
        Ty::Struct("core.ResourceRequirements", RESOURCES),
    ),
    (
        "resizePolicy",
        "ResizePolicy",
        Ty::Slice("[]core.ContainerResizePolicy", Elem::Other),
    ),
    (
        "restartPolicy",
        "RestartPolicy",
        Ty::Ptr("&core.ContainerRestartPolicy"),
    ),
    (
        "volumeMounts",
        "VolumeMounts",
        Ty::Slice("[]core.VolumeMount", Elem::Other),
    ),
    (
        "volumeDevices",
        "VolumeDevices",
        Ty::Slice("[]core.VolumeDevice", Elem::Other),
    ),
    ("livenessProbe", "LivenessProbe", Ty::Ptr("&core.Probe")),
    ("readinessProbe", "ReadinessProbe", Ty::Ptr("&core.Probe")),
    ("startupProbe", "StartupProbe", Ty::Ptr("&core.Probe")),
    ("lifecycle", "Lifecycle", Ty::Ptr("&core.Lifecycle")),
    ("terminationMessagePath", "TerminationMessagePath", Ty::Str),
    (
        "terminationMessagePolicy",
        "TerminationMessagePolicy",
        Ty::Str,
    ),
    ("imagePullPolicy", "ImagePullPolicy", Ty::Str),
    (
        "securityContext",
        "SecurityContext",
        Ty::Ptr("&core.SecurityContext"),
    ),
    ("stdin", "Stdin", Ty::Bool),
    ("stdinOnce", "StdinOnce", Ty::Bool),
    ("tty", "TTY", Ty::Bool),
];

/// core.PodSpec of v1.33, in declaration order (the host namespace flags live in the
/// internal PodSecurityContext, so v1's `hostNetwork` etc. are folded into it).
pub(super) const POD_SPEC: &[Field] = &[
    (
        "volumes",
        "Volumes",
        Ty::Slice("[]core.Volume", Elem::Other),
    ),
    (
        "initContainers",
        "InitContainers",
        Ty::Slice("[]core.Container", Elem::Container),
    ),
    (
        "containers",
        "Containers",
        Ty::Slice("[]core.Container", Elem::Container),
    ),
    (
        "ephemeralContainers",
        "EphemeralContainers",
        Ty::Slice("[]core.EphemeralContainer", Elem::Other),
    ),
    ("restartPolicy", "RestartPolicy", Ty::Str),
    (
        "terminationGracePeriodSeconds",
        "TerminationGracePeriodSeconds",
        Ty::Ptr(""),
    ),
    (
        "activeDeadlineSeconds",
        "ActiveDeadlineSeconds",
        Ty::Ptr(""),
    ),
    ("dnsPolicy", "DNSPolicy", Ty::Str),
    ("nodeSelector", "NodeSelector", Ty::Map("map[string]string")),
    ("serviceAccountName", "ServiceAccountName", Ty::Str),
    (
        "automountServiceAccountToken",
        "AutomountServiceAccountToken",
        Ty::Ptr(""),
    ),
    ("nodeName", "NodeName", Ty::Str),
    (
        "securityContext",
        "SecurityContext",
        Ty::Ptr("&core.PodSecurityContext"),
    ),
    (
        "imagePullSecrets",
        "ImagePullSecrets",
        Ty::Slice("[]core.LocalObjectReference", Elem::Other),
    ),
    ("hostname", "Hostname", Ty::Str),
    ("subdomain", "Subdomain", Ty::Str),
    ("setHostnameAsFQDN", "SetHostnameAsFQDN", Ty::Ptr("")),
    ("affinity", "Affinity", Ty::Ptr("&core.Affinity")),
    ("schedulerName", "SchedulerName", Ty::Str),
    (
        "tolerations",
        "Tolerations",
        Ty::Slice("[]core.Toleration", Elem::Other),
    ),
    (
        "hostAliases",
        "HostAliases",
        Ty::Slice("[]core.HostAlias", Elem::Other),
    ),
    ("priorityClassName", "PriorityClassName", Ty::Str),
    ("priority", "Priority", Ty::Ptr("")),
    ("preemptionPolicy", "PreemptionPolicy", Ty::Ptr("")),
    ("dnsConfig", "DNSConfig", Ty::Ptr("&core.PodDNSConfig")),
    (
        "readinessGates",
        "ReadinessGates",
        Ty::Slice("[]core.PodReadinessGate", Elem::Other),
    ),
    ("runtimeClassName", "RuntimeClassName", Ty::Ptr("")),
    ("overhead", "Overhead", Ty::Map("core.ResourceList")),
    ("enableServiceLinks", "EnableServiceLinks", Ty::Ptr("")),
    (
        "topologySpreadConstraints",
        "TopologySpreadConstraints",
        Ty::Slice("[]core.TopologySpreadConstraint", Elem::Other),
    ),
    ("os", "OS", Ty::Ptr("&core.PodOS")),
    (
        "schedulingGates",
        "SchedulingGates",
        Ty::Slice("[]core.PodSchedulingGate", Elem::Other),
    ),
    (
        "resourceClaims",
        "ResourceClaims",
        Ty::Slice("[]core.PodResourceClaim", Elem::Other),
    ),
    (
        "resources",
        "Resources",
        Ty::Ptr("&core.ResourceRequirements"),
    ),
];

/// v1 PodSpec fields that are part of the internal PodSecurityContext.
pub(super) const HOST_FLAGS: &[(&str, &str)] = &[
    ("hostNetwork", "hostNetwork"),
    ("hostPID", "hostPID"),
    ("hostIPC", "hostIPC"),
    ("shareProcessNamespace", "shareProcessNamespace"),
    ("hostUsers", "hostUsers"),
];

//! The resource registry: every kind Podlab serves with its plural, singular and short names,
//! group/version, scope and verbs, as `kubectl api-resources` lists them for v1.33. kubectl
//! resolves `po`, `pods`, `Pod`, `deployments.apps` and `pod/web` through here.

/// One row of `kubectl api-resources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// "" for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub verbs: &'static [&'static str],
}

impl ResourceInfo {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `pods` or `deployments.apps`, the form kubectl uses in messages (`deployments.apps "web" not found`).
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Cluster-scoped kinds with no deletecollection in the real registry still list it; Podlab
/// keeps one verb set except where the API really differs.
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];

macro_rules! r {
    ($kind:literal, $plural:literal, $singular:literal, [$($short:literal),*], $ns:literal, $group:literal, $version:literal, $verbs:expr) => {
        ResourceInfo { kind: $kind, plural: $plural, singular: $singular, short_names: &[$($short),*], namespaced: $ns, group: $group, version: $version, verbs: $verbs }
    };
}

static RESOURCES: &[ResourceInfo] = &[
    r!(
        "ConfigMap",
        "configmaps",
        "configmap",
        ["cm"],
        true,
        "",
        "v1",
        ALL
    ),
    r!(
        "Endpoints",
        "endpoints",
        "endpoints",
        ["ep"],
        true,
        "",
        "v1",
        ALL
    ),
    r!("Event", "events", "event", ["ev"], true, "", "v1", ALL),
    r!(
        "LimitRange",
        "limitranges",
        "limitrange",
        ["limits"],
        true,
        "",
        "v1",
        ALL
    ),
    r!(
        "Namespace",
        "namespaces",
        "namespace",
        ["ns"],
        false,
        "",
        "v1",
        NAMESPACE_VERBS
    ),
    r!("Node", "nodes", "node", ["no"], false, "", "v1", ALL),
    r!(
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        ["pvc"],
        true,
        "",
        "v1",
        ALL
    ),
    r!(
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        ["pv"],
        false,
        "",
        "v1",
        ALL
    ),
    r!("Pod", "pods", "pod", ["po"], true, "", "v1", ALL),
    r!(
        "ResourceQuota",
        "resourcequotas",
        "resourcequota",
        ["quota"],
        true,
        "",
        "v1",
        ALL
    ),
    r!("Secret", "secrets", "secret", [], true, "", "v1", ALL),
    r!(
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        ["sa"],
        true,
        "",
        "v1",
        ALL
    ),
    r!(
        "Service",
        "services",
        "service",
        ["svc"],
        true,
        "",
        "v1",
        ALL
    ),
    r!(
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        [],
        true,
        "apps",
        "v1",
        ALL
    ),
    r!(
        "DaemonSet",
        "daemonsets",
        "daemonset",
        ["ds"],
        true,
        "apps",
        "v1",
        ALL
    ),
    r!(
        "Deployment",
        "deployments",
        "deployment",
        ["deploy"],
        true,
        "apps",
        "v1",
        ALL
    ),
    r!(
        "ReplicaSet",
        "replicasets",
        "replicaset",
        ["rs"],
        true,
        "apps",
        "v1",
        ALL
    ),
    r!("Job", "jobs", "job", [], true, "batch", "v1", ALL),
    r!(
        "Lease",
        "leases",
        "lease",
        [],
        true,
        "coordination.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "EndpointSlice",
        "endpointslices",
        "endpointslice",
        [],
        true,
        "discovery.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        ["pdb"],
        true,
        "policy",
        "v1",
        ALL
    ),
    r!(
        "ClusterRoleBinding",
        "clusterrolebindings",
        "clusterrolebinding",
        [],
        false,
        "rbac.authorization.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "ClusterRole",
        "clusterroles",
        "clusterrole",
        [],
        false,
        "rbac.authorization.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "RoleBinding",
        "rolebindings",
        "rolebinding",
        [],
        true,
        "rbac.authorization.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "Role",
        "roles",
        "role",
        [],
        true,
        "rbac.authorization.k8s.io",
        "v1",
        ALL
    ),
    r!(
        "StorageClass",
        "storageclasses",
        "storageclass",
        ["sc"],
        false,
        "storage.k8s.io",
        "v1",
        ALL
    ),
];

/// Every resource, in `kubectl api-resources` order (core group first, then by group).
pub fn resources() -> &'static [ResourceInfo] {
    RESOURCES
}

/// Resolves what a user typed as a resource type: plural, singular, short name or kind, any
/// case, optionally qualified as `resource.group` or `resource.version.group`.
pub fn lookup(name: &str) -> Option<&'static ResourceInfo> {
    let lower = name.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return None;
    }
    let matches = |r: &ResourceInfo, n: &str| {
        r.plural == n
            || r.singular == n
            || r.short_names.contains(&n)
            || r.kind.eq_ignore_ascii_case(n)
    };
    if let Some(r) = RESOURCES.iter().find(|r| matches(r, &lower)) {
        return Some(r);
    }
    // `deployments.apps`, `deploy.v1.apps`, `pods.v1.` ...
    let (head, qualifier) = lower.split_once('.')?;
    RESOURCES.iter().find(|r| {
        matches(r, head)
            && (qualifier == r.group
                || qualifier == format!("{}.{}", r.version, r.group)
                || (r.group.is_empty()
                    && (qualifier == r.version || qualifier == format!("{}.", r.version))))
    })
}

/// The resource for an apiVersion + kind pair from a manifest (exact case, as the REST mapper).
pub fn lookup_kind(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version)
}

/// Why `kind/name` could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindNameError {
    /// `error: the server doesn't have a resource type "pood"`.
    UnknownResource(String),
    /// `error: arguments in resource/name form must have a single resource and name`.
    Malformed,
}

impl std::fmt::Display for KindNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KindNameError::UnknownResource(t) => {
                write!(f, "the server doesn't have a resource type {t:?}")
            }
            KindNameError::Malformed => {
                f.write_str("arguments in resource/name form must have a single resource and name")
            }
        }
    }
}

/// Splits `pod/web` (or `deployments.apps/web`) into the resource and the name.
pub fn parse_kind_name(arg: &str) -> Result<(&'static ResourceInfo, &str), KindNameError> {
    let (kind, name) = arg.split_once('/').ok_or(KindNameError::Malformed)?;
    if kind.is_empty() || name.is_empty() || name.contains('/') {
        return Err(KindNameError::Malformed);
    }
    let info = lookup(kind).ok_or_else(|| KindNameError::UnknownResource(kind.to_string()))?;
    Ok((info, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_name_form() {
        let cases = [
            ("po", "Pod"),
            ("pods", "Pod"),
            ("POD", "Pod"),
            ("Pods", "Pod"),
            ("svc", "Service"),
            ("deploy", "Deployment"),
            ("deployments.apps", "Deployment"),
            ("deployment.v1.apps", "Deployment"),
            ("rs", "ReplicaSet"),
            ("no", "Node"),
            ("ns", "Namespace"),
            ("cm", "ConfigMap"),
            ("ev", "Event"),
            ("sa", "ServiceAccount"),
            ("pvc", "PersistentVolumeClaim"),
            ("pv", "PersistentVolume"),
            ("sc", "StorageClass"),
            ("ep", "Endpoints"),
            ("endpointslices", "EndpointSlice"),
            ("quota", "ResourceQuota"),
            ("limits", "LimitRange"),
            ("clusterrolebinding", "ClusterRoleBinding"),
            ("pods.v1.", "Pod"),
            ("ds", "DaemonSet"),
            ("daemonsets.apps", "DaemonSet"),
            ("controllerrevisions", "ControllerRevision"),
            ("pdb", "PodDisruptionBudget"),
        ];
        for (name, kind) in cases {
            assert_eq!(lookup(name).map(|r| r.kind), Some(kind), "{name}");
        }
        for bad in ["", "pood", "pods.apps", "deploy.batch"] {
            assert!(lookup(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn splits_kind_name() {
        assert_eq!(
            parse_kind_name("pod/web").map(|(r, n)| (r.kind, n)),
            Ok(("Pod", "web"))
        );
        assert_eq!(
            parse_kind_name("pood/web").unwrap_err().to_string(),
            "the server doesn't have a resource type \"pood\""
        );
        assert_eq!(parse_kind_name("pod/"), Err(KindNameError::Malformed));
        assert_eq!(parse_kind_name("web"), Err(KindNameError::Malformed));
    }

    #[test]
    fn every_object_kind_is_registered() {
        for (kind, api_version) in crate::object::KINDS {
            assert!(lookup_kind(api_version, kind).is_some(), "{kind}");
        }
        assert_eq!(crate::object::KINDS.len(), RESOURCES.len());
    }
}

//! The API server's discovery table: which kinds exist, their REST resource names, API group,
//! version and scope. Error messages name resources the way the server does ("pods",
//! "roles.rbac.authorization.k8s.io"), RBAC matches on group + resource, and the store needs to
//! know whether a kind is namespaced; all of that comes from this one table.

/// One served resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub kind: &'static str,
    /// Lower-case plural, e.g. `pods`.
    pub resource: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// API group; "" is the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

impl ResourceInfo {
    /// `apiVersion` as written in objects: `v1` or `rbac.authorization.k8s.io/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `schema.GroupResource.String()`: `pods`, `roles.rbac.authorization.k8s.io`.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

const fn r(
    kind: &'static str,
    resource: &'static str,
    singular: &'static str,
    short_names: &'static [&'static str],
    group: &'static str,
    version: &'static str,
    namespaced: bool,
) -> ResourceInfo {
    ResourceInfo { kind, resource, singular, short_names, group, version, namespaced }
}

/// Every kind the simulated API server serves, in `kubectl api-resources` order.
pub const RESOURCES: &[ResourceInfo] = &[
    r("Binding", "bindings", "binding", &[], "", "v1", true),
    r("ConfigMap", "configmaps", "configmap", &["cm"], "", "v1", true),
    r("Endpoints", "endpoints", "endpoints", &["ep"], "", "v1", true),
    r("Event", "events", "event", &["ev"], "", "v1", true),
    r("LimitRange", "limitranges", "limitrange", &["limits"], "", "v1", true),
    r("Namespace", "namespaces", "namespace", &["ns"], "", "v1", false),
    r("Node", "nodes", "node", &["no"], "", "v1", false),
    r("PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", &["pvc"], "", "v1", true),
    r("PersistentVolume", "persistentvolumes", "persistentvolume", &["pv"], "", "v1", false),
    r("Pod", "pods", "pod", &["po"], "", "v1", true),
    r("ResourceQuota", "resourcequotas", "resourcequota", &["quota"], "", "v1", true),
    r("Secret", "secrets", "secret", &[], "", "v1", true),
    r("ServiceAccount", "serviceaccounts", "serviceaccount", &["sa"], "", "v1", true),
    r("Service", "services", "service", &["svc"], "", "v1", true),
    r("MutatingAdmissionPolicy", "mutatingadmissionpolicies", "mutatingadmissionpolicy", &[], "admissionregistration.k8s.io", "v1alpha1", false),
    r("ValidatingAdmissionPolicy", "validatingadmissionpolicies", "validatingadmissionpolicy", &[], "admissionregistration.k8s.io", "v1", false),
    r("ControllerRevision", "controllerrevisions", "controllerrevision", &[], "apps", "v1", true),
    r("DaemonSet", "daemonsets", "daemonset", &["ds"], "apps", "v1", true),
    r("Deployment", "deployments", "deployment", &["deploy"], "apps", "v1", true),
    r("ReplicaSet", "replicasets", "replicaset", &["rs"], "apps", "v1", true),
    r("StatefulSet", "statefulsets", "statefulset", &["sts"], "apps", "v1", true),
    r("Job", "jobs", "job", &[], "batch", "v1", true),
    r("CronJob", "cronjobs", "cronjob", &["cj"], "batch", "v1", true),
    r("Lease", "leases", "lease", &[], "coordination.k8s.io", "v1", true),
    r("EndpointSlice", "endpointslices", "endpointslice", &[], "discovery.k8s.io", "v1", true),
    r("PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", &["pdb"], "policy", "v1", true),
    r("PriorityClass", "priorityclasses", "priorityclass", &["pc"], "scheduling.k8s.io", "v1", false),
    r("ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", &[], "rbac.authorization.k8s.io", "v1", false),
    r("ClusterRole", "clusterroles", "clusterrole", &[], "rbac.authorization.k8s.io", "v1", false),
    r("RoleBinding", "rolebindings", "rolebinding", &[], "rbac.authorization.k8s.io", "v1", true),
    r("Role", "roles", "role", &[], "rbac.authorization.k8s.io", "v1", true),
    r("StorageClass", "storageclasses", "storageclass", &["sc"], "storage.k8s.io", "v1", false),
];

/// Looks a kind up by its exact `kind` name.
pub fn by_kind(kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES.iter().find(|r| r.kind == kind)
}

/// Looks a kind up the way kubectl resolves a typed name: kind (any case), plural, singular or
/// short name, optionally qualified with a group (`deployments.apps`).
pub fn resolve(name: &str) -> Option<&'static ResourceInfo> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCES.iter().find(|r| {
        let name_matches = r.kind.eq_ignore_ascii_case(&base)
            || r.resource == base
            || r.singular == base
            || r.short_names.contains(&base.as_str());
        name_matches && group.as_deref().is_none_or(|g| r.group == g || r.group.starts_with(&format!("{g}.")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_kubectl_names() {
        let cases = [
            ("po", "Pod"),
            ("pods", "Pod"),
            ("Pod", "Pod"),
            ("deploy", "Deployment"),
            ("deployments.apps", "Deployment"),
            ("rolebinding", "RoleBinding"),
            ("clusterroles.rbac", "ClusterRole"),
            ("ns", "Namespace"),
        ];
        for (input, kind) in cases {
            assert_eq!(resolve(input).map(|r| r.kind), Some(kind), "{input}");
        }
        assert!(resolve("pood").is_none());
        assert_eq!(by_kind("Role").unwrap().qualified(), "roles.rbac.authorization.k8s.io");
        assert_eq!(by_kind("Deployment").unwrap().api_version(), "apps/v1");
    }
}

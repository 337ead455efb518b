//! API-server validation with v1.33's field paths and wording. Callers run `defaults::apply`
//! first (the API server defaults before validating, so "Required value" for defaulted fields
//! only appears when a learner explicitly empties them) and set metadata.namespace for
//! namespaced kinds. The message layers are: `field::Error` Display (`spec.x: Required value`),
//! `ErrorList::to_status_message` (the Status the server returns) and
//! `ErrorList::to_invalid_message` (what kubectl prints for it).

pub mod cluster;
pub mod container;
pub mod env;
pub mod field;
pub mod meta;
pub mod names;
pub mod other;
pub mod pod;
pub mod scheduling;
pub mod update;
pub mod volumes;

pub use field::{BadValue, Error, ErrorList, ErrorType, Path};

use crate::object::Object;
use meta::NameRule;

/// Validates a new object (`ValidatePodCreate`, `ValidateConfigMap`, ...).
pub fn validate_create(obj: &Object) -> Result<(), ErrorList> {
    let errs = validate_create_list(obj);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

/// Validates an update of `old` to `new` (`ValidatePodUpdate`, immutable fields ...).
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ErrorList> {
    let errs = update::validate_update(old, new);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

pub(crate) fn validate_create_list(obj: &Object) -> ErrorList {
    match obj {
        Object::Pod(p) => pod::validate_pod_create(p),
        Object::Node(n) => other::meta_only(&n.metadata, false, NameRule::Subdomain),
        Object::Namespace(n) => other::meta_only(&n.metadata, false, NameRule::Label),
        Object::ConfigMap(c) => other::config_map(c),
        Object::Secret(s) => other::secret(s),
        Object::Service(s) => other::service(s),
        Object::Endpoints(e) => other::meta_only(&e.metadata, true, NameRule::Subdomain),
        Object::EndpointSlice(e) => other::meta_only(&e.metadata, true, NameRule::Subdomain),
        Object::ServiceAccount(s) => other::meta_only(&s.metadata, true, NameRule::Subdomain),
        Object::Event(e) => other::meta_only(&e.metadata, true, NameRule::Subdomain),
        Object::LimitRange(l) => other::limit_range(l),
        Object::ResourceQuota(q) => other::resource_quota(q),
        Object::PersistentVolumeClaim(c) => other::pvc(c),
        Object::PersistentVolume(v) => other::pv(v),
        Object::StorageClass(s) => other::storage_class(s),
        Object::ReplicaSet(r) => other::replica_set(r),
        Object::Deployment(d) => other::deployment(d),
        Object::DaemonSet(d) => crate::daemonset::validate_daemon_set(d),
        Object::ControllerRevision(c) => crate::controllerrevision::validate_controller_revision(c),
        Object::PodDisruptionBudget(p) => crate::policy::validate_pdb(p),
        Object::Job(j) => other::job(j),
        Object::Lease(l) => crate::coordination::validate_lease(l),
        Object::Role(r) => other::role(r),
        Object::ClusterRole(r) => other::cluster_role(r),
        Object::RoleBinding(b) => other::role_binding(b),
        Object::ClusterRoleBinding(b) => other::cluster_role_binding(b),
    }
}

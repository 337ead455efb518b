//! `kubectl describe`: one describer per kind, each a port of its describe.go counterpart,
//! writing through a PrefixWriter onto describe's tabwriter.

pub mod common;
pub mod daemonset;
pub mod generic;
pub mod kinds;
pub mod node;
pub mod persistentvolume;
pub mod pod;
pub mod rbac;
pub mod volumes;
pub mod writer;

use crate::value::s;
use serde_json::Value;
use std::sync::Arc;

/// The describe text of any object; `related` carries what the kind's describer lists beside
/// it (a node's pods, a deployment's ReplicaSets, a service's endpoints).
pub fn describe_object(obj: &Value, events: Option<&[Value]>, related: &[Arc<Value>], now: i64) -> String {
    match s(obj, "kind") {
        "Pod" => pod::describe_pod(obj, events, now),
        "Node" => node::describe_node(obj, related, events, now),
        "ConfigMap" => kinds::configmap(obj, events, now),
        "Secret" => kinds::secret(obj, events, now),
        "Namespace" => kinds::namespace(obj, related),
        "Service" => kinds::service(obj, related, events, now),
        "Deployment" => kinds::deployment(obj, related, events, now),
        "ReplicaSet" => kinds::replicaset(obj, related, events, now),
        "DaemonSet" => daemonset::daemonset(obj, related, events, now),
        "PodDisruptionBudget" => daemonset::pdb(obj, events, now),
        "Job" => kinds::job(obj, related, events, now),
        "PersistentVolumeClaim" => kinds::pvc(obj, related, events, now),
        "PersistentVolume" => persistentvolume::describe_pv(obj, events, now),
        "ServiceAccount" => rbac::service_account(obj, related, events, now),
        "Role" | "ClusterRole" => rbac::role(obj),
        "RoleBinding" | "ClusterRoleBinding" => rbac::binding(obj),
        // kubectl has no describer of its own for these: its generic one prints every field.
        "ControllerRevision" | "Lease" => generic::describe(obj, events, now),
        _ => generic(obj, events, now),
    }
}

/// Kinds without a dedicated describer: identity, labels, annotations and events.
fn generic(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = writer::Writer::new();
    w.write(writer::L0, &format!("Name:\t{}\n", s(obj, "metadata.name")));
    if !s(obj, "metadata.namespace").is_empty() {
        w.write(writer::L0, &format!("Namespace:\t{}\n", s(obj, "metadata.namespace")));
    }
    common::labels(&mut w, "Labels", obj, "metadata.labels");
    common::annotations(&mut w, "Annotations", obj, "metadata.annotations");
    if let Some(e) = evs {
        common::events(&mut w, e, now);
    }
    w.finish()
}

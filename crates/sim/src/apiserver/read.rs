//! Read verbs: get and list (with label and field selectors). Lists come back in etcd key
//! order (namespace, then name) with the revision they were read at.

use super::{label_of, resource_for, Req};
use crate::meta;
use crate::request::{ApiOk, ApiResponse};
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::Outcome;
use serde_json::json;

pub(crate) fn get(r: &mut Req, kind: &str, ns: &str, name: &str) -> ApiResponse {
    let info = resource_for(kind)?;
    let ns = if info.namespaced { ns } else { "" };
    let label = label_of(info, ns, name);
    r.authorize(info, "get", "", ns, name, &label)?;
    match r.core.store.get(&ObjectKey::new(info.kind, ns, name)) {
        Some(obj) => {
            let obj = obj.clone();
            r.trace("read", Outcome::Ok, &label, json!({"resourceVersion": meta::resource_version(&obj)}));
            Ok(ApiOk::Object(obj))
        }
        None => Err(Status::not_found(&info.qualified(), name)),
    }
}

pub(crate) fn list(r: &mut Req, kind: &str, ns: Option<&str>, labels: Option<&str>, fields: Option<&str>) -> ApiResponse {
    let info = resource_for(kind)?;
    let ns = if info.namespaced { ns.filter(|n| !n.is_empty()) } else { None };
    let label = label_of(info, ns.unwrap_or(""), "");
    r.authorize(info, "list", "", ns.unwrap_or(""), "", &label)?;
    let ls = LabelSelector::parse(labels.unwrap_or("")).map_err(Status::bad_request)?;
    let fs = FieldSelector::parse(info.kind, fields.unwrap_or("")).map_err(Status::bad_request)?;
    let items: Vec<_> = match (info.kind, fs.node_name()) {
        ("Pod", Some(node)) => r.core.store.pods_on_node(node).into_iter().filter(|o| ns.is_none_or(|n| meta::namespace(o) == n)).collect(),
        _ => r.core.store.list(info.kind, ns).collect(),
    };
    // Shared, not copied: the store's objects are immutable once written.
    let items: Vec<_> = items.into_iter().filter(|o| ls.matches(&meta::labels(o)) && fs.matches(o)).map(std::sync::Arc::clone).collect();
    let rv = r.core.store.revision().to_string();
    r.trace("read", Outcome::Ok, &label, json!({"items": items.len(), "resourceVersion": rv}));
    Ok(ApiOk::List { items, resource_version: rv })
}

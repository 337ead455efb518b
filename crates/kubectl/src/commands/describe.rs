//! `kubectl describe TYPE [NAME...]` / `TYPE/NAME` / `-l`: finds the objects, fetches the
//! events that concern each, and prints the kind's describer output, separated by blank
//! lines as kubectl does.

use super::{parse_targets, CmdResult, Ctx, Fail};
use crate::describe::{common::events_for, describe_object};
use serde_json::Value;
use std::sync::Arc;

pub fn describe(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    let from_files = !ctx.flags.all("filename").is_empty();
    if args.is_empty() && !from_files {
        return Err(Fail::Error(
            "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.".into(),
        ));
    }
    let targets = if from_files { super::apply::targets_from_files(ctx)? } else { parse_targets(&args, "describe")? };
    let ns = ctx.namespace();
    let mut errors = Vec::new();
    let mut objects: Vec<Value> = Vec::new();
    for t in &targets {
        if t.names.is_empty() {
            let scope = if ctx.all_namespaces() { None } else { Some(ns.as_str()) };
            let labels = ctx.flags.get("selector").map(str::to_string);
            objects.extend(ctx.list_objects(t.info, scope, labels.as_deref(), None)?);
            continue;
        }
        for name in &t.names {
            // describe looks the name up as a prefix when there is no exact match.
            match ctx.get_object(t.info, &ns, name) {
                Ok(o) => objects.push(o),
                Err(Fail::Server(st)) if st.reason == "NotFound" => {
                    let scope = Some(ns.as_str());
                    let all = ctx.list_objects(t.info, scope, None, None).unwrap_or_default();
                    let matches: Vec<Value> = all.into_iter().filter(|o| crate::value::s(o, "metadata.name").starts_with(name.as_str())).collect();
                    if matches.is_empty() {
                        errors.push(Fail::Server(st));
                    }
                    objects.extend(matches);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    if objects.is_empty() && errors.is_empty() {
        if ctx.all_namespaces() {
            ctx.stderr("No resources found\n");
        } else {
            ctx.stderr(&format!("No resources found in {ns} namespace.\n"));
        }
        return Ok(());
    }
    let show_events = ctx.flags.bool_or("show-events", true);
    let event_info = super::resource("events")?;
    let now = ctx.now_ms();
    let mut first = true;
    for obj in &objects {
        let evs = if show_events {
            // Like kubectl's `Events.Search`, ask the server only for this object's events.
            let obj_ns = crate::value::s(obj, "metadata.namespace").to_string();
            let scope = if obj_ns.is_empty() { None } else { Some(obj_ns.as_str()) };
            let name = crate::value::s(obj, "metadata.name");
            let kind = crate::value::s(obj, "kind");
            let mut selector = format!("involvedObject.kind={kind},involvedObject.name={name}");
            if !obj_ns.is_empty() {
                selector.push_str(&format!(",involvedObject.namespace={obj_ns}"));
            }
            let all = ctx.list_shared(event_info, scope, None, Some(&selector)).unwrap_or_default();
            Some(events_for(&all, obj))
        } else {
            None
        };
        let related = related_objects(ctx, obj);
        let text = describe_object(obj, evs.as_deref(), &related, now);
        if !first {
            ctx.stdout("\n\n");
        }
        first = false;
        ctx.stdout(&text);
    }
    super::get::finish(ctx, errors)
}

/// Objects a describer shows beside the main one (a node's pods, a deployment's ReplicaSets,
/// a service's endpoints), fetched through the API like kubectl does.
fn related_objects(ctx: &mut Ctx, obj: &Value) -> Vec<Arc<Value>> {
    let kind = crate::value::s(obj, "kind");
    let ns = crate::value::s(obj, "metadata.namespace").to_string();
    let name = crate::value::s(obj, "metadata.name").to_string();
    let fetch = |ctx: &mut Ctx, kind: &str, ns: Option<&str>, fields: Option<&str>| -> Vec<Arc<Value>> {
        match super::resource(kind) {
            Ok(info) => ctx.list_shared(info, ns, None, fields).unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    };
    match kind {
        "Node" => {
            let mut v = fetch(ctx, "pods", None, Some(&format!("spec.nodeName={name}")));
            // describe node also reads the node's heartbeat Lease from kube-node-lease.
            v.extend(fetch(ctx, "leases", Some("kube-node-lease"), Some(&format!("metadata.name={name}"))));
            v
        }
        "Deployment" => fetch(ctx, "replicasets", Some(&ns), None),
        "ReplicaSet" | "Job" | "DaemonSet" => fetch(ctx, "pods", Some(&ns), None),
        "Service" => {
            // kubectl 1.33 reads a service's endpoints from its EndpointSlices.
            let mut v = fetch(ctx, "endpointslices", Some(&ns), None);
            v.retain(|e| crate::value::at(e, "metadata.labels").and_then(|l| l.get("kubernetes.io/service-name")).and_then(|n| n.as_str()) == Some(name.as_str()));
            v
        }
        "PersistentVolumeClaim" => fetch(ctx, "pods", Some(&ns), None),
        "ServiceAccount" => fetch(ctx, "secrets", Some(&ns), None),
        "Namespace" => {
            let mut v = fetch(ctx, "resourcequotas", Some(&name), None);
            v.extend(fetch(ctx, "limitranges", Some(&name), None));
            v
        }
        _ => Vec::new(),
    }
}

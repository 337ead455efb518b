//! `kubectl rollout history` and the DaemonSet half of `rollout undo`, after kubectl's
//! polymorphichelpers (history.go: `printHistory`, `printTemplate`, `daemonSetHistory`,
//! `applyDaemonSetHistory`; rollback.go: `DaemonSetRollbacker`, `findHistory`). A Deployment's
//! history is its ReplicaSets' `deployment.kubernetes.io/revision`; a DaemonSet's is the
//! ControllerRevisions it controls (listed with its selector), each holding the strategic
//! merge patch that restores its template. Undo sends that patch unchanged, as kubectl does,
//! and the DaemonSet controller then renumbers the restored revision to the top.

use super::{fail, kind_prefix, resource, CmdResult, Ctx, Fail};
use crate::describe::kinds::pod_template;
use crate::describe::writer::Writer;
use crate::value::{arr, at, format_label_selector, i, s, scalar_text};
use podlab_api::ResourceInfo;
use podlab_sim::{PatchType, Verb};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
const DEPLOYMENT_REVISION: &str = "deployment.kubernetes.io/revision";

/// One revision: its pod template (for `--revision=N`), its change cause and the object
/// that records it (the ReplicaSet or ControllerRevision `-o` prints, as `GetHistory` returns).
struct Entry {
    template: Value,
    change_cause: String,
    object: Value,
}

/// `printTemplate`: DescribePodTemplate written into a plain buffer, so its tabs stay tabs.
pub fn print_template(template: &Value) -> String {
    let mut w = Writer::new();
    pod_template(&mut w, template);
    w.finish_unaligned()
}

fn annotation(v: &Value, key: &str) -> String {
    at(v, "metadata.annotations").and_then(|a| a.get(key)).map(scalar_text).unwrap_or_default()
}

/// `printHistory`: the REVISION / CHANGE-CAUSE table, or one revision's template.
fn print_history(history: &BTreeMap<i64, Entry>, revision: i64) -> Result<String, Fail> {
    if history.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let Some(entry) = history.get(&revision) else { return fail("unable to find the specified revision") };
        return Ok(print_template(&entry.template));
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
    for (r, entry) in history {
        let cause = if entry.change_cause.is_empty() { "<none>" } else { entry.change_cause.as_str() };
        text.push_str(&format!("{r}\t{cause}\n"));
    }
    Ok(crate::tabwriter::layout(&text, crate::tabwriter::TabConfig { min_width: 0, padding: 2 }))
}

/// `daemonSetHistory`: the ControllerRevisions the selector lists and the DaemonSet controls.
fn daemonset_revisions(ctx: &mut Ctx, ds: &Value) -> Result<Vec<Value>, Fail> {
    let info = resource("controllerrevisions")?;
    let selector = format_label_selector(ds, "spec.selector");
    let uid = s(ds, "metadata.uid").to_string();
    let all = ctx.list_objects(info, Some(s(ds, "metadata.namespace")), Some(&selector), None)?;
    let controlled = |cr: &Value| arr(cr, "metadata.ownerReferences").iter().any(|o| s(o, "uid") == uid && o.get("controller").and_then(Value::as_bool) == Some(true));
    Ok(all.into_iter().filter(controlled).collect())
}

/// `applyDaemonSetHistory` for the patch shape the controller writes
/// (`{"spec":{"template":{"$patch":"replace",...}}}`): the revision's template replaces the
/// DaemonSet's; a revision without one leaves it as it is. `None` for data that is no object.
pub fn revision_template(ds: &Value, cr: &Value) -> Option<Value> {
    let data = cr.get("data").filter(|d| d.is_object())?;
    let Some(mut template) = data.pointer("/spec/template").cloned() else {
        return Some(at(ds, "spec.template").cloned().unwrap_or(json!({})));
    };
    if let Some(m) = template.as_object_mut() {
        m.shift_remove("$patch");
    }
    Some(template)
}

fn daemonset_history(ds: &Value, revisions: &[Value]) -> Result<BTreeMap<i64, Entry>, Fail> {
    let mut out = BTreeMap::new();
    for cr in revisions {
        let Some(template) = revision_template(ds, cr) else {
            return fail(format!("unable to parse history {}", s(cr, "metadata.name")));
        };
        out.insert(i(cr, "revision"), Entry { template, change_cause: annotation(cr, CHANGE_CAUSE), object: cr.clone() });
    }
    Ok(out)
}

/// The REVISION / CHANGE-CAUSE table of a DaemonSet's revisions (`No rollout history
/// found.` without any).
pub fn history_table(revisions: &[Value]) -> String {
    daemonset_history(&Value::Null, revisions).and_then(|h| print_history(&h, 0)).unwrap_or_default()
}

fn deployment_history(ctx: &mut Ctx, dep: &Value) -> Result<BTreeMap<i64, Entry>, Fail> {
    let info = resource("replicasets")?;
    let uid = s(dep, "metadata.uid").to_string();
    let all = ctx.list_objects(info, Some(s(dep, "metadata.namespace")), None, None)?;
    let mut out = BTreeMap::new();
    for rs in all.iter().filter(|rs| arr(rs, "metadata.ownerReferences").iter().any(|o| s(o, "uid") == uid)) {
        let Ok(r) = annotation(rs, DEPLOYMENT_REVISION).parse::<i64>() else { continue };
        let mut template = at(rs, "spec.template").cloned().unwrap_or(json!({}));
        let cause = annotation(rs, CHANGE_CAUSE);
        // The viewer copies the ReplicaSet's change cause into the template it prints.
        if !cause.is_empty() && template.is_object() {
            if !template["metadata"].is_object() {
                template["metadata"] = json!({});
            }
            if !template["metadata"]["annotations"].is_object() {
                template["metadata"]["annotations"] = json!({});
            }
            template["metadata"]["annotations"][CHANGE_CAUSE] = json!(cause);
        }
        out.insert(r, Entry { template, change_cause: cause, object: rs.clone() });
    }
    Ok(out)
}

/// `rollout history`: `daemonset.apps/NAME ` then the table, or `... with revision #N` then
/// that revision's pod template.
pub fn history(ctx: &mut Ctx, info: &ResourceInfo, obj: &Value) -> CmdResult {
    let revision = ctx.flags.int("revision").unwrap_or(0);
    if revision < 0 {
        return fail(format!("revision must be a positive integer: {revision}"));
    }
    let entries = if info.kind == "DaemonSet" {
        let revisions = daemonset_revisions(ctx, obj)?;
        daemonset_history(obj, &revisions)?
    } else {
        deployment_history(ctx, obj)?
    };
    if let Some(o) = ctx.flags.get("output").filter(|o| !o.is_empty()).map(str::to_string) {
        return print_revisions(ctx, &o, &entries, revision);
    }
    let text = print_history(&entries, revision)?;
    let with_revision = if revision > 0 { format!("with revision #{revision}") } else { String::new() };
    ctx.stdout(&format!("{}/{} {with_revision}\n{text}\n", kind_prefix(info), s(obj, "metadata.name")));
    Ok(())
}

/// `rollout history -o FORMAT`: the revisions' objects themselves (ReplicaSets of a
/// Deployment, ControllerRevisions of a DaemonSet) in revision order, each printed on its own
/// (YAML documents separated by `---`), or only `--revision`'s. No revisions, no output.
fn print_revisions(ctx: &mut Ctx, output: &str, entries: &BTreeMap<i64, Entry>, revision: i64) -> CmdResult {
    let format = super::get::parse_format(output)?;
    if matches!(format, super::get::Format::Table { .. } | super::get::Format::CustomColumns(_)) {
        // history's print flags carry no table printers.
        let allowed = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";
        return fail(format!("unable to match a printer suitable for the output format {output:?}, allowed formats are: {allowed}"));
    }
    let chosen: Vec<&Entry> = if revision > 0 {
        let Some(entry) = entries.get(&revision) else { return fail("unable to find the specified revision") };
        vec![entry]
    } else {
        entries.values().collect()
    };
    for (n, entry) in chosen.into_iter().enumerate() {
        if n > 0 && matches!(format, super::get::Format::Yaml) {
            ctx.stdout("---\n");
        }
        super::get::print_objects(ctx, &format, std::slice::from_ref(&entry.object), true)?;
    }
    Ok(())
}

/// `DaemonSetRollbacker.Rollback`: the previous revision (the second highest) or
/// `--to-revision`, skipped when the DaemonSet already runs that template.
pub fn undo_daemonset(ctx: &mut Ctx, info: &ResourceInfo, obj: &Value) -> CmdResult {
    let to_revision = ctx.flags.int("to-revision").unwrap_or(0);
    if to_revision < 0 {
        return fail(format!("unable to find specified revision {to_revision} in history"));
    }
    let (ns, name) = (s(obj, "metadata.namespace").to_string(), s(obj, "metadata.name").to_string());
    let ds = ctx.get_object(info, &ns, &name).map_err(|e| match e {
        Fail::Server(st) => Fail::Error(format!("failed to retrieve DaemonSet {name}: {}", st.message)),
        other => other,
    })?;
    let mut revisions = daemonset_revisions(ctx, &ds)?;
    if to_revision == 0 && revisions.len() <= 1 {
        return fail("no last revision to roll back to");
    }
    revisions.sort_by_key(|cr| i(cr, "revision"));
    let chosen = if to_revision == 0 { revisions.get(revisions.len() - 2) } else { revisions.iter().find(|cr| i(cr, "revision") == to_revision) };
    let Some(chosen) = chosen else { return fail(format!("unable to find specified revision {to_revision} in history")) };
    let prefix = format!("{}/{name}", kind_prefix(info));
    if ctx.flags.get("dry-run") == Some("client") {
        let template = revision_template(&ds, chosen).unwrap_or(json!({}));
        ctx.stdout(&format!("{prefix} will roll back to {}\n", print_template(&template)));
        return Ok(());
    }
    let data = chosen.get("data").cloned().unwrap_or(json!({}));
    if data == podlab_sim::controllers::daemonset_history::template_patch(&ds) {
        ctx.stdout(&format!("{prefix} skipped rollback (current template already matches revision {to_revision})\n"));
        return Ok(());
    }
    let verb = Verb::Patch { kind: info.kind.into(), namespace: ns, name: name.clone(), patch_type: PatchType::Strategic, patch: data };
    if let Err(st) = ctx.submit(verb) {
        return fail(format!("failed restoring revision {to_revision}: {}", st.message));
    }
    ctx.stdout(&format!("{prefix} rolled back\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_table_and_missing_revision() {
        let mut h = BTreeMap::new();
        assert_eq!(print_history(&h, 0).ok().as_deref(), Some("No rollout history found."));
        h.insert(3, Entry { template: json!({}), change_cause: String::new(), object: json!({}) });
        h.insert(1, Entry { template: json!({}), change_cause: "kubectl set image ds/agent agent=busybox:1.37".into(), object: json!({}) });
        let table = print_history(&h, 0).unwrap_or_default();
        assert_eq!(table, "REVISION  CHANGE-CAUSE\n1         kubectl set image ds/agent agent=busybox:1.37\n3         <none>\n");
        assert_eq!(print_history(&h, 2).err(), Some(Fail::Error("unable to find the specified revision".into())));
    }

    #[test]
    fn revision_template_drops_the_directive() {
        let ds = json!({"spec": {"template": {"metadata": {"labels": {"app": "new"}}}}});
        let cases = [
            (json!({"data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "old"}}}}}}), Some(json!({"metadata": {"labels": {"app": "old"}}}))),
            (json!({"data": {"spec": {}}}), Some(json!({"metadata": {"labels": {"app": "new"}}}))),
            (json!({"data": "text"}), None),
        ];
        for (cr, want) in cases {
            assert_eq!(revision_template(&ds, &cr), want, "{cr}");
        }
    }
}

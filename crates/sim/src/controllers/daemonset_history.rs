//! The DaemonSet controller's rollout history (`constructHistory`, `snapshot`,
//! `dedupCurHistories` and `cleanupHistory` in pkg/controller/daemon/update.go): one
//! ControllerRevision per distinct pod template, named `<ds>-<hash>`, whose `data` is the
//! strategic merge patch that restores that template (`{"spec":{"template":{..., "$patch":
//! "replace"}}}`, keys sorted as Go's `json.Marshal` of a map writes them) and whose
//! `revision` counts up; the current template's revision always carries the highest number,
//! so rolling back to an old template renumbers that old revision instead of adding one. The
//! current revision's `controller-revision-hash` label is what the daemon Pods carry, and old
//! revisions beyond `revisionHistoryLimit` that no Pod still uses are deleted. Kept apart from
//! the per-node Pod logic so `kubectl rollout history|undo ds` have one source of truth.

use super::{controller_ref, owner_ref, selector_matches, submit_obj, Informer};
use crate::component::Ctx;
use crate::meta;
use crate::request::{ApiRequest, PatchType};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// `apps.DefaultDaemonSetUniqueLabelKey`.
pub const HASH_LABEL: &str = "controller-revision-hash";
/// `RevisionHistoryLimit`'s API default.
const DEFAULT_HISTORY_LIMIT: i64 = 10;

/// Go's `json.Marshal` of a `map[string]interface{}`: every object's keys in byte order.
fn sorted_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&serde_json::map::Key> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted_keys(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// `getPatch`: the revision data that restores the DaemonSet's current pod template. kubectl's
/// `rollout undo` computes the same bytes to tell whether a revision is already current.
pub fn template_patch(ds: &Value) -> Value {
    let mut template = meta::at(ds, &["spec", "template"]).cloned().filter(Value::is_object).unwrap_or_else(|| json!({}));
    template["$patch"] = json!("replace");
    sorted_keys(&json!({"spec": {"template": template}}))
}

fn revision_of(cr: &Value) -> i64 {
    cr.get("revision").and_then(Value::as_i64).unwrap_or(0)
}

/// The DaemonSet's current revision (the hash its Pods should carry) and its old revisions.
pub struct History {
    pub hash: String,
    pub old: Vec<Arc<Value>>,
}

/// `constructHistory`: adopts orphaned revisions the selector matches, labels revisions that
/// lack the hash label, splits current from old by comparing `data` with the template's
/// patch, creates the current revision when none matches (or renumbers it to the top).
/// `None` when an API write failed; the caller retries on the next sync.
pub fn construct_history(ctx: &mut Ctx<'_>, revisions: &mut Informer, ds: &Value) -> Option<History> {
    let patch = template_patch(ds);
    let (mut current, mut old) = (Vec::new(), Vec::new());
    for cr in controlled_revisions(ctx, revisions, ds)? {
        let cr = if meta::label(&cr, HASH_LABEL).is_none() { add_hash_label(ctx, revisions, &cr)? } else { cr };
        if cr.get("data") == Some(&patch) {
            current.push(cr);
        } else {
            old.push(cr);
        }
    }
    let next = old.iter().map(|c| revision_of(c)).max().unwrap_or(0).saturating_add(1);
    let cur = if current.is_empty() {
        snapshot(ctx, revisions, ds, &patch, next)?
    } else {
        let kept = dedup_current(ctx, current);
        if revision_of(&kept) < next {
            let mut bumped = (*kept).clone();
            bumped["revision"] = json!(next);
            Arc::new(store(ctx, revisions, ApiRequest::update(bumped))?)
        } else {
            kept
        }
    };
    let hash = meta::label(&cur, HASH_LABEL).unwrap_or(meta::name(&cur)).to_string();
    Some(History { hash, old })
}

/// `controlledHistories`: the revisions in the DaemonSet's namespace it controls, plus the
/// orphans its selector matches, which it adopts (`ClaimControllerRevisions`).
fn controlled_revisions(ctx: &mut Ctx<'_>, revisions: &mut Informer, ds: &Value) -> Option<Vec<Arc<Value>>> {
    let uid = meta::uid(ds);
    let selector = meta::at(ds, &["spec", "selector"]);
    let mut mine = Vec::new();
    let mut orphans = Vec::new();
    for cr in revisions.in_namespace(meta::namespace(ds)) {
        match controller_ref(cr) {
            Some((_, _, owner)) if owner == uid => mine.push(Arc::clone(cr)),
            Some(_) => {}
            None if meta::deletion_timestamp(cr).is_none() && selector_matches(selector, &meta::labels(cr)) => orphans.push(Arc::clone(cr)),
            None => {}
        }
    }
    for cr in orphans {
        let patch = json!({"metadata": {"ownerReferences": [owner_ref(ds)]}});
        let req = ApiRequest::patch("ControllerRevision", meta::namespace(&cr), meta::name(&cr), PatchType::Strategic, patch);
        mine.push(Arc::new(store(ctx, revisions, req)?));
    }
    Some(mine)
}

/// A revision without the hash label gets its own name as the label (the controller does not
/// recompute hashes of old revisions, so collisions cannot confuse it).
fn add_hash_label(ctx: &mut Ctx<'_>, revisions: &mut Informer, cr: &Value) -> Option<Arc<Value>> {
    let mut labelled = cr.clone();
    let labels = &mut labelled["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    labels[HASH_LABEL] = json!(meta::name(cr));
    Some(Arc::new(store(ctx, revisions, ApiRequest::update(labelled))?))
}

/// `dedupCurHistories`: several revisions with the current template keep the one with the
/// highest revision; the others are deleted.
fn dedup_current(ctx: &mut Ctx<'_>, mut current: Vec<Arc<Value>>) -> Arc<Value> {
    current.sort_by(|a, b| revision_of(b).cmp(&revision_of(a)).then_with(|| meta::name(a).cmp(meta::name(b))));
    let kept = current.remove(0);
    for dup in current {
        let _ = submit_obj(ctx, super::delete_req("ControllerRevision", meta::namespace(&dup), meta::name(&dup), meta::uid(&dup)));
    }
    kept
}

/// `snapshot`: creates `<ds>-<hash>` with the template's labels plus the hash label, the
/// DaemonSet's annotations and a controller reference. A name taken by a different template
/// is a hash collision: the DaemonSet's `status.collisionCount` goes up, which changes the
/// hash on the next sync.
fn snapshot(ctx: &mut Ctx<'_>, revisions: &mut Informer, ds: &Value, patch: &Value, revision: i64) -> Option<Arc<Value>> {
    let hash = super::daemonset::revision_hash(ds);
    let name = format!("{}-{hash}", meta::name(ds));
    let mut labels = meta::at(ds, &["spec", "template", "metadata", "labels"]).cloned().filter(Value::is_object).unwrap_or_else(|| json!({}));
    labels[HASH_LABEL] = json!(hash);
    let mut m = json!({"name": name, "namespace": meta::namespace(ds), "labels": labels});
    if let Some(a) = meta::at(ds, &["metadata", "annotations"]).filter(|a| a.as_object().is_some_and(|o| !o.is_empty())) {
        m["annotations"] = a.clone();
    }
    m["ownerReferences"] = json!([owner_ref(ds)]);
    let cr = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": m, "data": patch, "revision": revision});
    match ctx.submit(ApiRequest::create(cr)) {
        Ok(crate::request::ApiOk::Object(stored)) => {
            revisions.assume(stored.clone());
            Some(stored)
        }
        Err(st) if st.reason == "AlreadyExists" => {
            let existing = submit_obj(ctx, ApiRequest::get("ControllerRevision", meta::namespace(ds), &name)).ok()?;
            if existing.get("data") == Some(patch) {
                return Some(Arc::new(existing));
            }
            bump_collision_count(ctx, ds);
            None
        }
        _ => None,
    }
}

fn bump_collision_count(ctx: &mut Ctx<'_>, ds: &Value) {
    let mut obj = ds.clone();
    let count = meta::at(ds, &["status", "collisionCount"]).and_then(Value::as_i64).unwrap_or(0);
    if !obj["status"].is_object() {
        obj["status"] = json!({});
    }
    obj["status"]["collisionCount"] = json!(count + 1);
    let _ = submit_obj(ctx, ApiRequest::update_status(obj));
}

/// Submits a write and records the stored revision in the cache.
fn store(ctx: &mut Ctx<'_>, revisions: &mut Informer, req: ApiRequest) -> Option<Value> {
    let stored = submit_obj(ctx, req).ok()?;
    revisions.assume(stored.clone());
    Some(stored)
}

/// `cleanupHistory`: beyond `revisionHistoryLimit`, old revisions go oldest first, except
/// those some Pod of the DaemonSet (terminating ones included) still carries the hash of.
pub fn cleanup_history(ctx: &mut Ctx<'_>, ds: &Value, mut old: Vec<Arc<Value>>, live_hashes: &BTreeSet<String>) {
    let limit = meta::at(ds, &["spec", "revisionHistoryLimit"]).and_then(Value::as_i64).unwrap_or(DEFAULT_HISTORY_LIMIT);
    let mut to_kill = i64::try_from(old.len()).unwrap_or(i64::MAX) - limit;
    if to_kill <= 0 {
        return;
    }
    old.sort_by(|a, b| revision_of(a).cmp(&revision_of(b)).then_with(|| meta::name(a).cmp(meta::name(b))));
    for cr in old {
        if to_kill <= 0 {
            break;
        }
        if meta::label(&cr, HASH_LABEL).is_some_and(|h| live_hashes.contains(h)) {
            continue;
        }
        let _ = submit_obj(ctx, super::delete_req("ControllerRevision", meta::namespace(&cr), meta::name(&cr), meta::uid(&cr)));
        to_kill -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;
    use crate::time::SimTime;

    fn agent(image: &str, history_limit: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
            "spec": {"revisionHistoryLimit": history_limit, "selector": {"matchLabels": {"app": "agent"}},
                "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "agent", "image": image}]}}}})
    }

    /// (revision, image) of every ControllerRevision in default, by revision.
    fn revisions(sim: &Simulation) -> Vec<(i64, String)> {
        let mut out: Vec<(i64, String)> = sim.core.store.list("ControllerRevision", Some("default"))
            .map(|c| (revision_of(c), c.pointer("/data/spec/template/spec/containers/0/image").and_then(Value::as_str).unwrap_or("").to_string()))
            .collect();
        out.sort();
        out
    }

    fn settle(sim: &mut Simulation, secs: u64) {
        let t = SimTime(sim.now().0 + secs * 1000);
        sim.advance_to(t);
    }

    /// Template changes add revisions, going back renumbers the old one to the top, and the
    /// history limit trims the oldest revision no Pod uses.
    #[test]
    fn history_follows_template_changes() {
        let mut sim = Simulation::new(1, crate::ClusterSpec { addons: false, ..crate::ClusterSpec::default() });
        let steps: [(&str, &[(i64, &str)]); 4] = [
            ("busybox:1.36", &[(1, "busybox:1.36")]),
            ("busybox:1.37", &[(1, "busybox:1.36"), (2, "busybox:1.37")]),
            ("busybox:1.36", &[(2, "busybox:1.37"), (3, "busybox:1.36")]),
            ("busybox:latest", &[(3, "busybox:1.36"), (4, "busybox:latest")]),
        ];
        for (idx, (image, want)) in steps.iter().enumerate() {
            let req = if idx == 0 {
                ApiRequest::create(agent(image, 1))
            } else {
                let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "agent", "image": image}]}}}});
                ApiRequest::patch("DaemonSet", "default", "agent", PatchType::Strategic, patch)
            };
            assert!(sim.submit(req).is_ok(), "step {idx}");
            settle(&mut sim, 60);
            let want: Vec<(i64, String)> = want.iter().map(|(r, i)| (*r, i.to_string())).collect();
            assert_eq!(revisions(&sim), want, "after {image}");
        }
        let ds = sim.core.store.list("DaemonSet", Some("default")).next().map(|d| (**d).clone()).unwrap_or_default();
        let hashes: BTreeSet<String> = sim.core.store.list("Pod", Some("default")).filter_map(|p| meta::label(p, HASH_LABEL).map(str::to_string)).collect();
        let current = format!("agent-{}", hashes.iter().next().cloned().unwrap_or_default());
        assert_eq!(hashes.len(), 1, "every Pod runs the current revision");
        let cur = sim.core.store.list("ControllerRevision", Some("default")).find(|c| meta::name(c) == current).map(|c| revision_of(c));
        assert_eq!(cur, Some(4), "the Pods' hash names the newest revision");
        assert_eq!(template_patch(&ds).pointer("/spec/template/$patch"), Some(&json!("replace")));
    }

    #[test]
    fn patch_replaces_the_template_with_sorted_keys() {
        let ds = json!({"spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "a", "image": "busybox"}]}, "metadata": {"labels": {"b": "1", "a": "2"}}}}});
        let p = template_patch(&ds);
        let text = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(text, r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"2","b":"1"}},"spec":{"containers":[{"image":"busybox","name":"a"}]}}}}"#);
        let mut other = ds.clone();
        other["spec"]["template"]["spec"]["containers"][0]["image"] = json!("busybox:1.37");
        assert_ne!(template_patch(&other), p, "a template change changes the data");
        assert_eq!(template_patch(&json!({})), json!({"spec": {"template": {"$patch": "replace"}}}));
    }
}

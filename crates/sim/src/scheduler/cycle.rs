//! One scheduling cycle for one pod: PreFilter, Filter over a round-robin window of nodes,
//! PostFilter (preemption) when nothing fits, Score and host selection, then the binding
//! cycle. Every phase is traced with per-node detail (capped by the ClusterSpec), recorded as
//! typed values (`trace_detail`) that become JSON only when read.

use super::fit_error::{self, fit_error_message, histogram, preemption_message};
use super::framework::{num_feasible_nodes_to_find, FilterStatus, NodeInfo, PodInfo, PodUsage};
use super::plugins;
use super::queue::PodKey;
use super::trace_detail::{BindDetail, CycleDetail, FilterDetail, ScoreDetail, ScoreRow};
use super::{preemption, score, slots, Scheduler, SCHEDULER_NAME};
use crate::component::Ctx;
use crate::events::{EventRecord, EventType, ObjectRef};
use crate::request::{ApiRequest, DeleteOptions, Verb};
use crate::trace::{object_label, Details, Label, Outcome};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::Arc;

pub fn schedule_one(s: &mut Scheduler, ctx: &mut Ctx<'_>, key: PodKey) {
    let Some(obj) = s.pending.get(&key).cloned() else { return };
    let Some(info) = PodInfo::from_object(&obj) else {
        s.queue.done(&key);
        return;
    };
    // One shared label for every entry of this cycle.
    let label = Label::from(object_label("Pod", &key.0, &key.1));
    ctx.trace("scheduling-cycle", Outcome::Info, &label, Details::typed(CycleDetail { attempt: s.queue.attempts(&key), priority: info.priority }));
    if s.nodes.is_empty() {
        return fail(s, ctx, &key, &obj, fit_error::NO_NODES_MSG.to_string(), BTreeSet::new());
    }
    if let Some(msg) = s.volume_binder.as_ref().and_then(|b| b.pre_filter(&info)) {
        ctx.trace("prefilter", Outcome::Denied, &label, json!({"plugin": plugins::volume_binding::NAME, "message": msg}));
        let all = s.nodes.len();
        let pre = preemption_message(all, &format!("{all} {}", fit_error::NO_VICTIMS));
        let message = fit_error_message(all, Some(&msg), "", Some(&pre));
        return fail(s, ctx, &key, &obj, message, [plugins::volume_binding::NAME].into_iter().collect());
    }
    let cap = ctx.trace_node_detail_max();
    // Taken out for the cycle: the feasible nodes borrow the cache.
    let mut scratch = std::mem::take(&mut s.score_scratch);
    let mut rng = s.rng.take().unwrap_or_else(|| crate::rng::Rng::new(0));
    let all = s.node_order.len();
    let start = s.next_start_node_index % all.max(1);
    let picked = if slots::dense_cycle(s, &info) {
        let f = slots::filter(s, &info, start, num_feasible_nodes_to_find(all));
        trace_filter(ctx, &label, all, f.processed, f.feasible.iter().map(|&i| &s.node_order[i as usize].name), &f.statuses);
        if f.feasible.is_empty() {
            Err(f)
        } else {
            slots::score(s, &info, &f.feasible, &mut scratch);
            let host = select_host(f.feasible.len(), |k| &s.node_order[f.feasible[k] as usize].name, &scratch, &mut rng, cap);
            Ok((host, f.processed))
        }
    } else {
        let (feasible, statuses, processed) = filter_nodes(s, &info, start);
        trace_filter(ctx, &label, all, processed, feasible.iter().map(|n| &n.name), &statuses);
        if feasible.is_empty() {
            Err(slots::Filtered { feasible: Vec::new(), statuses, processed })
        } else {
            score::score_nodes(&info, &feasible, &s.image_nodes, s.nodes.len() as i64, &mut scratch);
            Ok((select_host(feasible.len(), |k| &feasible[k].name, &scratch, &mut rng, cap), processed))
        }
    };
    s.score_scratch = scratch;
    s.rng = Some(rng);
    match picked {
        Err(f) => {
            s.next_start_node_index = (start + f.processed) % all.max(1);
            unschedulable(s, ctx, &key, &obj, &info, &f.statuses)
        }
        Ok(((node, details), processed)) => {
            s.next_start_node_index = (start + processed) % all.max(1);
            ctx.trace("score", Outcome::Ok, &label, Details::typed(details));
            bind(s, ctx, key, &obj, &info, node, &label);
        }
    }
}

/// Filter over a round-robin window of nodes from `start`, for a pod the dense walk
/// (`slots`) does not take. Feasible nodes come back as references into the cache (no name
/// copies); rejected ones keep their (shared) name for the FitError and preemption; then how
/// many nodes were visited.
fn filter_nodes<'s>(s: &'s Scheduler, info: &PodInfo, start: usize) -> (Vec<&'s NodeInfo>, Vec<(Label, FilterStatus)>, usize) {
    let all = s.node_order.len();
    let to_find = num_feasible_nodes_to_find(all);
    // VolumeBinding's PreFilter answers Skip for a pod without claims, so its Filter is not
    // run (it would pass every node).
    let binder = s.volume_binder.as_ref().filter(|_| !info.pvc_names.is_empty());
    let walk = Walk { info, binder: binder.map(|b| &**b), to_find, plain: super::filter_hot::FilterHot::plain(info) };
    // `node_order` is the cache's key order unless `assume` added a node the scheduler has not
    // seen through its watch yet; in the common case the cache is walked directly from the
    // start node round to it (two B-tree ranges, no per-node lookup, nothing collected).
    if all > 0 && all == s.nodes.len() {
        debug_assert!(s.node_order.iter().map(|n| n.name.as_str()).eq(s.nodes.keys().map(String::as_str)), "node_order is the cache's key order");
        let first = s.node_order[start].name.as_str();
        let after = s.nodes.range::<str, _>((Bound::Included(first), Bound::Unbounded));
        walk.run(after.chain(s.nodes.range::<str, _>((Bound::Unbounded, Bound::Excluded(first)))).map(|(_, n)| Some(n)).take(all))
    } else {
        walk.run((0..all).map(|i| s.nodes.get(s.node_order[(start + i) % all].name.as_str())))
    }
}

/// The Filter phase's trace entry: how many nodes there are and were visited, the feasible
/// and rejected ones (up to the ClusterSpec's detail cap) and their counts.
fn trace_filter<'a>(ctx: &mut Ctx<'_>, label: &Label, all: usize, processed: usize, feasible: impl ExactSizeIterator<Item = &'a Label>, statuses: &[(Label, FilterStatus)]) {
    let cap = ctx.trace_node_detail_max();
    let feasible_count = feasible.len();
    let outcome = if feasible_count == 0 { Outcome::Denied } else { Outcome::Ok };
    let details = FilterDetail {
        nodes: all,
        evaluated: processed,
        feasible: feasible.take(cap).cloned().collect(),
        feasible_count,
        rejected: statuses.iter().take(cap).cloned().collect(),
        rejected_count: statuses.len(),
    };
    ctx.trace("filter", outcome, label, Details::typed(details));
}

/// The filter walk over one cycle's window, generic over how the window is walked (the cache's
/// ranges or the name list) so each node costs no dynamic call.
struct Walk<'a> {
    info: &'a PodInfo,
    binder: Option<&'a dyn plugins::volume_binding::VolumeBinder>,
    to_find: usize,
    /// `FilterHot::plain` of the pod, asked once.
    plain: bool,
}

impl Walk<'_> {
    /// Filters the nodes `order` yields (None: a name with no cache entry) until `to_find`
    /// fit; returns the feasible nodes, the rejected ones' statuses and how many were visited.
    fn run<'s>(&self, order: impl Iterator<Item = Option<&'s NodeInfo>>) -> (Vec<&'s NodeInfo>, Vec<(Label, FilterStatus)>, usize) {
        let info = self.info;
        let mut feasible: Vec<&NodeInfo> = Vec::with_capacity(self.to_find);
        let mut statuses = Vec::new();
        let mut processed = 0;
        for (i, node) in order.enumerate() {
            let Some(node) = node else { continue };
            processed = i + 1;
            // The compact summary settles the common case (an ordinary pod on a node with
            // room) without reading the rest of `NodeInfo`; the filters decide everything else.
            let hot_ok = self.plain && node.hot.room_for(&info.requests);
            debug_assert_eq!(hot_ok, node.hot.admits(info));
            debug_assert!(!hot_ok || plugins::run_filters(info, node).is_none(), "FilterHot admitted what the filters reject");
            let status = if hot_ok { None } else { plugins::run_filters(info, node) };
            match status.or_else(|| self.binder.and_then(|b| b.filter(info, node))) {
                None => {
                    feasible.push(node);
                    if feasible.len() >= self.to_find {
                        break;
                    }
                }
                Some(st) => statuses.push((node.name.clone(), st)),
            }
        }
        (feasible, statuses, processed)
    }
}

/// Selects the host from the scored nodes (`name(k)` is the `k`th scored node's; ties broken
/// by reservoir sampling, as `selectHost` does); returns the selected node's name and the
/// trace details.
fn select_host<'a>(count: usize, name: impl Fn(usize) -> &'a Label, scored: &score::ScoreScratch, rng: &mut crate::rng::Rng, cap: usize) -> (Label, ScoreDetail) {
    let totals = &scored.totals;
    let (mut best, mut ties) = (0usize, 1u64);
    for i in 1..totals.len() {
        if totals[i] > totals[best] {
            best = i;
            ties = 1;
        } else if totals[i] == totals[best] {
            ties += 1;
            if rng.below(ties) == 0 {
                best = i;
            }
        }
    }
    let rows = (0..count).take(cap).map(|i| ScoreRow::new(name(i).clone(), scored.row(i), totals[i])).collect();
    let selected = if best < count { name(best).clone() } else { Label::default() };
    (selected.clone(), ScoreDetail { rows, selected })
}

fn scheduler_event(s: &Scheduler, regarding: ObjectRef, ty: EventType, reason: &str, action: &str, message: String) -> EventRecord {
    EventRecord { regarding, event_type: ty, reason: reason.into(), message, component: SCHEDULER_NAME.into(), host: s.reporting_instance.clone(), action: action.into() }
}

fn bind(s: &mut Scheduler, ctx: &mut Ctx<'_>, key: PodKey, obj: &Arc<Value>, info: &PodInfo, node_label: Label, label: &Label) {
    let node = node_label.as_str();
    s.assume(key.clone(), node, PodUsage::from(info));
    match ctx.submit(ApiRequest::bind(&key.0, &key.1, node)) {
        Ok(_) => {
            s.pending.remove(&key);
            s.queue.done(&key);
            ctx.trace("bind", Outcome::Ok, label, Details::typed(BindDetail { node: node_label.clone() }));
            let msg = format!("Successfully assigned {}/{} to {node}", key.0, key.1);
            let ev = scheduler_event(s, ObjectRef::of(obj), EventType::Normal, "Scheduled", "Binding", msg);
            ctx.record_series_event(&ev);
        }
        Err(st) => {
            s.assigned.remove(&key);
            if let Some(n) = s.nodes.get_mut(node) {
                n.remove_pod(&key);
            }
            s.sync_slot(node);
            ctx.trace("bind", Outcome::Error, label, json!({"node": node, "error": st.message}));
            let message = format!("binding rejected: running Bind plugin \"DefaultBinder\": {}", st.message);
            fail(s, ctx, &key, obj, message, BTreeSet::new());
        }
    }
}

fn unschedulable(s: &mut Scheduler, ctx: &mut Ctx<'_>, key: &PodKey, obj: &Arc<Value>, info: &PodInfo, statuses: &[(Label, FilterStatus)]) {
    let all = s.nodes.len();
    let hist = histogram(statuses.iter().map(|(_, st)| st.reasons.as_slice()));
    let rejectors: BTreeSet<&'static str> = statuses.iter().map(|(_, st)| st.plugin).collect();
    let label = object_label("Pod", &key.0, &key.1);
    let post = if info.preemption_never {
        Some(fit_error::PREEMPTION_POLICY_NEVER.to_string())
    } else {
        let d = preemption::evaluate(&s.nodes, info, statuses);
        ctx.trace("postfilter", Outcome::Info, label, json!({"plugin": "DefaultPreemption", "candidate": d.best.as_ref().map(|c| json!({"node": c.node, "victims": c.victims.iter().map(|v| format!("{}/{}", v.0 .0, v.0 .1)).collect::<Vec<_>>()}))}));
        match d.best {
            Some(c) => {
                preempt(s, ctx, key, obj, &c);
                None
            }
            None => Some(preemption_message(all, &histogram(d.per_node.iter().map(Vec::as_slice)))),
        }
    };
    let message = fit_error_message(all, None, &hist, post.as_deref());
    fail(s, ctx, key, obj, message, rejectors);
}

fn preempt(s: &mut Scheduler, ctx: &mut Ctx<'_>, key: &PodKey, obj: &Arc<Value>, c: &preemption::Candidate) {
    let preemptor_uid = crate::meta::uid(obj).to_string();
    for (crate::keys::NsName(ns, name), _, uid) in &c.victims {
        let regarding = ObjectRef { kind: "Pod".into(), namespace: ns.clone(), name: name.clone(), uid: uid.clone(), api_version: "v1".into(), ..ObjectRef::default() };
        let msg = format!("Preempted by pod {preemptor_uid} on node {}", c.node);
        let ev = scheduler_event(s, regarding, EventType::Normal, "Preempted", "Preempting", msg);
        ctx.record_series_event(&ev);
        let opts = DeleteOptions { uid: Some(uid.clone()), ..DeleteOptions::default() };
        let _ = ctx.submit(ApiRequest::new(Verb::Delete { kind: "Pod".into(), namespace: ns.clone(), name: name.clone(), options: opts }));
    }
    let mut updated = (**obj).clone();
    crate::meta::object_mut(&mut updated, "status").insert("nominatedNodeName", json!(c.node));
    let _ = ctx.submit(ApiRequest::update_status(updated));
    let _ = key;
}

/// handleSchedulingFailure: FailedScheduling event, PodScheduled=False condition, requeue.
fn fail(s: &mut Scheduler, ctx: &mut Ctx<'_>, key: &PodKey, obj: &Arc<Value>, message: String, rejectors: BTreeSet<&'static str>) {
    let label = object_label("Pod", &key.0, &key.1);
    ctx.trace("unschedulable", Outcome::Denied, label, json!({"message": message}));
    let ev = scheduler_event(s, ObjectRef::of(obj), EventType::Warning, "FailedScheduling", "Scheduling", message.clone());
    ctx.record_series_event(&ev);
    s.queue.unschedulable(key, rejectors, ctx.now());
    let current = obj.get("status").and_then(|st| st.get("conditions")).and_then(Value::as_array).and_then(|cs| {
        cs.iter().find(|c| c.get("type").and_then(Value::as_str) == Some("PodScheduled")).cloned()
    });
    let unchanged = current.as_ref().is_some_and(|c| {
        c.get("status").and_then(Value::as_str) == Some("False")
            && c.get("reason").and_then(Value::as_str) == Some("Unschedulable")
            && c.get("message").and_then(Value::as_str) == Some(message.as_str())
    });
    if unchanged {
        return;
    }
    let was_false = current.as_ref().and_then(|c| c.get("status")).and_then(Value::as_str) == Some("False");
    let transition = match (was_false, current.as_ref().and_then(|c| c.get("lastTransitionTime"))) {
        (true, Some(t)) => t.clone(),
        _ => json!(ctx.epoch().rfc3339(ctx.now())),
    };
    let mut updated = (**obj).clone();
    let cond = json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": transition, "reason": "Unschedulable", "message": message});
    crate::apiserver::set_pod_condition(&mut updated, cond);
    let _ = ctx.submit(ApiRequest::update_status(updated));
}

//! `kubectl describe daemonset|poddisruptionbudget` (DaemonSetDescriber and
//! PodDisruptionBudgetDescriber in describe.go). The DaemonSet's node counts are written
//! without a tab, exactly as kubectl's format strings do, so they break the tab-aligned block
//! the way the real output does.

use super::common::{annotations, events, labels};
use super::kinds::{head, pod_phase_counts, pod_template};
use super::writer::{Writer, L0, L2};
use crate::value::{at, format_label_selector, format_labels, i, scalar_text};
use serde_json::Value;
use std::sync::Arc;

pub fn daemonset(obj: &Value, pods: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    w.write(L0, &format!("Selector:\t{}\n", format_label_selector(obj, "spec.selector")));
    w.write(L0, &format!("Node-Selector:\t{}\n", format_labels(obj, "spec.template.spec.nodeSelector")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Desired Number of Nodes Scheduled: {}\n", i(obj, "status.desiredNumberScheduled")));
    w.write(L0, &format!("Current Number of Nodes Scheduled: {}\n", i(obj, "status.currentNumberScheduled")));
    w.write(L0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}\n", i(obj, "status.updatedNumberScheduled")));
    w.write(L0, &format!("Number of Nodes Scheduled with Available Pods: {}\n", i(obj, "status.numberAvailable")));
    w.write(L0, &format!("Number of Nodes Misscheduled: {}\n", i(obj, "status.numberMisscheduled")));
    let (running, waiting, succeeded, failed) = pod_phase_counts(obj, pods);
    w.write(L0, &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
    pod_template(&mut w, at(obj, "spec.template").unwrap_or(&Value::Null));
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// `getPodStatusForController`: the phases of the Pods this DaemonSet controls.
pub fn pdb(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    if let Some(min) = at(obj, "spec.minAvailable") {
        w.write(L0, &format!("Min available:\t{}\n", scalar_text(min)));
    } else if let Some(max) = at(obj, "spec.maxUnavailable") {
        w.write(L0, &format!("Max unavailable:\t{}\n", scalar_text(max)));
    }
    match at(obj, "spec.selector") {
        Some(_) => w.write(L0, &format!("Selector:\t{}\n", format_label_selector(obj, "spec.selector"))),
        None => w.write(L0, "Selector:\t<unset>\n"),
    }
    w.write(L0, "Status:\n");
    w.write(L2, &format!("Allowed disruptions:\t{}\n", i(obj, "status.disruptionsAllowed")));
    w.write(L2, &format!("Current:\t{}\n", i(obj, "status.currentHealthy")));
    w.write(L2, &format!("Desired:\t{}\n", i(obj, "status.desiredHealthy")));
    w.write(L2, &format!("Total:\t{}\n", i(obj, "status.expectedPods")));
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

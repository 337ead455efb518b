//! The apply journey: one `kubectl apply`'s path through the cluster drawn as stations —
//! kubectl, authentication, RBAC, mutating admission, validation, etcd, scheduler, kubelet,
//! status — built only from the simulation trace recorded after the apply began. A station is
//! lit when its trace entry exists (so stations light up as simulated time passes); a rejected
//! request stops at the station that said no, with its message. Details are the trace's data.

use podlab_sim::{Outcome, TraceEntry};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lit {
    /// Not reached (yet).
    Dark,
    Passed,
    /// The request or the pod stopped here.
    Stopped,
    /// Reached and still in progress (scheduler retrying, kubelet starting containers).
    Active,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    pub name: &'static str,
    pub lit: Lit,
    /// Simulated ms when the station was reached.
    pub at: Option<u64>,
    /// One-line summary (the RBAC rule, the resourceVersion, the chosen node, the message).
    pub summary: String,
    /// Lines of detail for the expanded view (admission diff, scheduler table rows).
    pub details: Vec<String>,
}

pub const STATIONS: [&str; 9] = ["kubectl", "authn", "RBAC", "mutating", "validating", "etcd", "scheduler", "kubelet", "status"];

/// What the UI knows about the apply besides the trace.
pub struct ApplyInfo<'a> {
    /// `Pod/default/web`: the object the apply wrote (empty when kubectl failed before sending).
    pub object: &'a str,
    pub exit_code: i32,
    pub stderr: &'a str,
    pub sim_at: u64,
    /// The pod's phase now, for the final station.
    pub phase: Option<&'a str>,
}

fn station(name: &'static str) -> Station {
    Station { name, lit: Lit::Dark, at: None, summary: String::new(), details: Vec::new() }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `Pod/default/web` and `Pod default/web` (the kubelet's form) name the same object.
fn same_object(label: &str, wanted: &str) -> bool {
    !wanted.is_empty() && label.replacen(' ', "/", 1) == wanted
}

/// Builds the stations from the trace entries recorded since the apply (`trace`).
pub fn journey(trace: &[TraceEntry], info: &ApplyInfo) -> Vec<Station> {
    let mut st: Vec<Station> = STATIONS.iter().map(|n| station(n)).collect();
    // The apply's write: the first request on the object that went past reading it (apply is a
    // GET then a create or patch; later requests are the scheduler's and kubelet's updates).
    let writes = |e: &&TraceEntry| matches!(e.step.as_str(), "persistence" | "validation" | "validating-admission" | "mutating-admission" | "decode-and-default") || matches!(e.outcome, Outcome::Denied | Outcome::Error);
    let request = trace.iter().filter(|e| e.request.is_some() && same_object(&e.object, info.object)).find(writes).and_then(|e| e.request);
    st[0].at = Some(info.sim_at);
    let Some(req) = request else {
        let (lit, summary) = if info.exit_code == 0 { (Lit::Passed, "unchanged: nothing sent".into()) } else { (Lit::Stopped, first_line(info.stderr)) };
        st[0].lit = lit;
        st[0].summary = summary;
        return st;
    };
    st[0].lit = Lit::Passed;
    st[0].summary = "validated and converted to JSON".into();
    for e in trace.iter().filter(|e| e.request == Some(req)) {
        let idx = match e.step.as_str() {
            "authentication" => 1,
            "authorization" => 2,
            "mutating-admission" | "decode-and-default" => 3,
            "validation" | "validating-admission" => 4,
            "persistence" => 5,
            "response" if e.outcome != Outcome::Ok => last_lit(&st).max(1),
            _ => continue,
        };
        mark(&mut st[idx], e);
    }
    if st.iter().any(|s| s.lit == Lit::Stopped) {
        return st;
    }
    for e in trace.iter().filter(|e| same_object(&e.object, info.object) && e.request != Some(req)) {
        if e.component == "kube-scheduler" {
            scheduler_step(&mut st[6], e);
        } else if e.component.starts_with("kubelet") {
            st[7].lit = Lit::Active;
            st[7].at.get_or_insert(e.time.as_millis());
            st[7].details.push(format!("{} {}", e.step, compact(&e.details)));
        } else if e.component == "event-recorder" {
            kubelet_event(&mut st, e);
        }
    }
    if let Some(phase) = info.phase {
        if matches!(phase, "Running" | "Succeeded" | "Failed") {
            st[8].lit = if phase == "Failed" { Lit::Stopped } else { Lit::Passed };
            st[8].summary = format!("status.phase: {phase}");
            if st[7].lit == Lit::Active {
                st[7].lit = Lit::Passed;
            }
        }
    }
    st
}

fn last_lit(st: &[Station]) -> usize {
    st.iter().rposition(|s| s.lit != Lit::Dark).unwrap_or(0)
}

fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").to_string()
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 { format!("{}…", &s[..s.char_indices().nth(157).map_or(s.len(), |(i, _)| i)]) } else { s }
}

fn mark(s: &mut Station, e: &TraceEntry) {
    s.at.get_or_insert(e.time.as_millis());
    let d: &Value = &e.details;
    let failed = matches!(e.outcome, Outcome::Denied | Outcome::Error);
    s.lit = if failed { Lit::Stopped } else { Lit::Passed };
    s.summary = match e.step.as_str() {
        "authentication" => format!("user {}", text(d.pointer("/user").or_else(|| d.pointer("/user/name")).unwrap_or(&Value::Null))),
        "authorization" if failed => text(d.get("reason").or_else(|| d.get("message")).unwrap_or(&Value::Null)),
        "authorization" => format!("allowed by {}", text(d.get("matched").unwrap_or(&Value::Null))),
        "persistence" => format!("resourceVersion {}", text(d.get("resourceVersion").unwrap_or(&Value::Null))),
        "response" => text(d.get("message").unwrap_or(&Value::Null)),
        _ if failed => text(d.get("error").or_else(|| d.get("errors")).unwrap_or(d)),
        _ => s.summary.clone(),
    };
    if !d.is_null() && d.as_object().is_none_or(|m| !m.is_empty()) {
        s.details.push(format!("{}: {}", e.step, compact(d)));
    }
}

fn scheduler_step(s: &mut Station, e: &TraceEntry) {
    s.at.get_or_insert(e.time.as_millis());
    let d: &Value = &e.details;
    match (e.step.as_str(), e.outcome) {
        ("bind", Outcome::Ok) => {
            s.lit = Lit::Passed;
            s.summary = format!("bound to {}", text(d.get("node").unwrap_or(&Value::Null)));
        }
        ("unschedulable", _) | ("prefilter", Outcome::Denied) => {
            s.lit = Lit::Stopped;
            s.summary = text(d.get("message").unwrap_or(&Value::Null));
        }
        ("filter", _) | ("score", _) => {
            if s.lit == Lit::Dark {
                s.lit = Lit::Active;
            }
            s.details.extend(node_rows(e));
        }
        _ => {
            if s.lit == Lit::Dark {
                s.lit = Lit::Active;
            }
        }
    }
}

/// Per-node rows of a filter or score step: `node01: fit` / `node01: score 87`.
fn node_rows(e: &TraceEntry) -> Vec<String> {
    let nodes = e.details.get("nodes");
    match nodes {
        Some(Value::Object(m)) => m.iter().map(|(n, v)| format!("{} {n}: {}", e.step, compact(v))).collect(),
        Some(Value::Array(a)) => a.iter().map(|v| format!("{}: {}", e.step, compact(v))).collect(),
        _ => vec![format!("{}: {}", e.step, compact(&e.details))],
    }
}

/// Kubelet progress as its events tell it (Pulling, Pulled, Created, Started, BackOff...).
fn kubelet_event(st: &mut [Station], e: &TraceEntry) {
    let reason = text(e.details.get("reason").unwrap_or(&Value::Null));
    let message = text(e.details.get("message").unwrap_or(&Value::Null));
    if reason == "Scheduled" {
        st[6].lit = Lit::Passed;
        st[6].summary = message;
        return;
    }
    if reason == "FailedScheduling" {
        st[6].lit = Lit::Stopped;
        st[6].summary = message;
        return;
    }
    let k = &mut st[7];
    k.at.get_or_insert(e.time.as_millis());
    let warning = text(e.details.get("type").unwrap_or(&Value::Null)) == "Warning";
    k.lit = if warning { Lit::Stopped } else { Lit::Active };
    k.summary = format!("{reason}: {message}");
    k.details.push(format!("{reason}: {message}"));
}

#[cfg(test)]
#[path = "journey_tests.rs"]
mod tests;

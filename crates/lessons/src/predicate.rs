//! Evaluation of one goal predicate against a `ClusterView` and the action log. Each evaluation
//! says whether it holds, why not in words a learner understands (naming the object, the field
//! and the value seen), and a fingerprint of the object it judged, so a `for: 60s` check restarts
//! its clock when the pod is replaced or a container restarts.

use crate::actions::ActionLog;
use crate::schema::{ContainerCheck, EventCheck, FieldCheck, Predicate};
use crate::view::{loosely_equal, lookup, parse_path, scalar_text, ClusterView};
use serde_json::Value;

/// The outcome of one predicate at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Eval {
    pub holds: bool,
    /// Empty when it holds; otherwise the reason, e.g. `pod "web" is Pending, not Running`.
    pub why_not: String,
    /// Identity of what was judged (pod uid, restart counts); a change resets `for` clocks.
    pub fingerprint: String,
}

impl Eval {
    fn yes(fingerprint: impl Into<String>) -> Eval {
        Eval { holds: true, why_not: String::new(), fingerprint: fingerprint.into() }
    }
    fn no(why: impl Into<String>) -> Eval {
        Eval { holds: false, why_not: why.into(), fingerprint: String::new() }
    }
    fn when(ok: bool, fingerprint: String, why: impl FnOnce() -> String) -> Eval {
        if ok {
            Eval::yes(fingerprint)
        } else {
            Eval::no(why())
        }
    }
}

/// What a predicate may consult besides the cluster.
pub struct Context<'a> {
    pub view: &'a dyn ClusterView,
    pub log: &'a ActionLog,
    /// Simulated ms when the learner got the terminal; older events do not count.
    pub started_ms: u64,
}

fn ns(n: &Option<String>) -> &str {
    n.as_deref().unwrap_or("default")
}

pub fn eval(p: &Predicate, cx: &Context) -> Eval {
    match p {
        Predicate::PodPhase { pod, namespace, phase } => with_pod(cx, pod, namespace, |obj, uid| {
            let seen = obj.pointer("/status/phase").map(scalar_text).unwrap_or_else(|| "(no phase)".into());
            Eval::when(&seen == phase, uid, || format!("pod {pod:?} is {seen}, not {phase}"))
        }),
        Predicate::PodReady { pod, namespace, ready } => with_pod(cx, pod, namespace, |obj, uid| {
            let is_ready = condition_true(obj, "Ready");
            let want = if *ready { "Ready" } else { "not Ready" };
            Eval::when(is_ready == *ready, uid, || format!("pod {pod:?} is {}, want {want} ({})", if is_ready { "Ready" } else { "not Ready" }, ready_summary(obj)))
        }),
        Predicate::Container(c) => container(c, cx),
        Predicate::RestartsStable { pod, namespace } => with_pod(cx, pod, namespace, |obj, uid| restarts_stable(pod, obj, uid)),
        Predicate::Field(f) => field(f, cx),
        Predicate::Exists(o) => {
            let found = cx.view.object(&o.kind, ns(&o.namespace), &o.name);
            let uid = found.as_ref().map(uid_of).unwrap_or_default();
            Eval::when(found.is_some(), uid, || format!("{} {:?} does not exist", o.kind, o.name))
        }
        Predicate::Absent(o) => {
            let found = cx.view.object(&o.kind, ns(&o.namespace), &o.name);
            let terminating = found.as_ref().is_some_and(|v| v.pointer("/metadata/deletionTimestamp").is_some());
            Eval::when(found.is_none(), String::new(), || {
                if terminating {
                    format!("{} {:?} still exists: it is Terminating (deletionTimestamp is set) but has not been removed", o.kind, o.name)
                } else {
                    format!("{} {:?} still exists", o.kind, o.name)
                }
            })
        }
        Predicate::Event(e) => event(e, cx),
        Predicate::Ran { verb, args_contain } => {
            let ok = cx.log.ran(verb, args_contain.as_deref());
            let what = match args_contain {
                Some(a) => format!("kubectl {verb} … {a}"),
                None => format!("kubectl {verb}"),
            };
            Eval::when(ok, String::new(), || format!("you have not run `{what}` yet"))
        }
        Predicate::RanBeforeChange { any_of } => {
            let ok = cx.log.ran_before_change(any_of);
            Eval::when(ok, String::new(), || {
                let list: Vec<String> = any_of.iter().map(|v| format!("`kubectl {v}`")).collect();
                format!("investigate first: run {} before changing anything", list.join(" or "))
            })
        }
        Predicate::All(ps) => {
            let evals: Vec<Eval> = ps.iter().map(|q| eval(q, cx)).collect();
            let fp = evals.iter().map(|e| e.fingerprint.as_str()).collect::<Vec<_>>().join("|");
            match evals.iter().find(|e| !e.holds) {
                Some(bad) => Eval::no(bad.why_not.clone()),
                None => Eval::yes(fp),
            }
        }
        Predicate::Any(ps) => {
            let evals: Vec<Eval> = ps.iter().map(|q| eval(q, cx)).collect();
            match evals.iter().find(|e| e.holds) {
                Some(ok) => Eval::yes(ok.fingerprint.clone()),
                None => Eval::no(evals.iter().map(|e| e.why_not.as_str()).collect::<Vec<_>>().join("; and ")),
            }
        }
        Predicate::Not(q) => {
            let inner = eval(q, cx);
            Eval::when(!inner.holds, String::new(), || "the opposite is true right now".to_string())
        }
    }
}

fn uid_of(obj: &Value) -> String {
    obj.pointer("/metadata/uid").map(scalar_text).unwrap_or_default()
}

fn with_pod(cx: &Context, pod: &str, namespace: &Option<String>, f: impl FnOnce(&Value, String) -> Eval) -> Eval {
    match cx.view.object("Pod", ns(namespace), pod) {
        Some(obj) => {
            let uid = uid_of(&obj);
            f(&obj, uid)
        }
        None => Eval::no(format!("pod {pod:?} does not exist")),
    }
}

fn condition_true(pod: &Value, ty: &str) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c.get("type").and_then(Value::as_str) == Some(ty) && c.get("status").and_then(Value::as_str) == Some("True"))
}

fn statuses<'a>(pod: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    pod.pointer(&format!("/status/{key}")).and_then(Value::as_array).into_iter().flatten()
}

/// `1/2 containers ready`, the READY column in words.
fn ready_summary(pod: &Value) -> String {
    let all: Vec<&Value> = statuses(pod, "containerStatuses").collect();
    let ready = all.iter().filter(|c| c.get("ready").and_then(Value::as_bool) == Some(true)).count();
    format!("{ready}/{} containers ready", all.len())
}

/// (`running`|`waiting`|`terminated`, reason) of a container status.
fn state_of(status: &Value) -> (String, String) {
    let Some(state) = status.get("state").and_then(Value::as_object) else { return (String::new(), String::new()) };
    let Some((name, detail)) = state.iter().next() else { return (String::new(), String::new()) };
    (name.to_string(), detail.get("reason").map(scalar_text).unwrap_or_default())
}

fn container(c: &ContainerCheck, cx: &Context) -> Eval {
    with_pod(cx, &c.pod, &c.namespace, |obj, uid| {
        let key = if c.init { "initContainerStatuses" } else { "containerStatuses" };
        let Some(st) = statuses(obj, key).find(|s| s.get("name").and_then(Value::as_str) == Some(c.container.as_str())) else {
            return Eval::no(format!("container {:?} of pod {:?} has no status yet", c.container, c.pod));
        };
        let (state, reason) = state_of(st);
        let restarts = st.get("restartCount").and_then(Value::as_u64).unwrap_or(0);
        let last = st.pointer("/lastState/terminated/reason").map(scalar_text).unwrap_or_default();
        let ready = st.get("ready").and_then(Value::as_bool).unwrap_or(false);
        let shown = if reason.is_empty() { state.clone() } else { format!("{state} ({reason})") };
        let name = &c.container;
        let mut problems = Vec::new();
        if let Some(want) = &c.state {
            if *want != state {
                problems.push(format!("container {name:?} is {shown}, not {want}"));
            }
        }
        if let Some(want) = c.reason.as_ref().filter(|w| **w != reason) {
            problems.push(format!("container {name:?} is {shown}, not {want}"));
        }
        if let Some(want) = c.last_reason.as_ref().filter(|w| **w != last) {
            let seen = if last.is_empty() { "none" } else { &last };
            problems.push(format!("container {name:?} last terminated with reason {seen}, not {want}"));
        }
        if let Some(want) = c.ready.filter(|w| *w != ready) {
            problems.push(format!("container {name:?} is {}ready", if want { "not " } else { "" }));
        }
        if let Some(max) = c.max_restarts.filter(|m| restarts > *m) {
            problems.push(format!("container {name:?} restarted {restarts} times (at most {max} allowed)"));
        }
        problems.dedup();
        Eval::when(problems.is_empty(), format!("{uid}/{restarts}"), || problems.join("; "))
    })
}

fn restarts_stable(pod: &str, obj: &Value, uid: String) -> Eval {
    let all: Vec<&Value> = statuses(obj, "containerStatuses").collect();
    if all.is_empty() {
        return Eval::no(format!("pod {pod:?} has no running containers yet"));
    }
    let mut fp = uid;
    for st in &all {
        let name = st.get("name").map(scalar_text).unwrap_or_default();
        let (state, reason) = state_of(st);
        if state != "running" {
            let why = if reason.is_empty() { state } else { format!("{state} ({reason})") };
            return Eval::no(format!("container {name:?} of pod {pod:?} is {why}, not running"));
        }
        let restarts = st.get("restartCount").and_then(Value::as_u64).unwrap_or(0);
        fp.push_str(&format!("/{name}={restarts}"));
    }
    Eval::yes(fp)
}

fn field(f: &FieldCheck, cx: &Context) -> Eval {
    let Some(obj) = cx.view.object(&f.kind, ns(&f.namespace), &f.name) else {
        return Eval::no(format!("{} {:?} does not exist", f.kind, f.name));
    };
    let Ok(path) = parse_path(&f.path) else { return Eval::no(format!("bad path {:?}", f.path)) };
    let got = lookup(&obj, &path);
    let shown = got.map(scalar_text).unwrap_or_else(|| "(not set)".into());
    let at = format!("{} {:?} {}", f.kind, f.name, f.path);
    let fp = uid_of(&obj);
    if let Some(want) = &f.equals {
        return Eval::when(got.is_some_and(|g| loosely_equal(g, want)), fp, || format!("{at} is {shown}, want {}", scalar_text(want)));
    }
    if let Some(options) = &f.one_of {
        let ok = got.is_some_and(|g| options.iter().any(|o| loosely_equal(g, o)));
        let list: Vec<String> = options.iter().map(scalar_text).collect();
        return Eval::when(ok, fp, || format!("{at} is {shown}, want one of {}", list.join(", ")));
    }
    if let Some(bad) = &f.not_equals {
        return Eval::when(!got.is_some_and(|g| loosely_equal(g, bad)), fp, || format!("{at} is still {shown}"));
    }
    let want_present = f.present.unwrap_or(true);
    Eval::when(got.is_some() == want_present, fp, || {
        if want_present {
            format!("{at} is not set")
        } else {
            format!("{at} is still set ({shown})")
        }
    })
}

fn event(e: &EventCheck, cx: &Context) -> Eval {
    let found = cx.view.events().into_iter().any(|ev| {
        ev.reason == e.reason
            && ev.last_ms >= cx.started_ms / 1000 * 1000
            && e.object.as_ref().is_none_or(|o| *o == ev.object_name)
            && e.event_type.as_ref().is_none_or(|t| *t == ev.event_type)
            && e.message_contains.as_ref().is_none_or(|m| ev.message.contains(m.as_str()))
    });
    let on = e.object.as_ref().map(|o| format!(" on {o:?}")).unwrap_or_default();
    Eval::when(found, String::new(), || format!("no {} event{on} since you started", e.reason))
}

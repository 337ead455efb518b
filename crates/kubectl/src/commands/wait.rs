//! `kubectl wait --for=...`: blocks (advancing simulated time) until every named or selected
//! object meets a condition, as kubectl v1.33's wait command does with its watch: a status
//! condition (`condition=Ready`, `condition=Ready=false`; type and value compared
//! case-insensitively, a condition older than the object's generation ignored), a JSONPath
//! value (`jsonpath={.status.phase}=Running`, or just present), deletion (`delete`) or
//! creation (`create`). Each object that meets it prints `pod/web condition met`; one that
//! does not within `--timeout` (30s; `0` checks once, a negative one waits for a week) fails
//! with `timed out waiting for the condition on pods/web`. The watch is modelled by checking
//! the stored object after every instant the simulation processes, so the command returns at
//! the simulated moment the condition becomes true.

use super::{fail, CmdResult, Ctx, Fail, Target};
use crate::value::s;
use podlab_api::registry::ResourceInfo;
use podlab_sim::{SimTime, Simulation};
use serde_json::Value;

const DEFAULT_TIMEOUT_MS: i64 = 30_000;
/// What a negative `--timeout` means (kubectl: 168 hours).
const WEEK_MS: i64 = 168 * 3_600_000;
/// `--for=create` polls like kubectl (`wait.PollUntilContextTimeout` every 500ms).
const CREATE_POLL_MS: u64 = 500;
/// Simulated instants one wait may process: bounds the loop even if the simulation kept
/// scheduling work at one instant (a week of a quiet cluster is a few hundred thousand).
const INSTANTS_MAX: usize = 2_000_000;

/// The parsed `--for`.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Delete,
    Create,
    Status { name: String, value: String },
    JsonPath { template: String, value: Option<String> },
}

/// kubectl's `conditionFuncFor`: the same prefixes, defaults and error texts.
fn condition_for(text: &str) -> Result<Condition, Fail> {
    match text.to_lowercase().as_str() {
        "delete" => return Ok(Condition::Delete),
        "create" => return Ok(Condition::Create),
        _ => {}
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status { name: name.to_string(), value: value.to_string() });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        let parts = split_on_single_equals(rest);
        if parts.len() > 2 {
            return fail("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'");
        }
        let template = relaxed_jsonpath(&parts[0])?;
        let value = match parts.get(1) {
            None => None,
            Some(v) => {
                let v = v.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() {
                    return fail("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3");
                }
                Some(v.to_string())
            }
        };
        if template.is_empty() {
            return fail("jsonpath expression cannot be empty");
        }
        crate::jsonpath::validate(&template).map_err(Fail::Error)?;
        return Ok(Condition::JsonPath { template, value });
    }
    fail(format!("unrecognized condition: {text:?}"))
}

/// Splits on single `=`; a doubled `==` (a filter's comparison) stays in its part.
fn split_on_single_equals(input: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut rest = input;
    while let Some(at) = rest.find('=') {
        let last = parts.len() - 1;
        parts[last].push_str(&rest[..at]);
        if rest[at + 1..].starts_with('=') {
            parts[last].push_str("==");
            rest = &rest[at + 2..];
        } else {
            parts.push(String::new());
            rest = &rest[at + 1..];
        }
    }
    let last = parts.len() - 1;
    parts[last].push_str(rest);
    parts
}

/// kubectl's `RelaxedJSONPathExpression`: `.a.b`, `a.b`, `{a.b}` and `{.a.b}` all mean
/// `{.a.b}`; "" stays "".
fn relaxed_jsonpath(text: &str) -> Result<String, Fail> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let inner = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) => inner,
        None => text,
    };
    let field = inner.strip_prefix('.').unwrap_or(inner);
    if field.is_empty() || field.contains(['{', '}']) {
        return fail("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
    }
    Ok(format!("{{.{field}}}"))
}

/// One object to wait for, as the resource builder found it.
struct Item {
    info: &'static ResourceInfo,
    namespace: String,
    name: String,
    uid: String,
}

impl Item {
    /// `pods/web`, as kubectl's `info.ObjectName()` and its timeout error name objects.
    fn object_name(&self) -> String {
        format!("{}/{}", self.info.plural, self.name)
    }
}

pub fn wait(ctx: &mut Ctx) -> CmdResult {
    let condition = condition_for(ctx.flags.get("for").unwrap_or(""))?;
    let timeout_ms = match ctx.flags.get("timeout") {
        None => DEFAULT_TIMEOUT_MS,
        Some(t) => match t.strip_prefix('-') {
            Some(_) => WEEK_MS,
            None => crate::duration::parse_duration_millis(t.trim_start_matches('+')).unwrap_or(DEFAULT_TIMEOUT_MS),
        },
    };
    let deadline = SimTime(ctx.session.sim.now().0.saturating_add(timeout_ms as u64));
    let targets = super::builder_targets(ctx, "wait")?;
    if condition == Condition::Create && timeout_ms > 0 && !wait_created(ctx, &targets, deadline) {
        return fail("timed out waiting for the condition");
    }
    let (items, mut errors) = collect(ctx, targets, &condition)?;
    if items.is_empty() && errors.is_empty() && condition != Condition::Delete {
        return fail("no matching resources found");
    }
    for item in &items {
        match wait_one(ctx, item, &condition, deadline, timeout_ms == 0) {
            Ok(()) => print_met(ctx, item),
            Err(e) => errors.push(e),
        }
    }
    super::get::finish(ctx, errors)
}

/// What the resource builder visits: named objects (fetched, so a missing one is the API's
/// NotFound) or the objects a selector or `--all` lists. A missing object is no error when
/// waiting for deletion.
fn collect(ctx: &mut Ctx, targets: Vec<Target>, condition: &Condition) -> Result<(Vec<Item>, Vec<Fail>), Fail> {
    let ns = ctx.namespace();
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    for t in targets {
        if t.names.is_empty() {
            for o in super::selected_objects(ctx, t.info)? {
                items.push(Item { info: t.info, namespace: s(&o, "metadata.namespace").into(), name: s(&o, "metadata.name").into(), uid: s(&o, "metadata.uid").into() });
            }
            continue;
        }
        for name in &t.names {
            match ctx.get_object(t.info, &ns, name) {
                Ok(o) => items.push(Item { info: t.info, namespace: s(&o, "metadata.namespace").into(), name: name.clone(), uid: s(&o, "metadata.uid").into() }),
                Err(Fail::Server(st)) if st.reason == "NotFound" && *condition == Condition::Delete => {}
                Err(e) => errors.push(e),
            }
        }
    }
    Ok((items, errors))
}

/// `--for=create`: polls until every named object (or a selector's first match) exists.
fn wait_created(ctx: &mut Ctx, targets: &[Target], deadline: SimTime) -> bool {
    if targets.iter().all(|t| t.names.is_empty()) {
        // A selector is listed by the visit that follows; kubectl's poll only waits out
        // NotFound errors, which a list never gives.
        return true;
    }
    let ns = ctx.namespace();
    let exists = |sim: &Simulation| {
        targets.iter().all(|t| {
            let namespace = if t.info.namespaced { ns.as_str() } else { "" };
            t.names.iter().all(|n| sim.get(t.info.kind, namespace, n).is_some())
        })
    };
    let sim = &mut ctx.session.sim;
    for _ in 0..INSTANTS_MAX {
        if exists(sim) {
            return true;
        }
        if sim.now() >= deadline {
            return false;
        }
        sim.advance_to(SimTime((sim.now().0 + CREATE_POLL_MS).min(deadline.0)));
    }
    false
}

/// Waits for one object; `once` is `--timeout=0` (check, never wait).
fn wait_one(ctx: &mut Ctx, item: &Item, condition: &Condition, deadline: SimTime, once: bool) -> Result<(), Fail> {
    let namespace = if item.info.namespaced { item.namespace.as_str() } else { "" };
    // Met, not yet, or (for anything but deletion) the watch's precondition failing: the
    // object went away while its condition was awaited.
    let check = |sim: &Simulation| -> Result<bool, Fail> {
        let current = sim.get(item.info.kind, namespace, &item.name);
        match (condition, current) {
            (Condition::Delete, current) => Ok(current.is_none_or(|o| s(o, "metadata.uid") != item.uid)),
            (_, None) => Err(Fail::Server(podlab_sim::Status::not_found(&item.info.group_resource(), &item.name))),
            (Condition::Create, Some(_)) => Ok(true),
            (Condition::Status { name, value }, Some(o)) => Ok(status_condition_met(o, name, value)),
            (Condition::JsonPath { template, value }, Some(o)) => jsonpath_met(o, template, value.as_deref()),
        }
    };
    let sim = &mut ctx.session.sim;
    if once {
        return if check(sim)? { Ok(()) } else { fail(format!("condition not met for {}", item.object_name())) };
    }
    for _ in 0..INSTANTS_MAX {
        if check(sim)? {
            return Ok(());
        }
        let now = sim.now();
        if now >= deadline {
            break;
        }
        // The next instant anything happens (a watch sees each change), never past the deadline.
        let next = sim.next_wakeup().map_or(deadline, |t| t.max(SimTime(now.0 + 1)).min(deadline));
        sim.advance_to(next);
    }
    fail(format!("timed out waiting for the condition on {}", item.object_name()))
}

/// kubectl's `ConditionalWait.checkCondition`: the first condition of that type with a status
/// decides, unless it was observed for an older generation.
fn status_condition_met(obj: &Value, name: &str, value: &str) -> bool {
    let Some(conditions) = obj.pointer("/status/conditions").and_then(Value::as_array) else { return false };
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    for c in conditions {
        let Some(ty) = c.get("type").and_then(Value::as_str) else { continue };
        if !equal_fold(ty, name) {
            continue;
        }
        let Some(status) = c.get("status").and_then(Value::as_str) else { continue };
        if let Some(generation) = generation {
            let observed = c.get("observedGeneration").and_then(Value::as_i64).or_else(|| obj.pointer("/status/observedGeneration").and_then(Value::as_i64));
            if observed.is_some_and(|o| o < generation) {
                return false;
            }
        }
        return equal_fold(status, value);
    }
    false
}

/// Go's `strings.EqualFold` (simple case folding; exact for the ASCII condition words).
fn equal_fold(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// kubectl's `JSONPathWait.checkCondition`: one result is required, and it must be a scalar
/// equal (as Go prints it, spaces trimmed) to the value, when one is given.
fn jsonpath_met(obj: &Value, template: &str, want: Option<&str>) -> Result<bool, Fail> {
    let results = crate::jsonpath::results(template, obj).map_err(Fail::Error)?;
    let Some(first) = results.first().filter(|r| !r.is_empty()) else { return Ok(false) };
    if results.len() > 1 {
        return fail("given jsonpath expression matches more than one list");
    }
    if first.len() > 1 {
        return fail("given jsonpath expression matches more than one value");
    }
    let Some(want) = want else { return Ok(true) };
    let got = match &first[0] {
        Value::Object(_) | Value::Array(_) => return fail("jsonpath leads to a nested object or list which is not supported"),
        Value::String(text) => text.clone(),
        Value::Null => "<nil>".to_string(),
        other => other.to_string(),
    };
    Ok(got.trim() == want.trim())
}

/// The success line: `pod/web condition met` (`-o name`: `pod/web`; `-o yaml|json`: the
/// object as it stands).
fn print_met(ctx: &mut Ctx, item: &Item) {
    let name = format!("{}/{}", super::kind_prefix(item.info), item.name);
    match ctx.flags.get("output") {
        Some("name") => ctx.stdout(&format!("{name}\n")),
        Some(o @ ("yaml" | "json")) => {
            let namespace = if item.info.namespaced { item.namespace.as_str() } else { "" };
            let obj = ctx.session.sim.get(item.info.kind, namespace, &item.name).cloned();
            match (o, obj) {
                ("yaml", Some(v)) => ctx.stdout(&crate::yaml::to_yaml(&super::get::for_output(v, false))),
                ("json", Some(v)) => ctx.stdout(&crate::jsonfmt::to_json(&super::get::for_output(v, false))),
                _ => ctx.stdout(&format!("{name} condition met\n")),
            }
        }
        _ => ctx.stdout(&format!("{name} condition met\n")),
    }
}

#[cfg(test)]
#[path = "wait_tests.rs"]
mod tests;

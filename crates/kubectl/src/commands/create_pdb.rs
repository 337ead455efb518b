//! `kubectl create poddisruptionbudget` (kubectl 1.33's `create_pdb.go`): the budget it
//! generates, with its checks and messages in kubectl's order; the disruption controller and
//! the eviction API then honour it. (`create priorityclass` and `create quota` stay "not
//! supported": the simulated API server serves no PriorityClass, and it stores ResourceQuotas
//! without enforcing them, so a generated quota would mislead.) Sending, `--dry-run` and `-o` are `create`'s
//! ([`super::run::emit`]); the API server validates the rest, as it does for real.

use super::run::{emit, generated_meta as metadata, name_arg};
use super::{fail, CmdResult, Ctx};
use podlab_sim::selector::{LabelSelector, Requirement};
use serde_json::{json, Map, Value};

/// `metav1.ParseToLabelSelector`: equality terms become `matchLabels`, set terms
/// `matchExpressions` (requirements in key order, values sorted); `!=` has no place in a
/// LabelSelector.
fn label_selector(text: &str) -> Result<Value, String> {
    let parsed = LabelSelector::parse(text).map_err(|e| format!("couldn't parse the selector string \"{text}\": {e}"))?;
    let mut reqs = parsed.0;
    reqs.sort_by(|a, b| key_of(a).cmp(key_of(b)));
    let (mut labels, mut exprs) = (Map::new(), Vec::new());
    for r in reqs {
        let (key, op, mut values) = match r {
            Requirement::Equals(k, v) => {
                labels.insert(k, Value::String(v));
                continue;
            }
            Requirement::NotEquals(..) => return Err("\"!=\" is not a valid label selector operator".to_string()),
            Requirement::In(k, vs) => (k, "In", vs),
            Requirement::NotIn(k, vs) => (k, "NotIn", vs),
            Requirement::Exists(k) => (k, "Exists", Vec::new()),
            Requirement::DoesNotExist(k) => (k, "DoesNotExist", Vec::new()),
        };
        values.sort();
        values.dedup();
        let mut e = json!({"key": key, "operator": op});
        if !values.is_empty() {
            e["values"] = json!(values);
        }
        exprs.push(e);
    }
    let mut sel = Map::new();
    if !labels.is_empty() {
        sel.insert("matchLabels".to_string(), Value::Object(labels));
    }
    if !exprs.is_empty() {
        sel.insert("matchExpressions".to_string(), Value::Array(exprs));
    }
    Ok(Value::Object(sel))
}

fn key_of(r: &Requirement) -> &str {
    match r {
        Requirement::Equals(k, _) | Requirement::NotEquals(k, _) | Requirement::In(k, _) | Requirement::NotIn(k, _) | Requirement::Exists(k) | Requirement::DoesNotExist(k) => k,
    }
}

/// `^[0-9]+%?$`, the only forms `create pdb` takes, as an int-or-string.
fn int_or_percent(text: &str) -> Option<Value> {
    let digits = text.strip_suffix('%').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match (text.ends_with('%'), text.parse::<i64>()) {
        (false, Ok(n)) if n <= i64::from(i32::MAX) => Some(json!(n)),
        _ => Some(json!(text)),
    }
}

/// `kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N|--max-unavailable=N`.
pub fn create_pdb(ctx: &mut Ctx) -> CmdResult {
    let name = name_arg(ctx)?;
    let selector = ctx.flags.get("selector").unwrap_or("").to_string();
    let min = ctx.flags.get("min-available").unwrap_or("").to_string();
    let max = ctx.flags.get("max-unavailable").unwrap_or("").to_string();
    if selector.is_empty() {
        return fail("a selector must be specified");
    }
    if min.is_empty() && max.is_empty() {
        return fail("one of min-available or max-unavailable must be specified");
    }
    if !min.is_empty() && !max.is_empty() {
        return fail("min-available and max-unavailable cannot be both specified");
    }
    let mut spec = json!({"selector": label_selector(&selector).or_else(fail)?});
    for (flag, field, text) in [("min-available", "minAvailable", &min), ("max-unavailable", "maxUnavailable", &max)] {
        if text.is_empty() {
            continue;
        }
        match int_or_percent(text) {
            Some(v) => spec[field] = v,
            None => return fail(format!("invalid format specified for {flag}")),
        }
    }
    // The typed status kubectl sends carries its zero counters.
    let status = json!({"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0});
    emit(ctx, json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": metadata(ctx, &name, true), "spec": spec, "status": status}), "created")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_become_label_selectors_as_apimachinery_builds_them() {
        assert_eq!(label_selector("app=web"), Ok(json!({"matchLabels": {"app": "web"}})));
        assert_eq!(label_selector("tier in (b,a),app==web,!gone"), Ok(json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "gone", "operator": "DoesNotExist"}, {"key": "tier", "operator": "In", "values": ["a", "b"]}]})));
        assert_eq!(label_selector("app!=web"), Err("\"!=\" is not a valid label selector operator".to_string()));
    }

    #[test]
    fn pdb_amounts_are_counts_or_percentages() {
        for (text, want) in [("1", Some(json!(1))), ("50%", Some(json!("50%"))), ("0", Some(json!(0))), ("abc", None), ("1.5", None), ("%", None), ("-1", None)] {
            assert_eq!(int_or_percent(text), want, "{text}");
        }
    }
}

//! Sections describe.go shares between kinds: multi-line labels and annotations (the
//! last-applied annotation is skipped, long values are wrapped), tolerations, the Events
//! table with `5s (x26 over 5m48s)` ages, and RFC 1123 timestamps.

use super::writer::{Writer, L0, L1};
use crate::duration::human_duration;
use crate::value::{arr, at, i, map, oi, s, time_ms};
use serde_json::Value;

const MAX_ANNOTATION_LEN: usize = 140;

/// `printLabelsMultilineWithIndent` with no skipped keys.
pub fn labels_multiline(w: &mut Writer, initial: &str, title: &str, inner: &str, obj: &Value, path: &str) {
    w.write(L0, &format!("{initial}{title}:{inner}"));
    let labels = map(obj, path);
    if labels.is_empty() {
        w.line("<none>");
        return;
    }
    for (idx, (k, v)) in labels.iter().enumerate() {
        if idx != 0 {
            w.write(L0, initial);
            w.write(L0, inner);
        }
        w.write(L0, &format!("{k}={v}\n"));
    }
}

pub fn labels(w: &mut Writer, title: &str, obj: &Value, path: &str) {
    labels_multiline(w, "", title, "\t", obj, path);
}

/// `printAnnotationsMultiline`: skips last-applied-configuration, wraps long or multi-line values.
pub fn annotations(w: &mut Writer, title: &str, obj: &Value, path: &str) {
    w.write(L0, &format!("{title}:\t"));
    let all = map(obj, path);
    let keys: Vec<&(&str, String)> =
        all.iter().filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration").collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    for (idx, (k, v)) in keys.iter().enumerate() {
        if idx != 0 {
            w.write(L0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(L0, &format!("{k}:\n"));
            for part in value.split('\n') {
                w.write(L0, &format!("\t  {}\n", shorten(part, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.write(L0, &format!("{k}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

/// `printTolerationsMultilineWithIndent`, sorted by key.
pub fn tolerations(w: &mut Writer, initial: &str, title: &str, inner: &str, list: &[Value]) {
    w.write(L0, &format!("{initial}{title}:{inner}"));
    if list.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| s(a, "key").cmp(s(b, "key")));
    for (idx, t) in sorted.iter().enumerate() {
        if idx != 0 {
            w.write(L0, initial);
            w.write(L0, inner);
        }
        let mut text = s(t, "key").to_string();
        if !s(t, "value").is_empty() {
            text.push_str(&format!("={}", s(t, "value")));
        }
        if !s(t, "effect").is_empty() {
            text.push_str(&format!(":{}", s(t, "effect")));
        }
        if s(t, "operator") == "Exists" && s(t, "value").is_empty() {
            text.push_str(if s(t, "key").is_empty() && s(t, "effect").is_empty() { "op=Exists" } else { " op=Exists" });
        }
        if let Some(secs) = oi(t, "tolerationSeconds") {
            text.push_str(&format!(" for {secs}s"));
        }
        text.push('\n');
        w.write(L0, &text);
    }
}

/// Go's `time.RFC1123Z` in UTC: `Wed, 01 Jan 2025 11:58:00 +0000`.
pub fn rfc1123z(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = podlab_api::time::civil_from_days(days);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    format!("{weekday}, {d:02} {} {y} {:02}:{:02}:{:02} +0000", MONTHS[(m - 1) as usize], rem / 3600, rem % 3600 / 60, rem % 60)
}

/// A timestamp field in RFC 1123Z, or Go's zero time when unset.
pub fn time_field(v: &Value, path: &str) -> String {
    match time_ms(v, path) {
        Some(t) => rfc1123z(t),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

fn ts_since(e: &Value, path: &str, now: i64) -> String {
    match time_ms(e, path) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".to_string(),
    }
}

/// `DescribeEvents`: `Events:  <none>` or the sorted Type/Reason/Age/From/Message table.
pub fn events(w: &mut Writer, events: &[Value], now: i64) {
    if events.is_empty() {
        w.write(L0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    // SortableEvents orders by lastTimestamp; unset (events.k8s.io) ones come first. The
    // insertion sort keeps equal keys in list order, as Go's sort does for short lists.
    let mut sorted: Vec<&Value> = events.iter().collect();
    sorted.sort_by_key(|e| time_ms(e, "lastTimestamp").unwrap_or(i64::MIN));
    w.write(L0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(L1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = if time_ms(e, "eventTime").is_some() { ts_since(e, "eventTime", now) } else { ts_since(e, "firstTimestamp", now) };
        let interval = if at(e, "series").is_some_and(|x| !x.is_null()) {
            format!("{} (x{} over {first})", ts_since(e, "series.lastObservedTime", now), i(e, "series.count"))
        } else if i(e, "count") > 1 {
            format!("{} (x{} over {first})", ts_since(e, "lastTimestamp", now), i(e, "count"))
        } else {
            first
        };
        let source = if s(e, "source.component").is_empty() { s(e, "reportingComponent") } else { s(e, "source.component") };
        w.write(L1, &format!("{}\t{}\t{interval}\t{source}\t{}\n", s(e, "type"), s(e, "reason"), s(e, "message").trim()));
    }
}

/// The events of one object, as describe's `searchEvents` selects them (by kind, name, namespace, uid).
pub fn events_for<T: std::borrow::Borrow<Value>>(all: &[T], obj: &Value) -> Vec<Value> {
    let kind = s(obj, "kind");
    let uid = s(obj, "metadata.uid");
    let mut out: Vec<Value> = all
        .iter()
        .map(|e| e.borrow())
        .filter(|e| {
            s(e, "involvedObject.name") == s(obj, "metadata.name")
                && s(e, "involvedObject.kind") == kind
                && s(e, "involvedObject.namespace") == s(obj, "metadata.namespace")
                && (uid.is_empty() || s(e, "involvedObject.uid").is_empty() || s(e, "involvedObject.uid") == uid)
        })
        .cloned()
        .collect();
    if kind == "Node" {
        // The kubelet's node events carry the node *name* as involvedObject.uid; describe node
        // runs a second search with that uid and appends its results after the first.
        let name = s(obj, "metadata.name");
        out.extend(all.iter().map(|e| e.borrow()).filter(|e| s(e, "involvedObject.kind") == "Node" && s(e, "involvedObject.name") == name && s(e, "involvedObject.uid") == name && name != uid).cloned());
    }
    out
}

/// Go's `%v` of a string slice: `[a b]`.
pub fn go_slice(v: &Value, path: &str) -> String {
    let items: Vec<String> = arr(v, path).iter().map(crate::value::scalar_text).collect();
    format!("[{}]", items.join(" "))
}

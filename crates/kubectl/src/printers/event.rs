//! `kubectl get events` rows, after printers.go's printEvent, and the LAST SEEN / FIRST SEEN /
//! COUNT logic describe shares. Events are the longest table a learner meets (hundreds of
//! rows on a busy cluster), so a row is written straight into the table text: no String per
//! cell, and the five `-o wide` cells (and the timestamps only they need) are not computed
//! for the usual narrow table.

use crate::duration::push_human_duration;
use crate::value::{field, parse_time_ms};
use serde_json::Value;

/// The milliseconds of the timestamp field `key` of `o`, if set and valid.
fn time_of(o: &Value, key: &str) -> Option<i64> {
    field(o, key).and_then(Value::as_str).and_then(parse_time_ms)
}

/// The event's `series`, unless absent or null (a singleton event).
fn series(v: &Value) -> Option<&Value> {
    field(v, "series").filter(|x| !x.is_null())
}

/// FIRST SEEN: `firstTimestamp`, else the newer `eventTime`.
fn first_ms(v: &Value) -> Option<i64> {
    time_of(v, "firstTimestamp").or_else(|| time_of(v, "eventTime"))
}

/// LAST SEEN: a series' last observation, else `lastTimestamp`, else FIRST SEEN.
fn last_ms(v: &Value, series: Option<&Value>) -> Option<i64> {
    match series {
        Some(series) => time_of(series, "lastObservedTime"),
        None => time_of(v, "lastTimestamp").or_else(|| first_ms(v)),
    }
}

/// COUNT: a series' count, else `count` (an unset count is one occurrence).
fn count(v: &Value, series: Option<&Value>) -> i64 {
    let n = |o: &Value| field(o, "count").and_then(Value::as_i64).unwrap_or(0);
    match series {
        Some(series) => n(series),
        None => match n(v) {
            0 => 1,
            n => n,
        },
    }
}

/// How long ago `t` was, or `<unknown>` without a time.
fn push_ago(out: &mut String, now: i64, t: Option<i64>) {
    match t {
        Some(t) => push_human_duration(out, now - t),
        None => out.push_str("<unknown>"),
    }
}

/// LAST SEEN, FIRST SEEN and COUNT of an event, as printEvent and describe compute them.
pub fn event_times(v: &Value, now: i64) -> (String, String, i64) {
    let series = series(v);
    let (mut last, mut first) = (String::new(), String::new());
    push_ago(&mut last, now, last_ms(v, series));
    push_ago(&mut first, now, first_ms(v));
    (last, first, count(v, series))
}

/// The first of two fields that is set (the older `source` field, then its newer twin).
fn either<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() {
        b
    } else {
        a
    }
}

/// The string field `key` of `o`, or "".
fn of<'a>(o: Option<&'a Value>, key: &str) -> &'a str {
    o.and_then(|o| field(o, key)).and_then(Value::as_str).unwrap_or("")
}

/// One `get events` row, its cells tab-separated: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE,
/// and with `wide` also SUBOBJECT and SOURCE (before MESSAGE), FIRST SEEN, COUNT and NAME.
pub fn write_event_row(v: &Value, now: i64, wide: bool, out: &mut String) {
    let series = series(v);
    let involved = field(v, "involvedObject");
    push_ago(out, now, last_ms(v, series));
    for text in ["\t", of(Some(v), "type"), "\t", of(Some(v), "reason"), "\t"] {
        out.push_str(text);
    }
    // OBJECT: the kind lower-cased, then `/name` when there is a name.
    let kind = of(involved, "kind");
    if kind.is_ascii() {
        out.extend(kind.bytes().map(|c| char::from(c.to_ascii_lowercase())));
    } else {
        out.push_str(&kind.to_lowercase());
    }
    let involved_name = of(involved, "name");
    if !involved_name.is_empty() {
        out.push('/');
        out.push_str(involved_name);
    }
    out.push('\t');
    if wide {
        let source = field(v, "source");
        out.push_str(of(involved, "fieldPath"));
        out.push('\t');
        out.push_str(either(of(source, "component"), of(Some(v), "reportingComponent")));
        let host = either(of(source, "host"), of(Some(v), "reportingInstance"));
        if !host.is_empty() {
            out.push_str(", ");
            out.push_str(host);
        }
        out.push('\t');
    }
    out.push_str(of(Some(v), "message").trim());
    if wide {
        out.push('\t');
        push_ago(out, now, first_ms(v));
        out.push('\t');
        crate::jsonfmt::push_i64(out, count(v, series));
        out.push('\t');
        out.push_str(of(field(v, "metadata"), "name"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Map};

    /// The row as it was built before it was written in place: every cell a String, the
    /// table keeping the narrow ones. The writer must match it byte for byte.
    fn reference_cells(v: &Value, now: i64) -> Vec<String> {
        use crate::duration::human_duration;
        use crate::value::{i, time_ms};
        let ago = |t: Option<i64>| t.map_or_else(|| "<unknown>".to_string(), |t| human_duration(now - t));
        let first = match time_ms(v, "firstTimestamp") {
            Some(t) => human_duration(now - t),
            None => ago(time_ms(v, "eventTime")),
        };
        let (last, count) = match field(v, "series").filter(|x| !x.is_null()) {
            Some(series) => (ago(time_ms(series, "lastObservedTime")), i(series, "count")),
            None => {
                let last = time_ms(v, "lastTimestamp").map_or_else(|| first.clone(), |t| human_duration(now - t));
                (last, if i(v, "count") == 0 { 1 } else { i(v, "count") })
            }
        };
        let (involved, source) = (field(v, "involvedObject"), field(v, "source"));
        let mut target = of(involved, "kind").to_lowercase();
        if !of(involved, "name").is_empty() {
            target = format!("{target}/{}", of(involved, "name"));
        }
        let host = either(of(source, "host"), of(Some(v), "reportingInstance"));
        let mut source_text = either(of(source, "component"), of(Some(v), "reportingComponent")).to_string();
        if !host.is_empty() {
            source_text = format!("{source_text}, {host}");
        }
        vec![
            last, of(Some(v), "type").into(), of(Some(v), "reason").into(), target, of(involved, "fieldPath").into(), source_text,
            of(Some(v), "message").trim().to_string(), first, count.to_string(), of(field(v, "metadata"), "name").into(),
        ]
    }

    /// What the table printed from the reference cells (wide columns: SUBOBJECT, SOURCE and
    /// the last three).
    fn reference_row(v: &Value, now: i64, wide: bool) -> String {
        let cells = reference_cells(v, now);
        let kept: Vec<&str> =
            cells.iter().enumerate().filter(|(n, _)| wide || ![4, 5, 7, 8, 9].contains(n)).map(|(_, c)| c.as_str()).collect();
        kept.join("\t")
    }

    fn written_row(v: &Value, now: i64, wide: bool) -> String {
        let mut out = String::new();
        write_event_row(v, now, wide, &mut out);
        out
    }

    #[test]
    fn rows_of_every_event_shape() {
        let now = 1_735_733_000_000; // 2025-01-01T12:03:20Z
        let events = [
            json!({"type": "Normal", "reason": "Pulled", "message": " pulled \n",
                "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
                "source": {"component": "kubelet", "host": "node01"}, "metadata": {"name": "web.1"},
                "firstTimestamp": "2025-01-01T12:00:00Z", "lastTimestamp": "2025-01-01T12:02:00Z", "count": 3}),
            json!({"type": "Warning", "reason": "BackOff", "eventTime": "2025-01-01T12:01:00.123456Z",
                "series": {"count": 7, "lastObservedTime": "2025-01-01T12:03:00.999999Z"},
                "involvedObject": {"kind": "ΣPod", "name": ""}, "reportingComponent": "kubelet", "reportingInstance": "node02"}),
            json!({"series": null, "eventTime": "bad", "count": 0}),
            json!({"series": {}, "firstTimestamp": "2025-01-01T11:00:00+01:00"}),
            json!({}),
        ];
        for e in &events {
            for wide in [false, true] {
                assert_eq!(written_row(e, now, wide), reference_row(e, now, wide), "{e} wide={wide}");
            }
            let (last, first, count) = event_times(e, now);
            let cells = reference_cells(e, now);
            assert_eq!([last, first, count.to_string()], [&cells[0], &cells[7], &cells[8]].map(String::clone));
        }
    }

    /// A timestamp that is valid (plain or MicroTime, around `now`), invalid, or not a string.
    fn timestamp() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0i64..400_000, 0u32..1_000_000).prop_map(|(s, micros)| {
                let (h, m, sec) = (10 + s / 3600 % 14, s / 60 % 60, s % 60);
                json!(format!("2025-01-01T{h:02}:{m:02}:{sec:02}.{micros:06}Z"))
            }),
            (0i64..50_000).prop_map(|s| json!(format!("2025-01-01T{:02}:{:02}:{:02}Z", 10 + s / 3600, s / 60 % 60, s % 60))),
            "[0-9T:.Z-]{0,12}".prop_map(Value::from),
            Just(json!(5)),
        ]
    }

    /// An event with each field present or absent, some of them empty, null or odd.
    fn event() -> impl Strategy<Value = Value> {
        let text = || "[a-zA-Z Σé]{0,6}";
        let maybe = |key: &'static str, v: BoxedStrategy<Value>| proptest::option::of(v).prop_map(move |x| (key, x));
        let fields = vec![
            maybe("firstTimestamp", timestamp().boxed()),
            maybe("lastTimestamp", timestamp().boxed()),
            maybe("eventTime", timestamp().boxed()),
            maybe("count", prop_oneof![Just(json!(0)), (1i64..9).prop_map(Value::from)].boxed()),
            maybe("type", text().prop_map(Value::from).boxed()),
            maybe("reason", text().prop_map(Value::from).boxed()),
            maybe("message", text().prop_map(Value::from).boxed()),
            maybe("reportingComponent", text().prop_map(Value::from).boxed()),
            maybe("reportingInstance", text().prop_map(Value::from).boxed()),
            maybe("involvedObject", (text(), text(), text()).prop_map(|(k, n, f)| json!({"kind": k, "name": n, "fieldPath": f})).boxed()),
            maybe("source", (text(), text()).prop_map(|(c, h)| json!({"component": c, "host": h})).boxed()),
            maybe("metadata", text().prop_map(|n| json!({"name": n})).boxed()),
            maybe(
                "series",
                prop_oneof![Just(Value::Null), (timestamp(), 0i64..9).prop_map(|(t, n)| json!({"lastObservedTime": t, "count": n}))].boxed(),
            ),
        ];
        fields.prop_map(|fields| Value::Object(fields.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect::<Map<_, _>>()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

        #[test]
        fn rows_match_the_reference(e in event(), wide in proptest::bool::ANY) {
            let now = 1_735_740_000_000; // 2025-01-01T14:00:00Z
            prop_assert_eq!(written_row(&e, now, wide), reference_row(&e, now, wide));
        }
    }
}

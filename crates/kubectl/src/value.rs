//! Reading objects in wire form. kubectl's printers work on what the API server returns, so
//! Podlab's do the same on `serde_json::Value`; these helpers walk dotted paths
//! (`"status.podIP"`) and treat a missing field like Go treats a zero value.

use serde_json::Value;

/// The value at a dotted path, if every step exists. (The path is cut at its dots by a plain
/// byte loop: paths are short, and tables walk several per row.)
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(v);
    }
    let (mut here, mut rest) = (v, path);
    // Each step consumes a segment and its dot, so this ends within `path.len()` steps.
    while let Some(dot) = rest.bytes().position(|c| c == b'.') {
        here = field(here, &rest[..dot])?;
        rest = &rest[dot + 1..];
    }
    field(here, rest)
}

/// Maps up to this size are searched by comparing keys rather than hashing the key (SipHash
/// costs more than a few dozen length and first-byte checks): printers look up a few fields in
/// each of hundreds of small objects, and an Event has about twenty top-level fields.
const SCAN_MAX: usize = 32;

/// `v[key]` when `v` is an object that has it.
pub fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let m = v.as_object()?;
    if m.len() <= SCAN_MAX {
        // Length and first byte rule out almost every other key before a full comparison.
        let first = key.as_bytes().first().copied();
        m.iter()
            .find(|(k, _)| k.len() == key.len() && k.as_bytes().first().copied() == first && k.as_str() == key)
            .map(|(_, x)| x)
    } else {
        m.get(key)
    }
}

/// The string at `path`, or "" (Go's zero value).
pub fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

/// The integer at `path`, or 0.
pub fn i(v: &Value, path: &str) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

/// An optional integer (a pointer field in Go).
pub fn oi(v: &Value, path: &str) -> Option<i64> {
    at(v, path).and_then(Value::as_i64)
}

pub fn b(v: &Value, path: &str) -> bool {
    at(v, path).and_then(Value::as_bool).unwrap_or(false)
}

/// The array at `path`, or an empty slice.
pub fn arr<'a>(v: &'a Value, path: &str) -> &'a [Value] {
    at(v, path).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// A string map (labels, annotations, selectors) as sorted (key, value) pairs.
pub fn map<'a>(v: &'a Value, path: &str) -> Vec<(&'a str, String)> {
    let mut out: Vec<(&str, String)> = at(v, path)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, x)| (k.as_str(), scalar_text(x))).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// A scalar as Go's `%v` would print it.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty.
pub fn format_labels(v: &Value, path: &str) -> String {
    let Some(m) = at(v, path).and_then(Value::as_object).filter(|m| !m.is_empty()) else { return "<none>".to_string() };
    // Written into one String (`--show-labels` does this for every row); keys are unique, so
    // sorting by key alone is the order of sorting the pairs.
    let mut pairs: Vec<(&str, &Value)> = m.iter().map(|(k, x)| (k.as_str(), x)).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(pairs.iter().map(|(k, _)| k.len() + 16).sum());
    for (n, (k, x)) in pairs.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push('=');
        match x {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&scalar_text(other)),
        }
    }
    out
}

/// `metav1.FormatLabelSelector`: matchLabels then matchExpressions, `<none>` when empty.
pub fn format_label_selector(v: &Value, path: &str) -> String {
    let Some(sel) = at(v, path) else { return "<none>".into() };
    let mut parts: Vec<String> = map(sel, "matchLabels").iter().map(|(k, x)| format!("{k}={x}")).collect();
    for expr in arr(sel, "matchExpressions") {
        let key = s(expr, "key");
        let values: Vec<String> = arr(expr, "values").iter().map(scalar_text).collect();
        let part = match s(expr, "operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other} ({})", values.join(",")),
        };
        parts.push(part);
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

/// Milliseconds since the epoch of an RFC 3339 timestamp field, if set and valid.
pub fn time_ms(v: &Value, path: &str) -> Option<i64> {
    let t = s(v, path);
    if t.is_empty() {
        return None;
    }
    parse_time_ms(t)
}

/// Milliseconds since the epoch of an RFC 3339 text, if valid. The API writes every
/// `metav1.Time` as `2006-01-02T15:04:05Z` and every `metav1.MicroTime` (an event's
/// `eventTime`, a series' `lastObservedTime`) as `2006-01-02T15:04:05.000000Z`; those layouts
/// are read here directly (tables parse two or three per row, `get events` for hundreds of
/// rows), anything else by the API's parser.
pub fn parse_time_ms(t: &str) -> Option<i64> {
    match canonical_time_ms(t.as_bytes()) {
        Some(ms) => Some(ms),
        None => podlab_api::time::parse_rfc3339_millis(t).ok(),
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss.fffZ` (any number of fraction digits) with
/// a real date and time of day, else None (the full parser then decides, and rejects what this
/// rejects).
fn canonical_time_ms(b: &[u8]) -> Option<i64> {
    const LAYOUT: &[u8; 19] = b"0000-00-00T00:00:00";
    let (head, tail) = (b.get(..LAYOUT.len())?, &b[LAYOUT.len()..]);
    if !head.iter().zip(LAYOUT).all(|(&c, &l)| if l == b'0' { c.is_ascii_digit() } else { c == l }) {
        return None;
    }
    let fraction_ms = fraction_ms(tail)?;
    let num = |at: usize, len: usize| head[at..at + len].iter().fold(0i64, |n, &c| n * 10 + i64::from(c - b'0'));
    let (year, month, day) = (num(0, 4), num(5, 2), num(8, 2));
    let (hour, minute, second) = (num(11, 2), num(14, 2), num(17, 2));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Month and day are in range here, so they fit a u32.
    let days = podlab_api::time::days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + fraction_ms)
}

/// The milliseconds of a canonical time's tail: `Z` is 0, `.fff…Z` its first three fraction
/// digits (fewer are padded with zeros, more are cut off, as the API's parser does); None for
/// anything else.
fn fraction_ms(tail: &[u8]) -> Option<i64> {
    let digits = match tail {
        [b'Z'] => return Some(0),
        [b'.', digits @ .., b'Z'] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => digits,
        _ => return None,
    };
    Some(digits.iter().chain(b"00").take(3).fold(0i64, |n, &c| n * 10 + i64::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_selectors() {
        let v = json!({"a": {"b": "x", "n": 3, "l": {"z": "1", "a": "2"}},
            "sel": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}});
        assert_eq!(s(&v, "a.b"), "x");
        assert_eq!(i(&v, "a.n"), 3);
        assert_eq!(s(&v, "a.missing"), "");
        assert_eq!(format_labels(&v, "a.l"), "a=2,z=1");
        assert_eq!(format_labels(&v, "nope"), "<none>");
        assert_eq!(format_label_selector(&v, "sel"), "app=web,tier in (a,b)");
        for path in ["a..b", "a.", ".a", ".", "a.b.c", "sel.matchLabels.app"] {
            assert_eq!(at(&v, path), path.split('.').try_fold(&v, field), "{path}");
        }
    }

    #[test]
    fn canonical_timestamps_parse_like_the_api() {
        let cases = [
            "2025-01-01T12:00:00Z", "2024-02-29T23:59:59Z", "2025-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
            "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-01T24:00:00Z",
            "2025-01-01T12:60:00Z", "2025-01-01T12:00:60Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-01-01t12:00:00Z", "2025-01-01T12:00:00z",
            "2025-01-01T12:00:00.5Z", "2025-01-01T12:00:00+02:00", "2025-1-01T12:00:00Z", "",
        ];
        for t in cases {
            assert_eq!(parse_time_ms(t), podlab_api::time::parse_rfc3339_millis(t).ok(), "{t}");
        }
    }

    #[test]
    fn micro_timestamps_parse_like_the_api() {
        let cases = [
            "2025-01-01T12:01:00.123456Z", "2025-01-01T12:01:00.999999Z", "2025-01-01T12:01:00.000000Z",
            "2025-01-01T12:01:00.1Z", "2025-01-01T12:01:00.12Z", "2025-01-01T12:01:00.123Z", "2025-01-01T12:01:00.1239Z",
            "2025-01-01T12:01:00.123456789012Z", "2025-01-01T12:01:00.Z", "2025-01-01T12:01:00.12a4Z",
            "2025-01-01T12:01:00.123456z", "2025-01-01T12:01:00.123456", "2025-01-01T12:01:00.123456+01:00",
            "2025-01-01T12:01:00..1Z", "2025-01-01T12:01:00.1ZZ", "2025-02-29T12:01:00.5Z", "2025-01-01T12:60:00.5Z",
            "2025-01-01T12:01:00Z.5", "2025-01-01T12:01:00.٣Z", "1969-12-31T23:59:59.999Z",
        ];
        for t in cases {
            assert_eq!(parse_time_ms(t), podlab_api::time::parse_rfc3339_millis(t).ok(), "{t}");
        }
        assert_eq!(parse_time_ms("1970-01-01T00:00:01.123456Z"), Some(1123));
        assert_eq!(parse_time_ms("1970-01-01T00:00:01.5Z"), Some(1500));
    }

    /// A timestamp from parts that are mostly in range (so most dates are real and the fast
    /// path is exercised) and a tail that is often a valid zone or fraction and often not.
    fn timestamp() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tail = prop_oneof![
            Just("Z".to_string()),
            "\\.[0-9]{0,12}[Zz]",
            "(\\.[0-9]{1,9})?[+-][0-9]{2}:[0-9]{2}",
            "[.0-9Zz+:-]{0,10}",
        ];
        (0u32..10_000, 0u32..14, 0u32..33, 0u32..25, 0u32..61, 0u32..61, "[Tt]", tail).prop_map(|(y, mo, d, h, mi, s, t, tail)| {
            format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{tail}")
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, .. proptest::prelude::ProptestConfig::default() })]

        #[test]
        fn timestamps_parse_like_the_api(t in timestamp()) {
            proptest::prop_assert_eq!(parse_time_ms(&t), podlab_api::time::parse_rfc3339_millis(&t).ok());
        }

        #[test]
        fn any_text_parses_like_the_api(t in "[0-9T:.Zz+-]{0,30}|\\PC{0,30}") {
            proptest::prop_assert_eq!(parse_time_ms(&t), podlab_api::time::parse_rfc3339_millis(&t).ok());
        }
    }
}

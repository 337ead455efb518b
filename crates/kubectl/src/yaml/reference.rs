//! The YAML writer as it was before the single-buffer rewrite (one `String` per scalar, the
//! column measured back from the output, a `Vec` per mapping), kept verbatim in behaviour as
//! the reference the new writer must match byte for byte on random values.
#![allow(dead_code)]

use serde_json::Value;
use std::cmp::Ordering;

/// go-yaml's emitter folds long scalars once the column passes this width.
const BEST_WIDTH: usize = 80;

/// Renders `value` as one YAML document (no `---`), ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, value, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, value, 0),
        _ => {
            out.push_str(&scalar(value, 0, 0));
            out.push('\n');
        }
    }
    out
}

/// The `List` kubectl prints several objects in (`apiVersion: v1`, `items`, `kind: List`,
/// `metadata.resourceVersion: ""`), written around the borrowed items: the same bytes as
/// [`to_yaml`] of that List, without building it.
pub fn list_to_yaml(items: &[&Value]) -> String {
    let mut out = String::from("apiVersion: v1\n");
    if items.is_empty() {
        out.push_str("items: []\n");
    } else {
        out.push_str("items:\n");
        write_seq_items(&mut out, items.iter().copied(), 0);
    }
    out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    out
}

/// go-yaml v2 `keyList.Less`: runs of digits compare numerically, non-letters sort before
/// letters, letters compare by code point. ASCII keys (all Kubernetes field names) compare as
/// bytes without allocating; others as chars.
pub fn key_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return key_order_of(a.as_bytes(), b.as_bytes(), |c| c.is_ascii_alphabetic(), |c| c.is_ascii_digit().then(|| i64::from(c - b'0')));
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_order_of(&ar, &br, char::is_alphabetic, |c| c.is_ascii_digit().then(|| i64::from(c as u8 - b'0')))
}

fn key_order_of<T: Copy + Ord>(ar: &[T], br: &[T], alpha: impl Fn(T) -> bool, digit: impl Fn(T) -> Option<i64>) -> Ordering {
    let is_digit = |c: T| digit(c).is_some();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = alpha(ar[i]);
        let bl = alpha(br[i]);
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if digit(ar[i]) == Some(0) || digit(br[i]) == Some(0) {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if digit(ar[j]) != Some(0) {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit(ar[ai]).unwrap_or(0));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit(br[bi]).unwrap_or(0));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

fn sorted_entries(m: &serde_json::Map<String, Value>) -> Vec<(&serde_json::map::Key, &Value)> {
    let mut entries: Vec<(&serde_json::map::Key, &Value)> = m.iter().collect();
    // go-yaml's order is not a total order (mixed digits and punctuation), so Rust's sort may
    // refuse it; Go sorts small slices by insertion, which we replay exactly.
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && key_order(entries[j].0, entries[j - 1].0) == Ordering::Less {
            entries.swap(j, j - 1);
            j -= 1;
        }
    }
    entries
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes a non-empty mapping whose keys start at column `indent`.
fn write_map(out: &mut String, value: &Value, indent: usize) {
    let Value::Object(m) = value else { return };
    let mut first = true;
    for (k, v) in sorted_entries(m) {
        // The first key of a mapping inside a sequence item shares the "- " line.
        if !first || !out.ends_with("- ") {
            pad(out, indent);
        }
        first = false;
        let key = scalar_str(k, indent, indent, true);
        out.push_str(&key);
        out.push(':');
        write_value(out, v, indent);
    }
}

/// Writes what follows `key:` for a value of a mapping at `indent`.
fn write_value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, v, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, v, indent);
        }
        _ => {
            out.push(' ');
            let col = current_column(out);
            out.push_str(&scalar(v, indent + 2, col));
            out.push('\n');
        }
    }
}

/// Writes a non-empty sequence whose dashes sit at column `indent`.
fn write_seq(out: &mut String, value: &Value, indent: usize) {
    let Value::Array(items) = value else { return };
    write_seq_items(out, items.iter(), indent);
}

fn write_seq_items<'a>(out: &mut String, items: impl Iterator<Item = &'a Value>, indent: usize) {
    for item in items {
        if !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, item, indent + 2),
            Value::Array(a) if !a.is_empty() => write_seq(out, item, indent + 2),
            _ => {
                let col = current_column(out);
                out.push_str(&scalar(item, indent + 2, col));
                out.push('\n');
            }
        }
    }
}

fn current_column(out: &str) -> usize {
    out.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0)
}

/// A scalar (or empty collection) value; `indent` is where continuation lines start and
/// `column` where the scalar itself starts.
fn scalar(v: &Value, indent: usize, column: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => scalar_str(s, indent, column, false),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        if f.fract() == 0.0 && f.abs() < 1e21 {
            format!("{}", f as i64)
        } else {
            format!("{f}")
        }
    }
}

use scalar_style::scalar_str;

mod scalar_style;
pub use scalar_style::needs_quotes;

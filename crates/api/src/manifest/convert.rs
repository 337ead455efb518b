//! Node tree -> JSON, as sigs.k8s.io/yaml does it for kubectl: go-yaml v2 resolves plain
//! scalars with YAML 1.1 rules (`yes`/`on` are booleans, `0777` is octal, `1e3` a float),
//! aliases are expanded under go-yaml's excessive-aliasing guard, later duplicate keys win,
//! and object keys come out sorted like Go's map marshalling.

use super::scanner::ScalarStyle;
use super::tree::{Node, NodeValue, Tree};
use serde_json::{Map, Number, Value};

/// A mapping's entries in the order they were written (merged keys where the merge was).
type Entries = Vec<(String, Value)>;

/// Go marshals a map with its keys sorted by bytes, and of duplicate keys the last written
/// wins: a stable sort keeps duplicates in writing order, and inserting them in that order
/// leaves the last value under the key's single sorted slot.
pub(super) fn sorted_object(entries: &mut Entries) -> Map<String, Value> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut map = Map::with_capacity(entries.len());
    for (k, v) in entries.drain(..) {
        map.insert(k, v);
    }
    map
}

/// Expansion depth (nesting plus alias chains) beyond this is refused, keeping recursion
/// within a wasm stack.
pub(super) const MAX_EXPANSION_DEPTH: u32 = 100;

struct Ctx<'a> {
    tree: &'a Tree,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    depth: u32,
    /// Decoded-node budget proportional to the input, so work stays linear in its size.
    budget: u64,
    /// Scalar bytes copied out of aliases; an alias to a long string repeated many times
    /// would otherwise make the JSON far larger than the input with few nodes.
    alias_bytes: u64,
}

/// go-yaml v2 `allowedAliasRatio`, in millionths to stay in integers.
fn allowed_alias_ratio_ppm(decode_count: u64) -> u64 {
    if decode_count <= 400_000 {
        990_000
    } else if decode_count >= 4_000_000 {
        100_000
    } else {
        990_000 - 890_000 * (decode_count - 400_000) / 3_600_000
    }
}

/// The decoded-node budget for a document of `len` bytes: far more than any document without
/// aliases can use, so only alias expansion ever reaches it.
pub(super) fn budget(len: usize) -> u64 {
    16 * len as u64 + 10_000
}

const EXCESSIVE_ALIASING: &str = "document contains excessive aliasing";

/// Converts a document tree to the JSON kubectl would send, with the number of nodes decoded
/// (work, for linearity tests). Errors are go-yaml's bare text. The document's size bounds
/// how much alias expansion is allowed.
pub fn to_json(tree: &Tree) -> Result<(Value, u64), String> {
    let budget = budget(tree.source.len());
    let mut ctx = Ctx {
        tree,
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
        depth: 0,
        budget,
        alias_bytes: 0,
    };
    let root = tree.root.and_then(|id| tree.node(id));
    let value = match root {
        None => Value::Null,
        Some(n) => ctx.node(n)?,
    };
    Ok((value, ctx.decode_count))
}

impl Ctx<'_> {
    fn count(&mut self) -> Result<(), String> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        let excessive = self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count * 1_000_000
                > allowed_alias_ratio_ppm(self.decode_count) * self.decode_count;
        if excessive || self.decode_count > self.budget {
            return Err(EXCESSIVE_ALIASING.into());
        }
        Ok(())
    }

    fn node(&mut self, n: &Node) -> Result<Value, String> {
        self.count()?;
        if self.depth >= MAX_EXPANSION_DEPTH {
            return Err(format!("exceeded max depth of {MAX_EXPANSION_DEPTH}"));
        }
        self.depth += 1;
        let r = self.node_inner(n);
        self.depth -= 1;
        r
    }

    fn node_inner(&mut self, n: &Node) -> Result<Value, String> {
        let tree = self.tree;
        match &n.value {
            NodeValue::Scalar(text, style) => {
                let s = tree.text(text);
                if self.alias_depth > 0 {
                    self.alias_bytes += s.len() as u64;
                    if self.alias_bytes > self.budget {
                        return Err(EXCESSIVE_ALIASING.into());
                    }
                }
                resolve_scalar(s, *style, n.tag.as_ref().map(|t| tree.text(t)))
            }
            NodeValue::Seq { first, len } => {
                let mut out = Vec::with_capacity((*len).min(tree.children.len()));
                for item in tree.items(*first, *len) {
                    out.push(self.node(item)?);
                }
                Ok(Value::Array(out))
            }
            NodeValue::Map { first, len } => {
                let mut out = Vec::with_capacity(*len);
                self.merge_pairs(*first, *len, &mut out)?;
                Ok(Value::Object(sorted_object(&mut out)))
            }
            NodeValue::Alias(_) => {
                let target = tree.deref(n);
                if std::ptr::eq(target, n) {
                    return Err("unknown anchor referenced".to_string());
                }
                self.alias_depth += 1;
                let r = self.node(target);
                self.alias_depth -= 1;
                r
            }
        }
    }

    fn merge_pairs(&mut self, first: usize, len: usize, out: &mut Entries) -> Result<(), String> {
        let tree = self.tree;
        for (k, v) in tree.pairs(first, len) {
            let is_merge = k.tag.is_none()
                && matches!(&k.value, NodeValue::Scalar(t, ScalarStyle::Plain) if tree.text(t) == "<<");
            if is_merge {
                self.merge(v, out)?;
                continue;
            }
            let key = self.key_string(k)?;
            let value = self.node(v)?;
            out.push((key, value));
        }
        Ok(())
    }

    /// `<<: *base` or `<<: [*a, *b]`: go-yaml v2 writes the merged keys into the same map.
    fn merge(&mut self, v: &Node, out: &mut Entries) -> Result<(), String> {
        if self.depth >= MAX_EXPANSION_DEPTH {
            return Err(format!("exceeded max depth of {MAX_EXPANSION_DEPTH}"));
        }
        self.depth += 1;
        let r = self.merge_inner(v, out);
        self.depth -= 1;
        r
    }

    fn merge_inner(&mut self, v: &Node, out: &mut Entries) -> Result<(), String> {
        const NOT_A_MAP: &str = "map merge requires map or sequence of maps as the value";
        self.count()?;
        let tree = self.tree;
        let is_alias = u32::from(matches!(v.value, NodeValue::Alias(_)));
        match &tree.deref(v).value {
            NodeValue::Map { first, len } => {
                self.alias_depth += is_alias;
                let r = self.merge_pairs(*first, *len, out);
                self.alias_depth -= is_alias;
                r
            }
            NodeValue::Seq { first, len } => {
                let items: Vec<&Node> = tree.items(*first, *len).collect();
                for item in items.into_iter().rev() {
                    match &tree.deref(item).value {
                        NodeValue::Map { first, len } => self.merge_pairs(*first, *len, out)?,
                        _ => return Err(NOT_A_MAP.into()),
                    }
                }
                Ok(())
            }
            _ => Err(NOT_A_MAP.into()),
        }
    }

    /// Map keys become JSON strings the way sigs.k8s.io/yaml converts them.
    fn key_string(&mut self, k: &Node) -> Result<String, String> {
        match self.node(k)? {
            Value::String(s) => Ok(s),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Null => Ok("null".into()),
            _ => Err("invalid map key".into()),
        }
    }
}

/// go-yaml v2 `resolve` for one scalar, then the JSON form sigs.k8s.io/yaml produces.
pub fn resolve_scalar(s: &str, style: ScalarStyle, tag: Option<&str>) -> Result<Value, String> {
    let as_string = || Ok(Value::String(s.to_string()));
    match tag {
        Some("!!str") | Some("tag:yaml.org,2002:str") | Some("!") => return as_string(),
        Some("!!binary") => return as_string(),
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return as_string();
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Ok(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Ok(Value::Bool(false))
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Err("json: unsupported value: +Inf".into())
        }
        "-.inf" | "-.Inf" | "-.INF" => return Err("json: unsupported value: -Inf".into()),
        ".nan" | ".NaN" | ".NAN" => return Err("json: unsupported value: NaN".into()),
        _ => {}
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || first == '+' || first == '-' || first == '.') {
        return as_string();
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(v) = parse_go_int(&plain) {
        if let Ok(i) = i64::try_from(v) {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = u64::try_from(v) {
            return Ok(Value::Number(u.into()));
        }
    }
    if is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Ok(float_value(f));
        }
    }
    as_string()
}

/// JSON numbers as Go's encoder writes them: integral floats print without a fraction, so
/// they are stored as integers here (`1e3` reaches the API server as `1000`).
fn float_value(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Value::Number((f as i64).into());
    }
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` prefix rules (0x, 0o, 0b, leading 0 = octal).
fn parse_go_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || digits.len() > 70 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -v } else { v };
    (v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX)).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        let cases: &[(&str, Value)] = &[
            ("yes", Value::Bool(true)),
            ("No", Value::Bool(false)),
            ("on", Value::Bool(true)),
            ("~", Value::Null),
            ("", Value::Null),
            ("80", 80.into()),
            ("0777", 511.into()),
            ("0x1F", 31.into()),
            ("1_000", 1000.into()),
            ("1e3", 1000.into()),
            ("0.5", serde_json::json!(0.5)),
            ("08", 8.into()),
            ("1.2.3", "1.2.3".into()),
            ("nginx:1.27", "nginx:1.27".into()),
            ("-1", (-1).into()),
            ("100m", "100m".into()),
            ("2025-01-01", "2025-01-01".into()),
            (
                "18446744073709551615",
                serde_json::json!(18446744073709551615u64),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                &resolve_scalar(text, ScalarStyle::Plain, None).unwrap(),
                want,
                "{text}"
            );
        }
        assert_eq!(
            resolve_scalar("yes", ScalarStyle::DoubleQuoted, None).unwrap(),
            Value::String("yes".into())
        );
        assert_eq!(
            resolve_scalar("80", ScalarStyle::Plain, Some("!!str")).unwrap(),
            Value::String("80".into())
        );
    }
}

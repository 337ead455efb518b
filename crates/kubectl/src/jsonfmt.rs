//! JSON output as `kubectl get -o json` writes it: Go's `json.MarshalIndent(obj, "", "    ")`
//! over an unstructured object, so map keys come out in byte order, four-space indentation,
//! `<`, `>` and `&` escaped as `\u003c`-style sequences, and empty collections as `{}`/`[]`.
//!
//! `-o json` of 200 pods is about half a megabyte, so the writer appends straight to one
//! `String`: the sorted entries of every mapping live in one reusable buffer, strings that need
//! no escaping are copied whole, integers are formatted without `to_string`, and the key order
//! and printed keys of mapping shapes met before are reused ([`crate::shapes`]).

use crate::shapes::{self, ShapeId, Shapes};
use serde_json::{Map, Number, Value};

/// Renders `value` the way kubectl's JSON printer does, with a trailing newline.
pub fn to_json(value: &Value) -> String {
    let mut w = Writer::with_capacity(4096);
    w.pretty(value, 0);
    w.out.push('\n');
    w.out
}

/// The `List` kubectl prints several objects in, written around the borrowed items: the same
/// bytes as [`to_json`] of that List, without building it.
pub fn list_to_json(items: &[&Value]) -> String {
    let mut w = Writer::with_capacity(4096);
    w.out.push_str("{\n    \"apiVersion\": \"v1\",\n    \"items\": ");
    if items.is_empty() {
        w.out.push_str("[]");
    } else {
        w.out.push_str("[\n");
        for (i, v) in items.iter().enumerate() {
            if let Some(next) = items.get(i + 1) {
                crate::prefetch::payload(next);
            }
            let before = w.out.len();
            indent(&mut w.out, 2);
            w.pretty(v, 2);
            if i + 1 < items.len() {
                w.out.push(',');
            }
            w.out.push('\n');
            if i == 0 {
                // Items of one list are alike: size the buffer once from the first, with an
                // eighth to spare so it never grows (which would copy the whole text).
                let rest = (w.out.len() - before) * (items.len() - 1);
                w.out.reserve(rest + rest / 8 + 128);
            }
        }
        indent(&mut w.out, 1);
        w.out.push(']');
    }
    w.out.push_str(",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n");
    w.out
}

/// Compact Go-style encoding (sorted keys, HTML-safe escapes), e.g. for jsonpath results and the
/// last-applied-configuration annotation.
pub fn to_compact(value: &Value) -> String {
    let mut w = Writer::with_capacity(64);
    w.compact(value);
    w.out
}

/// The last string value written at a sorted key of a remembered shape that needed no escaping
/// (the default, "", needs none either), with its [`prefix8`] ([`Writer::remembered_str`]).
#[derive(Clone, Copy, Default)]
struct Plain<'v> {
    text: &'v str,
    prefix: u64,
}

/// The output and, as a stack, the sorted entries of the mappings being written (innermost
/// last), so no mapping allocates its own list. Each entry carries its key's [`prefix8`], read
/// once, so the sort compares numbers and reaches the key's bytes only on a tie. The indented
/// form remembers the key orders and printed keys (`"name": `) of the mapping shapes it has
/// met in `shapes` ([`crate::shapes`]).
struct Writer<'v> {
    out: String,
    entries: Vec<(u64, &'v str, &'v Value)>,
    shapes: Shapes<'v, Plain<'v>>,
}

impl<'v> Writer<'v> {
    fn with_capacity(bytes: usize) -> Self {
        Writer { out: String::with_capacity(bytes), entries: Vec::with_capacity(64), shapes: Shapes::new() }
    }

    /// Pushes `m`'s entries in Go's map-key order (byte order); returns their range.
    fn push_sorted(&mut self, m: &'v Map<String, Value>) -> (usize, usize) {
        let start = self.entries.len();
        self.entries.extend(m.iter().map(|(k, v)| (prefix8(k.as_bytes()), k.as_str(), v)));
        // Keys of one map are unique, so an unstable sort gives the one possible order.
        self.entries[start..].sort_unstable_by(|a, b| prefixed_cmp(a.0, a.1, b.0, b.1));
        (start, self.entries.len())
    }

    /// Pushes `m`'s entries in insertion order and finds (or remembers) their shape: the
    /// sorted order and each key printed as `"key": ` on its line of an object at `depth`. None for maps too small or too large to
    /// remember, or when the cache does not take a new shape; the entries are pushed either way.
    fn push_shaped(&mut self, m: &'v Map<String, Value>, depth: usize) -> Option<ShapeId> {
        let start = self.entries.len();
        let mut fingerprint = 0;
        self.entries.extend(m.iter().map(|(k, v)| {
            crate::prefetch::payload(v);
            let prefix = prefix8(k.as_bytes());
            fingerprint = shapes::mix(fingerprint, prefix, k.len());
            (prefix, k.as_str(), v)
        }));
        let placed = &self.entries[start..];
        if !(shapes::MIN_KEYS..=shapes::MAX_KEYS).contains(&placed.len()) {
            return None;
        }
        if let Some(id) = self.shapes.find(fingerprint, placed.iter().map(|e| (e.0, e.1))) {
            return Some(id);
        }
        self.remember(start, fingerprint, depth)
    }

    /// Sorts the object at `entries[start..]` and remembers its shape at `depth`.
    // Out of line: met once per shape, and inlined it grows every object's stack frame.
    #[inline(never)]
    fn remember(&mut self, start: usize, fingerprint: u64, depth: usize) -> Option<ShapeId> {
        let placed = &self.entries[start..];
        let mut order = [0u32; shapes::MAX_KEYS];
        let order = shapes::identity(&mut order, placed.len());
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&placed[a as usize], &placed[b as usize]);
            prefixed_cmp(a.0, a.1, b.0, b.1)
        });
        self.shapes.insert(fingerprint, placed.iter().map(|e| (e.0, e.1)), order, (depth + 1) * 4, |out, i| {
            string(out, placed[i].1);
            out.push_str(": ");
            0
        })
    }

    /// Writes string `s` at the `j`th sorted key of shape `id`: when it is the text the
    /// shape's previous value there was and that needed no escaping, copied without the
    /// escape scan (most values repeat from object to object); else as [`string`] does,
    /// remembering it when it needs no escaping.
    fn remembered_str(&mut self, id: ShapeId, j: usize, s: &'v str) {
        let memo = self.shapes.memo(id, j);
        let prefix = prefix8(s.as_bytes());
        let same = shapes::same_text(prefix, s, memo.prefix, memo.text);
        self.out.push('"');
        if same || !needs_escaping(s.as_bytes()) {
            self.out.push_str(s);
            if !same {
                self.shapes.set_memo(id, j, Plain { text: s, prefix });
            }
        } else {
            escaped(&mut self.out, s);
        }
        self.out.push('"');
    }

    /// An indented non-empty object at `depth`.
    fn pretty_map(&mut self, m: &'v Map<String, Value>, depth: usize) {
        let start = self.entries.len();
        let shape = self.push_shaped(m, depth);
        self.out.push_str("{\n");
        match shape {
            Some(id) => {
                for j in 0..id.len {
                    // The printed key starts with the shape's first indentation: copied whole
                    // when this object sits there too, else the key alone after our own.
                    let skip = if id.indent == (depth + 1) * 4 {
                        0
                    } else {
                        indent(&mut self.out, depth + 1);
                        id.indent
                    };
                    let (i, _) = self.shapes.write_key(id, j, skip, &mut self.out);
                    match self.entries[start + i].2 {
                        Value::String(s) => self.remembered_str(id, j, s),
                        v => self.pretty(v, depth + 1),
                    }
                    if j + 1 < id.len {
                        self.out.push(',');
                    }
                    self.out.push('\n');
                }
            }
            None => {
                self.entries[start..].sort_unstable_by(|a, b| prefixed_cmp(a.0, a.1, b.0, b.1));
                let end = self.entries.len();
                for i in start..end {
                    let (_, k, v) = self.entries[i];
                    indent(&mut self.out, depth + 1);
                    string(&mut self.out, k);
                    self.out.push_str(": ");
                    self.pretty(v, depth + 1);
                    if i + 1 < end {
                        self.out.push(',');
                    }
                    self.out.push('\n');
                }
            }
        }
        self.entries.truncate(start);
        indent(&mut self.out, depth);
        self.out.push('}');
    }

    fn pretty(&mut self, value: &'v Value, depth: usize) {
        match value {
            Value::Object(m) if !m.is_empty() => self.pretty_map(m, depth),
            Value::Array(a) if !a.is_empty() => {
                self.out.push_str("[\n");
                a.iter().for_each(crate::prefetch::payload);
                for (i, v) in a.iter().enumerate() {
                    indent(&mut self.out, depth + 1);
                    self.pretty(v, depth + 1);
                    if i + 1 < a.len() {
                        self.out.push(',');
                    }
                    self.out.push('\n');
                }
                indent(&mut self.out, depth);
                self.out.push(']');
            }
            _ => self.compact(value),
        }
    }

    fn compact(&mut self, value: &'v Value) {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => push_number(&mut self.out, n),
            Value::String(s) => string(&mut self.out, s),
            Value::Array(a) => {
                self.out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.compact(v);
                }
                self.out.push(']');
            }
            Value::Object(m) => {
                let (start, end) = self.push_sorted(m);
                self.out.push('{');
                for i in start..end {
                    let (_, k, v) = self.entries[i];
                    if i > start {
                        self.out.push(',');
                    }
                    string(&mut self.out, k);
                    self.out.push(':');
                    self.compact(v);
                }
                self.entries.truncate(start);
                self.out.push('}');
            }
        }
    }
}

/// Byte order of two strings `a` and `b` given their [`prefix8`]s `pa` and `pb` (which the
/// writers read once per key, not once per comparison): decided on the first eight bytes where
/// those differ (most field names do) without a `memcmp` call. Zero-padding keeps that order
/// exact: a string that ends early pads with 0x00, which sorts below any byte the other has
/// there, as the shorter prefix must; equal padded prefixes fall back to the full comparison.
pub(crate) fn prefixed_cmp(pa: u64, a: &str, pb: u64, b: &str) -> std::cmp::Ordering {
    if pa != pb {
        return pa.cmp(&pb);
    }
    a.cmp(b)
}

/// [`prefixed_cmp`] of two plain strings, what the property tests hold against `str::cmp`.
#[cfg(test)]
pub(crate) fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    prefixed_cmp(prefix8(a.as_bytes()), a, prefix8(b.as_bytes()), b)
}

/// The first eight bytes as a big-endian number (zero-padded), so numbers compare like bytes.
/// Read once per key by both writers: a short key (half of all field names) is assembled from
/// two overlapping loads rather than copied into a zeroed buffer (a `memcpy` call, and a
/// stalled read of the bytes it just stored).
#[inline]
pub(crate) fn prefix8(b: &[u8]) -> u64 {
    let n = b.len();
    if let Some(head) = b.first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    if n >= 4 {
        // Bytes 0..4 and n-4..n overlap when n < 8; the overlap is the same bytes in both.
        let (Some(head), Some(tail)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) else { return 0 };
        let head = u64::from(u32::from_be_bytes(*head)) << 32;
        let tail = u64::from(u32::from_be_bytes(*tail)) << (8 * (8 - n));
        return head | tail;
    }
    match b {
        [] => 0,
        // For n in 1..=3, bytes 0, n/2 and n-1 cover them all.
        _ => (u64::from(b[0]) << 56) | (u64::from(b[n / 2]) << (56 - 8 * (n / 2))) | (u64::from(b[n - 1]) << (56 - 8 * (n - 1))),
    }
}

const SPACES: &str = "                                                                ";

// Inlined: called once per line of output, and the call costs as much as the copy.
#[inline(always)]
fn indent(out: &mut String, depth: usize) {
    let mut n = depth * 4;
    if n <= SPACES.len() {
        // A fixed-size copy compiles to a few vector moves; cutting it back is cheaper than a
        // `memcpy` call of `n` bytes, once per line of output.
        let end = out.len() + n;
        out.push_str(SPACES);
        out.truncate(end);
        return;
    }
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A JSON number as serde_json prints it; integers without going through `fmt`.
fn push_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        push_i64(out, i);
    } else if let Some(u) = n.as_u64() {
        push_u64(out, u);
    } else {
        out.push_str(&n.to_string());
    }
}

/// Decimal digits of `u`, written from a stack buffer (itoa-style, no allocation).
pub(crate) fn push_u64(out: &mut String, mut u: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    // ASCII digits, pushed one by one: cheaper than checking the buffer is UTF-8.
    for &d in &buf[at..] {
        out.push(char::from(d));
    }
}

/// Decimal `i`, with a leading `-` when negative.
pub(crate) fn push_i64(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    push_u64(out, i.unsigned_abs());
}

/// Does this byte start something Go's HTML-safe encoder escapes? (`0xE2` leads U+2028/U+2029
/// in UTF-8; other characters it leads are copied after a closer look.)
const fn needs_escape(b: u8) -> bool {
    b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2)
}

/// [`needs_escape`] for every byte, so the scan of a string is one load per byte.
static ESCAPES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = needs_escape(b as u8);
        b += 1;
    }
    table
};

/// Does any byte of `b` need a look from [`escaped`]? Decided eight bytes at a time: a word
/// with no byte below 0x20, no `"`, `&`, `<`, `>`, `\\` and no byte above 0x7F is skipped
/// whole; any other word sends the text to the exact per-byte test.
fn needs_escaping(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A high bit for some zero byte of `v` (exact as a yes/no answer).
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut words = b.chunks_exact(8);
    for word in &mut words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or([0xFF; 8]));
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        // `"` (0x22) and `&` (0x26) differ in one bit, as do `<` (0x3C) and `>` (0x3E).
        let quote_amp = zero_byte((x ^ (ONES * 0x22)) & (ONES * 0xFB));
        let angle = zero_byte((x ^ (ONES * 0x3C)) & (ONES * 0xFD));
        let backslash = zero_byte(x ^ (ONES * 0x5C));
        if control | quote_amp | angle | backslash | (x & HIGH) != 0 {
            return b.iter().any(|&c| ESCAPES[usize::from(c)]);
        }
    }
    words.remainder().iter().any(|&c| ESCAPES[usize::from(c)])
}

/// Go's `encoding/json` string encoding with HTML escaping on.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    if !needs_escaping(s.as_bytes()) {
        out.push_str(s);
    } else {
        escaped(out, s);
    }
    out.push('"');
}

fn escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => unicode_escape(out, c),
            c if (c as u32) < 0x20 => unicode_escape(out, c),
            c => out.push(c),
        }
    }
}

/// `\u00XX`-style escape with lower-case hex digits, as Go writes it.
fn unicode_escape(out: &mut String, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let v = c as u32;
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[((v >> shift) & 0xF) as usize]));
    }
}

#[cfg(test)]
pub(crate) mod tests;

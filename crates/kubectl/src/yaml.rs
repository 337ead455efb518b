//! YAML output as `kubectl get -o yaml` writes it. kubectl marshals the object to JSON and
//! converts with sigs.k8s.io/yaml, i.e. go-yaml v2: map keys sorted with go-yaml's
//! letter/digit-aware order, block sequences at their parent key's indent, strings quoted only
//! when a YAML reader would not read them back as the same string (`"true"`, `"80"`,
//! timestamps, `""`), single quotes for strings a plain scalar cannot carry (`'*'`, `'a: b'`),
//! literal blocks (`|`, `|-`, `|+`) for multi-line text, and folding of long scalars at the
//! first space past column 80.
//!
//! `-o yaml` of 200 pods is over half a megabyte, so the writer appends straight to one
//! `String` and always knows its column (nothing is measured back from the output), keeps the
//! sorted entries of every mapping in one reusable buffer, and writes the common scalars
//! (short one-line printable ASCII) after a single pass over their bytes
//! ([`scalar_style::write_str`]).

use crate::shapes::{self, ShapeId, Shapes};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// go-yaml's emitter folds long scalars once the column passes this width.
const BEST_WIDTH: usize = 80;

/// Renders `value` as one YAML document (no `---`), ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut w = Writer::with_capacity(4096);
    match value {
        Value::Object(m) if !m.is_empty() => w.map(m, 0, false),
        Value::Array(a) if !a.is_empty() => w.seq(a, 0, false),
        _ => {
            w.scalar(value, 0, 0);
            w.out.push('\n');
        }
    }
    w.out
}

/// The `List` kubectl prints several objects in (`apiVersion: v1`, `items`, `kind: List`,
/// `metadata.resourceVersion: ""`), written around the borrowed items: the same bytes as
/// [`to_yaml`] of that List, without building it.
pub fn list_to_yaml(items: &[&Value]) -> String {
    let mut w = Writer::with_capacity(4096);
    w.out.push_str("apiVersion: v1\n");
    if items.is_empty() {
        w.out.push_str("items: []\n");
    } else {
        w.out.push_str("items:\n");
        for (i, item) in items.iter().enumerate() {
            if let Some(next) = items.get(i + 1) {
                crate::prefetch::payload(next);
            }
            let before = w.out.len();
            w.seq_item(item, 0, false);
            if i == 0 {
                // Items of one list are alike: size the buffer once from the first, with an
                // eighth to spare for longer ones, so it never grows (which copies the text).
                let rest = (w.out.len() - before) * (items.len() - 1);
                w.out.reserve(rest + rest / 8 + 128);
            }
        }
    }
    w.out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    w.out
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

/// Sorts one mapping's entries in go-yaml's key order. That order is not a total order (mixed
/// digits and punctuation), so Rust's sort may refuse it; Go sorts small slices by insertion,
/// which we replay exactly. When every key is [`simple_key`] the order is plain byte order
/// (a total order, so any sort gives Go's result) and a faster sort does.
/// `key` gives an item's key and its [`crate::jsonfmt::prefix8`].
fn sort_entries<'v, T>(entries: &mut [T], all_simple: bool, key: impl Fn(&T) -> (u64, &'v str)) {
    if all_simple {
        // Byte order, decided on the prefixes read once per key where they differ.
        entries.sort_unstable_by(|a, b| {
            let ((pa, a), (pb, b)) = (key(a), key(b));
            crate::jsonfmt::prefixed_cmp(pa, a, pb, b)
        });
        return;
    }
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && key_order(key(&entries[j]).1, key(&entries[j - 1]).1) == Ordering::Less {
            entries.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Is `key` made of letters and `-`, `.`, `/` only, starting with a letter? (Almost every
/// Kubernetes field name and many label keys.) Among such keys go-yaml's order is byte order:
/// letters compare by code point, the three punctuation bytes sort below every letter as
/// go-yaml's "non-letters first" wants, and without digits no number runs compare. Such a key
/// is also a plain scalar unless the resolver reads it as a word (`yes`, `on`, `null`, ...).
/// `prefix` is the key's [`crate::jsonfmt::prefix8`], already read for the sort, so a key of up
/// to eight bytes is checked in one step, longer ones eight bytes at a time.
fn simple_key(b: &[u8], prefix: u64) -> bool {
    let Some(first) = b.first() else { return false };
    if !first.is_ascii_alphabetic() {
        return false;
    }
    // The prefix holds the first bytes at the top; below a short key it is zero padding.
    let head = if b.len() >= 8 { HIGH } else { HIGH & !(u64::MAX >> (8 * b.len())) };
    if simple_bytes(prefix) & head != head {
        return false;
    }
    let mut words = b.get(8..).unwrap_or_default().chunks_exact(8);
    for word in &mut words {
        if simple_bytes(u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or([0; 8]))) != HIGH {
            return false;
        }
    }
    words.remainder().iter().all(|&c| SIMPLE_KEY_BYTE[usize::from(c)])
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is a letter or `-`, `.`, `/` ([`SIMPLE_KEY_BYTE`]),
/// for eight bytes at once. Range tests by addition: with every byte's high bit cleared first,
/// no sum carries into the next byte, and bytes with the high bit set are not ASCII.
fn simple_bytes(x: u64) -> u64 {
    let ascii = !x & HIGH;
    let low = x & !HIGH;
    // Letters: `| 0x20` folds upper to lower case; then 0x61 <= byte <= 0x7A.
    let folded = low | (ONES * 0x20);
    let letter = (folded + ONES * (0x80 - 0x61)) & !(folded + ONES * (0x80 - 0x7B)) & HIGH;
    // `-` `.` `/` are 0x2D..=0x2F.
    let punct = (low + ONES * (0x80 - 0x2D)) & !(low + ONES * (0x80 - 0x30)) & HIGH;
    (letter | punct) & ascii
}

/// The bytes a [`simple_key`] is made of, as a table: one load per byte of every key written.
static SIMPLE_KEY_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = (c as u8).is_ascii_alphabetic() || matches!(c as u8, b'-' | b'.' | b'/');
        c += 1;
    }
    table
};

/// One entry of a mapping being written, with its key's first eight bytes as a number
/// ([`crate::jsonfmt::prefix8`]) for the sort and the shape check.
#[derive(Clone, Copy)]
struct Entry<'v> {
    key: &'v str,
    value: &'v Value,
    prefix: u64,
}

/// The last string value written at a sorted key of a remembered shape, the column it started
/// at and the quick style it was written in ([`Writer::remembered_str`]).
#[derive(Clone, Copy, Default)]
struct Memo<'v> {
    text: &'v str,
    /// `text`'s [`crate::jsonfmt::prefix8`].
    prefix: u64,
    column: usize,
    style: Option<scalar_style::Style>,
}

/// Writes `key` as a mapping key followed by its `:` and returns the key's width in columns:
/// plain when it is a [`simple_key`] that the resolver reads back as a string, else as
/// go-yaml's emitter would (keys never fold, so the position does not matter).
fn print_key(out: &mut String, key: &str, prefix: u64) -> usize {
    if simple_key(key.as_bytes(), prefix) && !(key.len() <= resolve::LONGEST_WORD && needs_quotes(key)) {
        out.push_str(key);
        out.push(':');
        return key.len();
    }
    let key_at = out.len();
    scalar_style::write_str(out, key, 0, 0, true);
    let w = width(&out[key_at..]);
    out.push(':');
    w
}

const SPACES: &str = "                                                                ";

// Inlined: called once per line of output, and the call costs as much as the copy.
#[inline(always)]
fn pad(out: &mut String, indent: usize) {
    if indent <= SPACES.len() {
        // A fixed-size copy compiles to a few vector moves; cutting it back is cheaper than a
        // `memcpy` call of `indent` bytes, once per line of output.
        let end = out.len() + indent;
        out.push_str(SPACES);
        out.truncate(end);
        return;
    }
    let mut n = indent;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The output and, as a stack, the sorted entries of the mappings being written (innermost
/// last), so no mapping allocates its own list.
/// The key orders and simple-key flags already worked out are in `shapes`
/// ([`crate::shapes`]).
struct Writer<'v> {
    out: String,
    entries: Vec<Entry<'v>>,
    shapes: Shapes<'v, Memo<'v>>,
}

impl<'v> Writer<'v> {
    fn with_capacity(bytes: usize) -> Self {
        Writer { out: String::with_capacity(bytes), entries: Vec::with_capacity(64), shapes: Shapes::new() }
    }

    /// Writes a non-empty mapping whose keys start at column `indent`; `inline_first` when its
    /// first key shares the line of a sequence item's `- `. Its entries go on the stack in
    /// insertion order; a mapping of a remembered (or newly remembered) shape is then written
    /// in the shape's order with its printed keys, any other is sorted in place.
    fn map(&mut self, m: &'v Map<String, Value>, indent: usize, inline_first: bool) {
        let start = self.entries.len();
        let mut fingerprint = 0;
        self.entries.extend(m.iter().map(|(k, v)| {
            crate::prefetch::payload(v);
            let prefix = crate::jsonfmt::prefix8(k.as_bytes());
            fingerprint = shapes::mix(fingerprint, prefix, k.len());
            Entry { key: k.as_str(), value: v, prefix }
        }));
        let n = self.entries.len() - start;
        let shape = if (shapes::MIN_KEYS..=shapes::MAX_KEYS).contains(&n) {
            let placed = &self.entries[start..];
            self.shapes.find(fingerprint, placed.iter().map(|e| (e.prefix, e.key))).or_else(|| self.remember(start, fingerprint, indent))
        } else {
            None
        };
        match shape {
            Some(id) => {
                for j in 0..id.len {
                    // The printed key starts with the shape's first indentation: copied whole
                    // when this mapping sits there too, else the key alone after our own.
                    let skip = if indent == id.indent && (j > 0 || !inline_first) {
                        0
                    } else {
                        if j > 0 || !inline_first {
                            pad(&mut self.out, indent);
                        }
                        id.indent
                    };
                    let (i, key_width) = self.shapes.write_key(id, j, skip, &mut self.out);
                    let value = self.entries[start + i].value;
                    let column = indent + key_width + 2;
                    match value {
                        Value::String(s) => self.remembered_str(id, j, s, indent, column),
                        _ => self.value(value, indent, column),
                    }
                }
            }
            None => self.map_sorting(start, indent, inline_first),
        }
        self.entries.truncate(start);
    }

    /// What [`Self::value`] writes for string `s` at the `j`th sorted key of shape `id`,
    /// replaying the style of the shape's previous value there when it is the same text at
    /// the same column (most values repeat from object to object: images, policies, paths,
    /// condition types), and remembering the new one otherwise.
    fn remembered_str(&mut self, id: ShapeId, j: usize, s: &'v str, indent: usize, column: usize) {
        let memo = self.shapes.memo(id, j);
        let prefix = crate::jsonfmt::prefix8(s.as_bytes());
        let same = memo.column == column && shapes::same_text(prefix, s, memo.prefix, memo.text);
        self.out.push(' ');
        match memo.style {
            Some(style) if same => scalar_style::push_known(&mut self.out, s, style),
            _ => {
                if let Some(style) = scalar_style::write_value_str(&mut self.out, s, indent + 2, column) {
                    self.shapes.set_memo(id, j, Memo { text: s, prefix, column, style: Some(style) });
                }
            }
        }
        self.out.push('\n');
    }

    /// Sorts the mapping at `entries[start..]` and remembers its shape: the order and the
    /// keys printed at `indent`. None when the cache does not take it.
    // Out of line: met once per shape, and inlined it grows every mapping's stack frame.
    #[inline(never)]
    fn remember(&mut self, start: usize, fingerprint: u64, indent: usize) -> Option<ShapeId> {
        let placed = &self.entries[start..];
        let all_simple = placed.iter().all(|e| simple_key(e.key.as_bytes(), e.prefix));
        let mut order = [0u32; shapes::MAX_KEYS];
        let order = shapes::identity(&mut order, placed.len());
        sort_entries(order, all_simple, |&i| (placed[i as usize].prefix, placed[i as usize].key));
        let keys = placed.iter().map(|e| (e.prefix, e.key));
        self.shapes.insert(fingerprint, keys, order, indent, |out, i| print_key(out, placed[i].key, placed[i].prefix))
    }

    /// Writes the mapping at `entries[start..]` (insertion order) after sorting it in place:
    /// the path of mappings too small or too large to remember.
    #[inline(never)]
    fn map_sorting(&mut self, start: usize, indent: usize, inline_first: bool) {
        let all_simple = self.entries[start..].iter().all(|e| simple_key(e.key.as_bytes(), e.prefix));
        sort_entries(&mut self.entries[start..], all_simple, |e| (e.prefix, e.key));
        for i in start..self.entries.len() {
            let Entry { key, value, prefix } = self.entries[i];
            if i > start || !inline_first {
                pad(&mut self.out, indent);
            }
            let key_width = print_key(&mut self.out, key, prefix);
            self.value(value, indent, indent + key_width + 2);
        }
    }

    /// Writes what follows `key:` for a value of a mapping at `indent`; a scalar would start
    /// at `column`.
    fn value(&mut self, v: &'v Value, indent: usize, column: usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                self.out.push('\n');
                self.map(m, indent + 2, false);
            }
            Value::Array(a) if !a.is_empty() => {
                self.out.push('\n');
                self.seq(a, indent, false);
            }
            _ => {
                self.out.push(' ');
                self.scalar(v, indent + 2, column);
                self.out.push('\n');
            }
        }
    }

    /// Writes a non-empty sequence whose dashes sit at column `indent`.
    fn seq(&mut self, items: &'v [Value], indent: usize, inline_first: bool) {
        items.iter().for_each(crate::prefetch::payload);
        for (i, item) in items.iter().enumerate() {
            self.seq_item(item, indent, i == 0 && inline_first);
        }
    }

    /// One `- item`; `inline` when the dash shares the line of an outer item's `- `.
    fn seq_item(&mut self, item: &'v Value, indent: usize, inline: bool) {
        if !inline {
            pad(&mut self.out, indent);
        }
        self.out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => self.map(m, indent + 2, true),
            Value::Array(a) if !a.is_empty() => self.seq(a, indent + 2, true),
            _ => {
                self.scalar(item, indent + 2, indent + 2);
                self.out.push('\n');
            }
        }
    }

    /// A scalar (or empty collection) value; `indent` is where continuation lines start and
    /// `column` where the scalar itself starts.
    fn scalar(&mut self, v: &Value, indent: usize, column: usize) {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => number(&mut self.out, n),
            Value::String(s) => scalar_style::write_str(&mut self.out, s, indent, column, false),
            Value::Array(_) => self.out.push_str("[]"),
            Value::Object(_) => self.out.push_str("{}"),
        }
    }
}

/// Columns a one-line text occupies (Go's emitter counts characters).
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn number(out: &mut String, n: &serde_json::Number) {
    if let Some(i) = n.as_i64() {
        crate::jsonfmt::push_i64(out, i);
    } else if let Some(u) = n.as_u64() {
        crate::jsonfmt::push_u64(out, u);
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        if f.fract() == 0.0 && f.abs() < 1e21 {
            crate::jsonfmt::push_i64(out, f as i64);
        } else {
            out.push_str(&format!("{f}"));
        }
    }
}

mod resolve;
mod scalar_style;
pub use resolve::needs_quotes;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

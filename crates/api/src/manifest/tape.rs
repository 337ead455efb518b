//! The compact form of a document the fast reader (`block.rs`) makes: one flat vector of
//! nodes in document order (a collection is followed by its subtree and knows where the
//! subtree ends), each with the line and byte offset it starts at, scalars as byte ranges of
//! the document's text. Reading a manifest fills only this vector; the `serde_json::Value`
//! kubectl sends is built from it when a caller first asks (`to_json`), with exactly the
//! values `convert::to_json` gives the same document's node tree, and field paths are found
//! in it (`locate`) without reading the text again. Only what the fast reader accepts is ever
//! in a tape: no anchors, aliases, tags, merge keys or built (escaped, folded) scalars.

use super::convert::resolve_scalar;
use super::scanner::ScalarStyle;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Map,
    Seq,
}

/// One node: 20 bytes, so a 1 MB manifest's nodes are a few hundred KB written once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TapeNode {
    pub(super) kind: Kind,
    /// 0-based line of the node's start within the document.
    pub(super) line: u32,
    /// Byte offset of the node's start (a quoted scalar's quote, a collection's first key,
    /// `-`, `[` or `{`; an empty value's mark right after its indicator).
    pub(super) start: u32,
    /// Scalars: the value's byte range. Collections: `a` children (keys and values
    /// alternate in a mapping), and `b` is the index of the first node after the subtree.
    pub(super) a: u32,
    pub(super) b: u32,
}

/// A document's nodes; the root (when there is one) is the first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Tape {
    pub(super) nodes: Vec<TapeNode>,
}

impl TapeNode {
    /// The index of the first node after this one's subtree.
    fn next(&self, own: usize) -> usize {
        match self.kind {
            Kind::Map | Kind::Seq => self.b as usize,
            _ => own + 1,
        }
    }

    fn style(&self) -> ScalarStyle {
        match self.kind {
            Kind::SingleQuoted => ScalarStyle::SingleQuoted,
            Kind::DoubleQuoted => ScalarStyle::DoubleQuoted,
            _ => ScalarStyle::Plain,
        }
    }

    pub(super) fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.a as usize..self.b as usize).unwrap_or("")
    }
}

impl Tape {
    /// Whether the document is empty or `null`, which kubectl skips.
    pub(super) fn is_null(&self, source: &str) -> bool {
        match self.nodes.first() {
            None => true,
            Some(n) => {
                n.kind == Kind::Plain
                    && matches!(n.text(source), "" | "~" | "null" | "Null" | "NULL")
            }
        }
    }

    /// The JSON kubectl sends: go-yaml's resolution of every scalar, object keys sorted as
    /// Go marshals a map, of duplicate keys the last written.
    pub(super) fn to_json(&self, source: &str) -> Value {
        if self.nodes.is_empty() {
            return Value::Null;
        }
        let mut entries = Vec::new();
        self.value(source, 0, &mut entries)
    }

    /// The value of node `i`. `entries` is scratch space shared by every mapping being
    /// built (each sorts and drains only its own run at the end), so building allocates
    /// the values themselves and nothing else. Recursion is bounded by the reader's depth
    /// limit.
    fn value(&self, source: &str, i: usize, entries: &mut Vec<(String, Value)>) -> Value {
        let Some(node) = self.nodes.get(i) else {
            return Value::Null;
        };
        match node.kind {
            Kind::Seq => {
                let mut items = Vec::with_capacity(node.a as usize);
                let mut at = i + 1;
                for _ in 0..node.a {
                    items.push(self.value(source, at, entries));
                    at = self.nodes.get(at).map_or(usize::MAX, |n| n.next(at));
                }
                Value::Array(items)
            }
            Kind::Map => {
                let base = entries.len();
                let mut at = i + 1;
                for _ in 0..node.a / 2 {
                    let key = self.key(source, at);
                    let value = self.value(source, at + 1, entries);
                    entries.push((key, value));
                    at = self
                        .nodes
                        .get(at + 1)
                        .map_or(usize::MAX, |n| n.next(at + 1));
                }
                // A stable sort keeps duplicates in writing order; inserting in that order
                // leaves the last value under the key.
                let run = entries.get_mut(base..).unwrap_or_default();
                run.sort_by(|x, y| x.0.cmp(&y.0));
                let mut map = Map::with_capacity(run.len());
                for (k, v) in entries.drain(base..) {
                    map.insert(k, v);
                }
                Value::Object(map)
            }
            _ => scalar(node, source),
        }
    }

    /// A mapping key as sigs.k8s.io/yaml writes it: `1`, `true`, `~` become "1", "true",
    /// "null". Keys in a tape are always scalars the resolution accepts.
    fn key(&self, source: &str, at: usize) -> String {
        let Some(node) = self.nodes.get(at) else {
            return String::new();
        };
        if node.kind != Kind::Plain {
            return node.text(source).to_string();
        }
        match scalar(node, source) {
            Value::String(s) => s,
            Value::Null => "null".to_string(),
            other => other.to_string(),
        }
    }

    /// The node a field path leads to, as `mod.rs`'s `locate` does on a tree: a mapping
    /// step lands on the key when it is the last segment, a missing step stops at the
    /// deepest node found.
    pub(super) fn locate(&self, source: &str, segments: &[String]) -> Option<&TapeNode> {
        let mut i = 0;
        let mut node = self.nodes.first()?;
        for (s, seg) in segments.iter().enumerate() {
            let last = s + 1 == segments.len();
            let found = match node.kind {
                Kind::Map => self.map_entry(source, i, node, seg, last),
                Kind::Seq => self.seq_item(i, node, seg),
                _ => None,
            };
            match found.and_then(|at| Some((at, self.nodes.get(at)?))) {
                Some((at, n)) => (i, node) = (at, n),
                None => return Some(node),
            }
        }
        Some(node)
    }

    /// The index of the last key named `seg` in the mapping at `i` (or of its value).
    fn map_entry(
        &self,
        source: &str,
        i: usize,
        node: &TapeNode,
        seg: &str,
        last: bool,
    ) -> Option<usize> {
        let mut hit = None;
        let mut at = i + 1;
        for _ in 0..node.a / 2 {
            let key = self.nodes.get(at)?;
            if key.text(source) == seg {
                hit = Some(if last { at } else { at + 1 });
            }
            at = self.nodes.get(at + 1)?.next(at + 1);
        }
        hit
    }

    /// The index of item `seg` of the sequence at `i`.
    fn seq_item(&self, i: usize, node: &TapeNode, seg: &str) -> Option<usize> {
        let want = seg.parse::<usize>().ok().filter(|&k| k < node.a as usize)?;
        let mut at = i + 1;
        for _ in 0..want {
            at = self.nodes.get(at)?.next(at);
        }
        Some(at)
    }
}

/// A scalar's JSON value. Quoted scalars are strings; plain ones are resolved (the reader
/// refused the few the conversion rejects, so this cannot fail).
fn scalar(node: &TapeNode, source: &str) -> Value {
    let text = node.text(source);
    match node.kind {
        Kind::Plain => resolve_scalar(text, node.style(), None)
            .unwrap_or_else(|_| Value::String(text.to_string())),
        _ => Value::String(text.to_string()),
    }
}

/// 0-based (line, column) of a node: go-yaml counts columns in characters.
pub(super) fn line_column(node: &TapeNode, source: &str) -> (usize, usize) {
    let start = (node.start as usize).min(source.len());
    let before = source.get(..start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count();
    (node.line as usize, column)
}

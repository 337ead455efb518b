//! The fast path of reading a manifest: the parser's states build the JSON kubectl sends
//! directly, with no node tree in between, for documents without anchors, aliases or merge
//! keys (nearly every manifest). The values are exactly what `convert::to_json` makes of the
//! same document's tree (go-yaml's scalar resolution, sorted keys, last duplicate wins); for
//! anything only the tree can do (an alias needs the node it names, a merge key the pairs it
//! merges, a conversion error must come after every syntax error) it stops with
//! `Stop::NeedsTree` and the caller reads the document again through the tree. Positions are
//! not kept here: a `Document` builds its tree when an error needs one.

use super::convert::{resolve_scalar, sorted_object, MAX_EXPANSION_DEPTH};
use super::parser::{Sink, Stop};
use super::token::{Mark, ScalarStyle, Text};
use serde_json::Value;

pub(super) struct JsonSink<'a> {
    source: &'a str,
    /// Children of the collections being built, innermost last (keys and values alternate
    /// in a mapping's run).
    pending: Vec<Value>,
    /// A mapping's entries while they are sorted, kept between mappings so building one
    /// allocates only the map itself.
    entries: Vec<(String, Value)>,
    /// Values built, counted like `convert`'s decoded nodes.
    built: u64,
    /// `convert`'s decoded-node budget for a document this size.
    budget: u64,
}

impl<'a> JsonSink<'a> {
    pub(super) fn new(source: &'a str) -> JsonSink<'a> {
        JsonSink {
            source,
            pending: Vec::new(),
            entries: Vec::new(),
            built: 0,
            budget: super::convert::budget(source.len()),
        }
    }

    fn count(&mut self) -> Result<(), Stop> {
        self.built += 1;
        if self.built > self.budget {
            return Err(Stop::NeedsTree);
        }
        Ok(())
    }
}

/// A mapping key as sigs.k8s.io/yaml writes it (`convert`'s `key_string`); keys that are
/// collections are an error the tree reports.
fn key_string(key: Value) -> Result<String, Stop> {
    match key {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok("null".into()),
        _ => Err(Stop::NeedsTree),
    }
}

impl Sink for JsonSink<'_> {
    type Id = Value;

    fn scalar(
        &mut self,
        text: Text,
        style: ScalarStyle,
        tag: Option<&Text>,
        _start: Mark,
        depth: usize,
    ) -> Result<Value, Stop> {
        self.count()?;
        if depth >= MAX_EXPANSION_DEPTH as usize {
            return Err(Stop::NeedsTree);
        }
        // Quoted and block scalars without a tag are strings whatever they say: a string the
        // scanner already built moves into the value instead of being copied.
        if style != ScalarStyle::Plain && tag.is_none() {
            return Ok(Value::String(match text {
                Text::Owned(s) => s,
                Text::Span(..) => text.as_str(self.source).to_string(),
            }));
        }
        let s = text.as_str(self.source);
        if tag.is_none() && s == "<<" {
            return Err(Stop::NeedsTree);
        }
        let tag = tag.map(|t| t.as_str(self.source));
        resolve_scalar(s, style, tag).map_err(|_| Stop::NeedsTree)
    }

    fn push(&mut self, id: Value) {
        self.pending.push(id);
    }

    fn pending(&self) -> usize {
        self.pending.len()
    }

    fn collection(&mut self, map: bool, base: usize, _start: Mark) -> Result<Value, Stop> {
        self.count()?;
        let base = base.min(self.pending.len());
        if !map {
            return Ok(Value::Array(self.pending.split_off(base)));
        }
        self.entries.clear();
        let mut run = self.pending.drain(base..);
        while let Some(key) = run.next() {
            let value = run.next().unwrap_or(Value::Null);
            self.entries.push((key_string(key)?, value));
        }
        Ok(Value::Object(sorted_object(&mut self.entries)))
    }

    fn props(&mut self, _id: &Value, _start: Mark, _tag: Option<Text>) {
        // A collection's tag changes nothing in its JSON, and a scalar's was used when built.
    }

    fn anchor(&mut self, _id: &Value) -> Result<usize, Stop> {
        Err(Stop::NeedsTree)
    }

    fn alias(&mut self, _anchored: usize, _start: Mark) -> Result<Value, Stop> {
        Err(Stop::NeedsTree)
    }

    fn start(&self, _id: &Value) -> Mark {
        Mark::default()
    }

    fn work(&self) -> u64 {
        // A tree of the same document counts each node and each child link.
        2 * self.built
    }
}

//! The node tree of one document, with a start position on every node: what field paths are
//! mapped back to editor lines through, and what documents with anchors, aliases or merge keys
//! are converted to JSON from (an alias must see the node it names). Nodes live in one arena
//! (`Tree::nodes`) and a collection's children sit side by side in `Tree::children`, so
//! building a tree is a few growing vectors, and an anchor is an index rather than a copy of
//! the subtree it names. `TreeSink` is how the parser fills it.

use super::parser::{Sink, Stop};
use super::token::{Mark, ScalarStyle, Text};

/// Index of a node in `Tree::nodes`.
pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Scalar(Text, ScalarStyle),
    /// Items are `Tree::children[first..first + len]`.
    Seq {
        first: usize,
        len: usize,
    },
    /// Keys and values alternate in `Tree::children[first..first + 2 * len]`.
    Map {
        first: usize,
        len: usize,
    },
    /// Index into `Tree::anchored`.
    Alias(usize),
}

/// One node. Only its start is kept: positions point the editor at where a value begins.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub tag: Option<Text>,
    pub start: Mark,
}

/// A parsed document: its source, its nodes, its root (None for an empty document) and the
/// anchored nodes aliases refer to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    pub source: String,
    pub nodes: Vec<Node>,
    pub children: Vec<NodeId>,
    pub root: Option<NodeId>,
    pub anchored: Vec<NodeId>,
    /// Work the scanner and parser did (characters, tokens, nodes), for linearity tests.
    pub steps: u64,
}

impl Tree {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// A scalar's or tag's text.
    pub fn text<'t>(&'t self, text: &'t Text) -> &'t str {
        text.as_str(&self.source)
    }

    /// The node an alias stands for (any other node is itself).
    pub fn deref<'t>(&'t self, n: &'t Node) -> &'t Node {
        match &n.value {
            NodeValue::Alias(i) => self
                .anchored
                .get(*i)
                .and_then(|&id| self.nodes.get(id))
                .unwrap_or(n),
            _ => n,
        }
    }

    /// A sequence's items.
    pub fn items(&self, first: usize, len: usize) -> impl Iterator<Item = &Node> + '_ {
        self.children
            .get(first..first.saturating_add(len))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&id| self.nodes.get(id))
    }

    /// A mapping's (key, value) pairs, in document order.
    pub fn pairs(
        &self,
        first: usize,
        len: usize,
    ) -> impl DoubleEndedIterator<Item = (&Node, &Node)> + '_ {
        self.children
            .get(first..first.saturating_add(len.saturating_mul(2)))
            .unwrap_or(&[])
            .chunks_exact(2)
            .filter_map(|kv| Some((self.nodes.get(kv[0])?, self.nodes.get(kv[1])?)))
    }
}

/// Builds a `Tree`'s arena while the parser walks the document.
pub(super) struct TreeSink {
    pub(super) nodes: Vec<Node>,
    pub(super) children: Vec<NodeId>,
    /// Children of the collections being built, innermost last; a finished collection moves
    /// its run from here to `children`.
    pending: Vec<NodeId>,
    pub(super) anchored: Vec<NodeId>,
}

impl TreeSink {
    pub(super) fn new(source_len: usize) -> TreeSink {
        // About one node per 8 bytes of a typical manifest: reserving it up front saves the
        // copies of growing the arena.
        let estimate = source_len / 8;
        TreeSink {
            nodes: Vec::with_capacity(estimate),
            children: Vec::with_capacity(estimate),
            pending: Vec::new(),
            anchored: Vec::new(),
        }
    }

    fn add(&mut self, value: NodeValue, start: Mark) -> NodeId {
        self.nodes.push(Node {
            value,
            tag: None,
            start,
        });
        self.nodes.len() - 1
    }
}

impl Sink for TreeSink {
    type Id = NodeId;

    fn scalar(
        &mut self,
        text: Text,
        style: ScalarStyle,
        _tag: Option<&Text>,
        start: Mark,
        _depth: usize,
    ) -> Result<NodeId, Stop> {
        // The tag is set with the node's other properties (`props`), as for collections.
        Ok(self.add(NodeValue::Scalar(text, style), start))
    }

    fn push(&mut self, id: NodeId) {
        self.pending.push(id);
    }

    fn pending(&self) -> usize {
        self.pending.len()
    }

    fn collection(&mut self, map: bool, base: usize, start: Mark) -> Result<NodeId, Stop> {
        let first = self.children.len();
        let count = self.pending.len().saturating_sub(base);
        self.children.extend(self.pending.drain(base..));
        let value = if map {
            NodeValue::Map {
                first,
                len: count / 2,
            }
        } else {
            NodeValue::Seq { first, len: count }
        };
        Ok(self.add(value, start))
    }

    fn props(&mut self, id: &NodeId, start: Mark, tag: Option<Text>) {
        if let Some(n) = self.nodes.get_mut(*id) {
            n.start = start;
            n.tag = tag;
        }
    }

    fn anchor(&mut self, id: &NodeId) -> Result<usize, Stop> {
        self.anchored.push(*id);
        Ok(self.anchored.len() - 1)
    }

    fn alias(&mut self, anchored: usize, start: Mark) -> Result<NodeId, Stop> {
        Ok(self.add(NodeValue::Alias(anchored), start))
    }

    fn start(&self, id: &NodeId) -> Mark {
        self.nodes.get(*id).map(|n| n.start).unwrap_or_default()
    }

    fn work(&self) -> u64 {
        self.nodes.len() as u64 + self.children.len() as u64
    }
}

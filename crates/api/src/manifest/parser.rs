//! Builds a node tree from scanner tokens following libyaml's parser states (block/flow
//! sequences and mappings, indentless sequences, empty values), so structural mistakes fail
//! with go-yaml's problem text ("did not find expected key", "did not find expected '-'
//! indicator", ...). Only the first document of a chunk is read, as go-yaml's Unmarshal does.
//! Nodes live in one arena (`Tree::nodes`) and a collection's children sit side by side in
//! `Tree::children`, so building a tree is a few growing vectors, and an anchor is an index
//! rather than a copy of the subtree it names.

use super::scanner::{Mark, ScalarStyle, Scanner, Text, Tk, Token, YamlError};
use std::collections::BTreeMap;

/// Nesting deeper than this is refused (go-yaml has a far larger limit; a wasm stack does
/// not). Real manifests stay below 20.
pub const MAX_DEPTH: usize = 100;

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

#[derive(Clone, Copy)]
struct Peek {
    kind: Tk,
    start: Mark,
    end: Mark,
}

struct Parser<'a> {
    scanner: Scanner<'a>,
    depth: usize,
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    /// Children of the collections being built, innermost last; a finished collection moves
    /// its run from here to `children`.
    pending: Vec<NodeId>,
    anchored: Vec<NodeId>,
    /// name -> Some(index) once defined, None while the anchored node is still being parsed.
    anchors: BTreeMap<&'a str, Option<usize>>,
}

type R<T> = Result<T, ParseFailure>;

/// Either a libyaml-style error (with marks) or a decoder-level one go-yaml prints bare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseFailure {
    Yaml(YamlError),
    Bare(String),
}

impl From<YamlError> for ParseFailure {
    fn from(e: YamlError) -> Self {
        ParseFailure::Yaml(e)
    }
}

fn parser_error(problem: &str, problem_mark: Mark, context_mark: Mark) -> ParseFailure {
    ParseFailure::Yaml(YamlError {
        scanner: false,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
    })
}

/// Parses the first document of `source`, which the tree keeps (scalars point into it).
pub fn parse_document(source: String) -> Result<Tree, ParseFailure> {
    let (root, nodes, children, anchored, steps) = {
        // About one node per 8 bytes of a typical manifest: reserving it up front saves the
        // copies of growing the arena.
        let estimate = source.len() / 8;
        let mut p = Parser {
            scanner: Scanner::new(&source),
            depth: 0,
            nodes: Vec::with_capacity(estimate),
            children: Vec::with_capacity(estimate),
            pending: Vec::new(),
            anchored: Vec::new(),
            anchors: BTreeMap::new(),
        };
        let root = p.document()?;
        let steps = p.scanner.steps() + p.nodes.len() as u64 + p.children.len() as u64;
        (root, p.nodes, p.children, p.anchored, steps)
    };
    Ok(Tree {
        source,
        nodes,
        children,
        root,
        anchored,
        steps,
    })
}

impl<'a> Parser<'a> {
    /// The next token's kind and marks, without taking it.
    fn peek(&mut self) -> R<Peek> {
        Ok(match self.scanner.peek_token()? {
            Some(t) => Peek {
                kind: t.kind,
                start: t.start,
                end: t.end,
            },
            None => Peek {
                kind: Tk::StreamEnd,
                start: Mark::default(),
                end: Mark::default(),
            },
        })
    }
    fn next(&mut self) -> R<Token> {
        Ok(self
            .scanner
            .next_token()?
            .unwrap_or_else(|| Token::bare(Tk::StreamEnd, Mark::default(), Mark::default())))
    }

    fn add(&mut self, value: NodeValue, start: Mark) -> NodeId {
        self.nodes.push(Node {
            value,
            tag: None,
            start,
        });
        self.nodes.len() - 1
    }

    fn empty(&mut self, mark: Mark) -> NodeId {
        self.add(NodeValue::Scalar(Text::default(), ScalarStyle::Plain), mark)
    }

    /// Ends a collection whose children were pushed to `pending` from `base` on.
    fn finish(&mut self, map: bool, base: usize, start: Mark) -> NodeId {
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
        self.add(value, start)
    }

    fn document(&mut self) -> R<Option<NodeId>> {
        let first = self.next()?;
        debug_assert_eq!(first.kind, Tk::StreamStart);
        let tok = self.peek()?;
        let root = match tok.kind {
            Tk::StreamEnd => return Ok(None),
            Tk::Directive | Tk::DocumentStart => {
                let mut tok = tok;
                while tok.kind == Tk::Directive {
                    self.next()?;
                    tok = self.peek()?;
                }
                if tok.kind != Tk::DocumentStart {
                    return Err(parser_error(
                        "did not find expected <document start>",
                        tok.start,
                        tok.start,
                    ));
                }
                self.next()?;
                let after = self.peek()?;
                match after.kind {
                    Tk::Directive | Tk::DocumentStart | Tk::DocumentEnd | Tk::StreamEnd => None,
                    _ => Some(self.node(true, false)?),
                }
            }
            _ => Some(self.node(true, false)?),
        };
        // go-yaml fetches the token after the root to produce DOCUMENT-END: scanner errors there count.
        self.peek()?;
        Ok(root)
    }

    fn alias(&mut self) -> R<NodeId> {
        let t = self.next()?;
        let source = self.scanner.source();
        let name = t.text.as_str(source);
        match self.anchors.get(name) {
            Some(Some(i)) => Ok(self.add(NodeValue::Alias(*i), t.start)),
            Some(None) => Err(ParseFailure::Bare(format!(
                "anchor '{name}' value contains itself"
            ))),
            None => Err(ParseFailure::Bare(format!(
                "unknown anchor '{name}' referenced"
            ))),
        }
    }

    fn node(&mut self, block: bool, indentless: bool) -> R<NodeId> {
        let mut tok = self.peek()?;
        if tok.kind == Tk::Alias {
            return self.alias();
        }
        let source = self.scanner.source();
        let mut anchor: Option<&'a str> = None;
        let mut tag = None;
        let start = tok.start;
        for _ in 0..2 {
            match tok.kind {
                Tk::Anchor if anchor.is_none() => {
                    let t = self.next()?;
                    anchor = match t.text {
                        Text::Span(a, b) => source.get(a..b),
                        Text::Owned(_) => None,
                    };
                }
                Tk::Tag if tag.is_none() => tag = Some(self.next()?.text),
                _ => break,
            }
            tok = self.peek()?;
        }
        if let Some(a) = anchor {
            self.anchors.insert(a, None);
        }
        let has_props = anchor.is_some() || tag.is_some();
        let id = self.node_body(block, indentless, tok, start, has_props)?;
        if let Some(n) = self.nodes.get_mut(id) {
            n.start = start;
            n.tag = tag;
        }
        if let Some(a) = anchor {
            self.anchors.insert(a, Some(self.anchored.len()));
            self.anchored.push(id);
        }
        Ok(id)
    }

    fn node_body(
        &mut self,
        block: bool,
        indentless: bool,
        tok: Peek,
        start: Mark,
        has_props: bool,
    ) -> R<NodeId> {
        match tok.kind {
            Tk::BlockEntry if indentless => self.nested(|p| p.indentless_sequence(tok.start)),
            Tk::Scalar => {
                let t = self.next()?;
                Ok(self.add(NodeValue::Scalar(t.text, t.style), t.start))
            }
            Tk::FlowSequenceStart => self.nested(|p| p.flow_collection(false)),
            Tk::FlowMappingStart => self.nested(|p| p.flow_collection(true)),
            Tk::BlockSequenceStart if block => self.nested(|p| p.block_sequence()),
            Tk::BlockMappingStart if block => self.nested(|p| p.block_mapping()),
            _ if has_props => Ok(self.empty(tok.start)),
            _ => Err(parser_error(
                "did not find expected node content",
                tok.start,
                start,
            )),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Parser<'a>) -> R<NodeId>) -> R<NodeId> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseFailure::Bare(format!(
                "exceeded max depth of {MAX_DEPTH}"
            )));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// The node after an indicator (`-`, `?`, `:`), or an empty scalar at `mark` when the
    /// next token is one of `enders` (nothing was written there).
    fn node_or_empty(
        &mut self,
        enders: &[Tk],
        mark: Mark,
        block: bool,
        indentless: bool,
    ) -> R<NodeId> {
        let next = self.peek()?;
        if enders.contains(&next.kind) {
            Ok(self.empty(mark))
        } else {
            self.node(block, indentless)
        }
    }

    fn block_sequence(&mut self) -> R<NodeId> {
        let open = self.next()?;
        let base = self.pending.len();
        loop {
            let tok = self.peek()?;
            match tok.kind {
                Tk::BlockEntry => {
                    self.next()?;
                    let item =
                        self.node_or_empty(&[Tk::BlockEntry, Tk::BlockEnd], tok.end, true, false)?;
                    self.pending.push(item);
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return Ok(self.finish(false, base, open.start));
                }
                _ => {
                    return Err(parser_error(
                        "did not find expected '-' indicator",
                        tok.start,
                        open.start,
                    ))
                }
            }
        }
    }

    fn indentless_sequence(&mut self, start: Mark) -> R<NodeId> {
        let base = self.pending.len();
        loop {
            let tok = self.peek()?;
            if tok.kind != Tk::BlockEntry {
                return Ok(self.finish(false, base, start));
            }
            self.next()?;
            let enders = [Tk::BlockEntry, Tk::Key, Tk::Value, Tk::BlockEnd];
            let item = self.node_or_empty(&enders, tok.end, true, false)?;
            self.pending.push(item);
        }
    }

    fn block_mapping(&mut self) -> R<NodeId> {
        let open = self.next()?;
        let base = self.pending.len();
        let enders = [Tk::Key, Tk::Value, Tk::BlockEnd];
        loop {
            let tok = self.peek()?;
            match tok.kind {
                Tk::Key => {
                    self.next()?;
                    let key = self.node_or_empty(&enders, tok.end, true, true)?;
                    let vt = self.peek()?;
                    let value = if vt.kind == Tk::Value {
                        self.next()?;
                        self.node_or_empty(&enders, vt.end, true, true)?
                    } else {
                        self.empty(vt.start)
                    };
                    self.pending.extend([key, value]);
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return Ok(self.finish(true, base, open.start));
                }
                _ => {
                    return Err(parser_error(
                        "did not find expected key",
                        tok.start,
                        open.start,
                    ))
                }
            }
        }
    }

    /// `[...]` or `{...}`: entries separated by `,`; a `?`/simple key inside a sequence makes a
    /// one-pair mapping, a mapping entry without `:` gets an empty value.
    fn flow_collection(&mut self, map: bool) -> R<NodeId> {
        let (closer, problem) = if map {
            (Tk::FlowMappingEnd, "did not find expected ',' or '}'")
        } else {
            (Tk::FlowSequenceEnd, "did not find expected ',' or ']'")
        };
        let open = self.next()?;
        let base = self.pending.len();
        let mut first = true;
        loop {
            let mut tok = self.peek()?;
            if tok.kind != closer && !first {
                if tok.kind != Tk::FlowEntry {
                    return Err(parser_error(problem, tok.start, open.start));
                }
                self.next()?;
                tok = self.peek()?;
            }
            first = false;
            if tok.kind == closer {
                self.next()?;
                return Ok(self.finish(map, base, open.start));
            }
            if tok.kind == Tk::Key {
                self.next()?;
                let (key, value) = self.flow_pair(tok.end, closer)?;
                if map {
                    self.pending.extend([key, value]);
                } else {
                    let pair_base = self.pending.len();
                    self.pending.extend([key, value]);
                    let key_start = self.nodes.get(key).map(|n| n.start).unwrap_or_default();
                    let pair = self.finish(true, pair_base, key_start);
                    self.pending.push(pair);
                }
            } else {
                let item = self.node(false, false)?;
                self.pending.push(item);
                if map {
                    let at = self.peek()?.start;
                    let value = self.empty(at);
                    self.pending.push(value);
                }
            }
        }
    }

    /// Key (already past `?`/simple-key) and optional `: value` inside a flow collection.
    fn flow_pair(&mut self, mark: Mark, closer: Tk) -> R<(NodeId, NodeId)> {
        let key = self.node_or_empty(&[Tk::Value, Tk::FlowEntry, closer], mark, false, false)?;
        let vt = self.peek()?;
        let value = if vt.kind == Tk::Value {
            self.next()?;
            self.node_or_empty(&[Tk::FlowEntry, closer], vt.end, false, false)?
        } else {
            self.empty(vt.start)
        };
        Ok((key, value))
    }
}

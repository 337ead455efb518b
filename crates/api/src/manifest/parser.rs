//! libyaml's parser states over scanner tokens (block/flow sequences and mappings,
//! indentless sequences, empty values), so structural mistakes fail with go-yaml's problem
//! text ("did not find expected key", "did not find expected '-' indicator", ...). Only the
//! first document of a chunk is read, as go-yaml's Unmarshal does. What the states build is a
//! `Sink`'s business: the node tree (`tree.rs`) or, for the common document without anchors,
//! aliases or merge keys, the JSON directly (`json_sink.rs`), which gives up with
//! `Stop::NeedsTree` the moment it meets something only the tree can convert.

use super::json_sink::JsonSink;
use super::scanner::{Mark, ScalarStyle, Scanner, Text, Tk, Token, YamlError};
use super::tree::TreeSink;
pub use super::tree::{Node, NodeId, NodeValue, Tree};
use serde_json::Value;
use std::collections::BTreeMap;

/// Nesting deeper than this is refused (go-yaml has a far larger limit; a wasm stack does
/// not). Real manifests stay below 20.
pub const MAX_DEPTH: usize = 100;

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

/// Why a parse stopped early: the document is wrong, or the sink cannot build it (only the
/// JSON sink stops this way, and the tree then reads the document again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    Failed(ParseFailure),
    NeedsTree,
}

impl From<YamlError> for Stop {
    fn from(e: YamlError) -> Self {
        Stop::Failed(ParseFailure::Yaml(e))
    }
}

impl From<ParseFailure> for Stop {
    fn from(e: ParseFailure) -> Self {
        Stop::Failed(e)
    }
}

/// What the parser's states build, node by node. Children are handed over with `push` and
/// gathered by `collection` from position `base` of the pending run on.
pub(super) trait Sink {
    type Id;
    /// A scalar (an empty node is an empty plain scalar) with its tag, inside `depth`
    /// collections.
    fn scalar(
        &mut self,
        text: Text,
        style: ScalarStyle,
        tag: Option<&Text>,
        start: Mark,
        depth: usize,
    ) -> Result<Self::Id, Stop>;
    fn push(&mut self, id: Self::Id);
    fn pending(&self) -> usize;
    /// A mapping (keys and values alternate) or sequence of the children pushed since `base`.
    fn collection(&mut self, map: bool, base: usize, start: Mark) -> Result<Self::Id, Stop>;
    /// A finished node's start (its anchor or tag when it has them) and tag.
    fn props(&mut self, id: &Self::Id, start: Mark, tag: Option<Text>);
    /// Records an anchored node, returning the index aliases refer to it by.
    fn anchor(&mut self, id: &Self::Id) -> Result<usize, Stop>;
    fn alias(&mut self, anchored: usize, start: Mark) -> Result<Self::Id, Stop>;
    fn start(&self, id: &Self::Id) -> Mark;
    /// Nodes and values built, for the linearity tests' work count.
    fn work(&self) -> u64;
}

#[derive(Clone, Copy)]
struct Peek {
    kind: Tk,
    start: Mark,
    end: Mark,
}

struct Parser<'a, S: Sink> {
    scanner: Scanner<'a>,
    depth: usize,
    sink: S,
    /// name -> Some(index) once defined, None while the anchored node is still being parsed.
    anchors: BTreeMap<&'a str, Option<usize>>,
}

type R<T> = Result<T, Stop>;

fn parser_error(problem: &str, problem_mark: Mark, context_mark: Mark) -> Stop {
    Stop::Failed(ParseFailure::Yaml(YamlError {
        scanner: false,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
    }))
}

/// Runs the parser over the first document of `source` into `sink`, returning the root and
/// the scanner's work.
fn run<S: Sink>(source: &str, sink: S) -> Result<(Option<S::Id>, S, u64), Stop> {
    let mut p = Parser {
        scanner: Scanner::new(source),
        depth: 0,
        sink,
        anchors: BTreeMap::new(),
    };
    let root = p.document()?;
    let steps = p.scanner.steps() + p.sink.work();
    Ok((root, p.sink, steps))
}

/// Parses the first document of `source`, which the tree keeps (scalars point into it).
pub fn parse_document(source: String) -> Result<Tree, ParseFailure> {
    let (root, sink, steps) = match run(&source, TreeSink::new(source.len())) {
        Ok(r) => r,
        Err(Stop::Failed(e)) => return Err(e),
        // The tree sink builds every document; this only keeps the match total.
        Err(Stop::NeedsTree) => return Err(ParseFailure::Bare("internal parser error".into())),
    };
    Ok(Tree {
        source,
        nodes: sink.nodes,
        children: sink.children,
        root,
        anchored: sink.anchored,
        steps,
    })
}

/// Parses the first document of `source` straight into the JSON `convert::to_json` would
/// make of its tree, with the work done; `Ok(None)` when the document needs the tree (an
/// anchor, an alias, a merge key, or a value the conversion refuses, whose error the tree
/// reports in its own order). Syntax errors are the tree parser's, token for token.
pub fn parse_json(source: &str) -> Result<Option<(Value, u64)>, ParseFailure> {
    match run(source, JsonSink::new(source)) {
        Ok((root, _, steps)) => Ok(Some((root.unwrap_or(Value::Null), steps))),
        Err(Stop::Failed(e)) => Err(e),
        Err(Stop::NeedsTree) => Ok(None),
    }
}

impl<'a, S: Sink> Parser<'a, S> {
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

    fn empty(&mut self, mark: Mark) -> R<S::Id> {
        self.sink
            .scalar(Text::default(), ScalarStyle::Plain, None, mark, self.depth)
    }

    fn document(&mut self) -> R<Option<S::Id>> {
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

    fn alias(&mut self) -> R<S::Id> {
        let t = self.next()?;
        let source = self.scanner.source();
        let name = t.text.as_str(source);
        match self.anchors.get(name) {
            Some(Some(i)) => self.sink.alias(*i, t.start),
            Some(None) => {
                Err(ParseFailure::Bare(format!("anchor '{name}' value contains itself")).into())
            }
            None => Err(ParseFailure::Bare(format!("unknown anchor '{name}' referenced")).into()),
        }
    }

    fn node(&mut self, block: bool, indentless: bool) -> R<S::Id> {
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
        let id = self.node_body(block, indentless, tok, start, has_props, tag.as_ref())?;
        self.sink.props(&id, start, tag);
        if let Some(a) = anchor {
            let index = self.sink.anchor(&id)?;
            self.anchors.insert(a, Some(index));
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
        tag: Option<&Text>,
    ) -> R<S::Id> {
        match tok.kind {
            Tk::BlockEntry if indentless => self.nested(|p| p.indentless_sequence(tok.start)),
            Tk::Scalar => {
                let t = self.next()?;
                self.sink.scalar(t.text, t.style, tag, t.start, self.depth)
            }
            Tk::FlowSequenceStart => self.nested(|p| p.flow_collection(false)),
            Tk::FlowMappingStart => self.nested(|p| p.flow_collection(true)),
            Tk::BlockSequenceStart if block => self.nested(|p| p.block_sequence()),
            Tk::BlockMappingStart if block => self.nested(|p| p.block_mapping()),
            _ if has_props => {
                let depth = self.depth;
                self.sink
                    .scalar(Text::default(), ScalarStyle::Plain, tag, tok.start, depth)
            }
            _ => Err(parser_error(
                "did not find expected node content",
                tok.start,
                start,
            )),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Parser<'a, S>) -> R<S::Id>) -> R<S::Id> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseFailure::Bare(format!("exceeded max depth of {MAX_DEPTH}")).into());
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
    ) -> R<S::Id> {
        let next = self.peek()?;
        if enders.contains(&next.kind) {
            self.empty(mark)
        } else {
            self.node(block, indentless)
        }
    }

    fn block_sequence(&mut self) -> R<S::Id> {
        let open = self.next()?;
        let base = self.sink.pending();
        loop {
            let tok = self.peek()?;
            match tok.kind {
                Tk::BlockEntry => {
                    self.next()?;
                    let item =
                        self.node_or_empty(&[Tk::BlockEntry, Tk::BlockEnd], tok.end, true, false)?;
                    self.sink.push(item);
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return self.sink.collection(false, base, open.start);
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

    fn indentless_sequence(&mut self, start: Mark) -> R<S::Id> {
        let base = self.sink.pending();
        loop {
            let tok = self.peek()?;
            if tok.kind != Tk::BlockEntry {
                return self.sink.collection(false, base, start);
            }
            self.next()?;
            let enders = [Tk::BlockEntry, Tk::Key, Tk::Value, Tk::BlockEnd];
            let item = self.node_or_empty(&enders, tok.end, true, false)?;
            self.sink.push(item);
        }
    }

    fn block_mapping(&mut self) -> R<S::Id> {
        let open = self.next()?;
        let base = self.sink.pending();
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
                        self.empty(vt.start)?
                    };
                    self.sink.push(key);
                    self.sink.push(value);
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return self.sink.collection(true, base, open.start);
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
    fn flow_collection(&mut self, map: bool) -> R<S::Id> {
        let (closer, problem) = if map {
            (Tk::FlowMappingEnd, "did not find expected ',' or '}'")
        } else {
            (Tk::FlowSequenceEnd, "did not find expected ',' or ']'")
        };
        let open = self.next()?;
        let base = self.sink.pending();
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
                return self.sink.collection(map, base, open.start);
            }
            if tok.kind == Tk::Key {
                self.next()?;
                let (key, value) = self.flow_pair(tok.end, closer)?;
                if map {
                    self.sink.push(key);
                    self.sink.push(value);
                } else {
                    let pair_base = self.sink.pending();
                    let key_start = self.sink.start(&key);
                    self.sink.push(key);
                    self.sink.push(value);
                    let pair = self.sink.collection(true, pair_base, key_start)?;
                    self.sink.push(pair);
                }
            } else {
                let item = self.node(false, false)?;
                self.sink.push(item);
                if map {
                    let at = self.peek()?.start;
                    let value = self.empty(at)?;
                    self.sink.push(value);
                }
            }
        }
    }

    /// Key (already past `?`/simple-key) and optional `: value` inside a flow collection.
    fn flow_pair(&mut self, mark: Mark, closer: Tk) -> R<(S::Id, S::Id)> {
        let key = self.node_or_empty(&[Tk::Value, Tk::FlowEntry, closer], mark, false, false)?;
        let vt = self.peek()?;
        let value = if vt.kind == Tk::Value {
            self.next()?;
            self.node_or_empty(&[Tk::FlowEntry, closer], vt.end, false, false)?
        } else {
            self.empty(vt.start)?
        };
        Ok((key, value))
    }
}

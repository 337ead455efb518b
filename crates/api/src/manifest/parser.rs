//! Builds a node tree from scanner tokens following libyaml's parser states (block/flow
//! sequences and mappings, indentless sequences, empty values), so structural mistakes fail
//! with go-yaml's problem text ("did not find expected key", "did not find expected '-'
//! indicator", ...). Only the first document of a chunk is read, as go-yaml's Unmarshal does.

use super::scanner::{Mark, ScalarStyle, Scanner, Tk, Token, TokenKind, YamlError};
use std::collections::BTreeMap;

/// Nesting deeper than this is refused (go-yaml has a far larger limit; a wasm stack does
/// not). Real manifests stay below 20.
pub const MAX_DEPTH: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Scalar(String, ScalarStyle),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// Index into `Tree::anchored`.
    Alias(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub tag: Option<String>,
    pub start: Mark,
    pub end: Mark,
}

/// A parsed document: its root (None for an empty document) and the anchored nodes aliases use.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    pub root: Option<Node>,
    pub anchored: Vec<Node>,
    pub anchor_names: Vec<String>,
}

#[derive(Clone, Copy)]
struct Peek {
    kind: Tk,
    start: Mark,
    end: Mark,
}

struct Parser {
    scanner: Scanner,
    depth: usize,
    anchored: Vec<Node>,
    anchor_names: Vec<String>,
    /// name -> Some(index) once defined, None while the anchored node is still being parsed.
    anchors: BTreeMap<String, Option<usize>>,
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

fn empty(mark: Mark, tag: Option<String>) -> Node {
    Node {
        value: NodeValue::Scalar(String::new(), ScalarStyle::Plain),
        tag,
        start: mark,
        end: mark,
    }
}

/// Parses the first document of `text`.
pub fn parse_document(text: &str) -> Result<Tree, ParseFailure> {
    let mut p = Parser {
        scanner: Scanner::new(text),
        depth: 0,
        anchored: Vec::new(),
        anchor_names: Vec::new(),
        anchors: BTreeMap::new(),
    };
    let root = p.document()?;
    Ok(Tree {
        root,
        anchored: p.anchored,
        anchor_names: p.anchor_names,
    })
}

impl Parser {
    /// The next token's kind and marks, without cloning its text.
    fn peek(&mut self) -> R<Peek> {
        match self.scanner.peek_token()? {
            Some(t) => Ok(Peek {
                kind: t.kind.tk(),
                start: t.start,
                end: t.end,
            }),
            None => Ok(Peek {
                kind: Tk::StreamEnd,
                start: Mark::default(),
                end: Mark::default(),
            }),
        }
    }
    fn next(&mut self) -> R<Token> {
        match self.scanner.next_token()? {
            Some(t) => Ok(t),
            None => Ok(Token {
                kind: TokenKind::StreamEnd,
                start: Mark::default(),
                end: Mark::default(),
            }),
        }
    }

    fn document(&mut self) -> R<Option<Node>> {
        let first = self.next()?;
        debug_assert_eq!(first.kind.tk(), Tk::StreamStart);
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

    fn node(&mut self, block: bool, indentless: bool) -> R<Node> {
        let mut tok = self.peek()?;
        if tok.kind == Tk::Alias {
            let t = self.next()?;
            let TokenKind::Alias(name) = t.kind else {
                return Err(parser_error(
                    "did not find expected node content",
                    t.start,
                    t.start,
                ));
            };
            return match self.anchors.get(&name) {
                Some(Some(i)) => Ok(Node {
                    value: NodeValue::Alias(*i),
                    tag: None,
                    start: t.start,
                    end: t.end,
                }),
                Some(None) => Err(ParseFailure::Bare(format!(
                    "anchor '{name}' value contains itself"
                ))),
                None => Err(ParseFailure::Bare(format!(
                    "unknown anchor '{name}' referenced"
                ))),
            };
        }
        let mut anchor = None;
        let mut tag = None;
        let start = tok.start;
        for _ in 0..2 {
            match tok.kind {
                Tk::Anchor if anchor.is_none() => {
                    if let TokenKind::Anchor(a) = self.next()?.kind {
                        anchor = Some(a);
                    }
                }
                Tk::Tag if tag.is_none() => {
                    if let TokenKind::Tag(t) = self.next()?.kind {
                        tag = Some(t);
                    }
                }
                _ => break,
            }
            tok = self.peek()?;
        }
        if let Some(a) = &anchor {
            self.anchors.insert(a.clone(), None);
        }
        let node = self.node_body(
            block,
            indentless,
            tok,
            start,
            anchor.is_some() || tag.is_some(),
            tag,
        )?;
        if let Some(a) = anchor {
            self.anchors.insert(a.clone(), Some(self.anchored.len()));
            self.anchored.push(node.clone());
            self.anchor_names.push(a);
        }
        Ok(node)
    }

    fn node_body(
        &mut self,
        block: bool,
        indentless: bool,
        tok: Peek,
        start: Mark,
        has_props: bool,
        tag: Option<String>,
    ) -> R<Node> {
        let mut node = match tok.kind {
            Tk::BlockEntry if indentless => self.nested(|p| p.indentless_sequence(tok.start))?,
            Tk::Scalar => {
                let t = self.next()?;
                let TokenKind::Scalar(v, style) = t.kind else {
                    return Err(parser_error(
                        "did not find expected node content",
                        t.start,
                        start,
                    ));
                };
                Node {
                    value: NodeValue::Scalar(v, style),
                    tag: None,
                    start: t.start,
                    end: t.end,
                }
            }
            Tk::FlowSequenceStart => self.nested(|p| p.flow_sequence())?,
            Tk::FlowMappingStart => self.nested(|p| p.flow_mapping())?,
            Tk::BlockSequenceStart if block => self.nested(|p| p.block_sequence())?,
            Tk::BlockMappingStart if block => self.nested(|p| p.block_mapping())?,
            _ if has_props => empty(tok.start, None),
            _ => {
                return Err(parser_error(
                    "did not find expected node content",
                    tok.start,
                    start,
                ))
            }
        };
        node.start = start;
        node.tag = tag;
        Ok(node)
    }

    fn nested(&mut self, f: impl FnOnce(&mut Parser) -> R<Node>) -> R<Node> {
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

    fn block_sequence(&mut self) -> R<Node> {
        let open = self.next()?;
        let mut items = Vec::new();
        loop {
            let tok = self.peek()?;
            match tok.kind {
                Tk::BlockEntry => {
                    self.next()?;
                    let t2 = self.peek()?;
                    if matches!(t2.kind, Tk::BlockEntry | Tk::BlockEnd) {
                        items.push(empty(tok.end, None));
                    } else {
                        items.push(self.node(true, false)?);
                    }
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return Ok(Node {
                        value: NodeValue::Seq(items),
                        tag: None,
                        start: open.start,
                        end: tok.end,
                    });
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

    fn indentless_sequence(&mut self, start: Mark) -> R<Node> {
        let mut items = Vec::new();
        loop {
            let tok = self.peek()?;
            if tok.kind != Tk::BlockEntry {
                return Ok(Node {
                    value: NodeValue::Seq(items),
                    tag: None,
                    start,
                    end: tok.start,
                });
            }
            self.next()?;
            let t2 = self.peek()?;
            if matches!(t2.kind, Tk::BlockEntry | Tk::Key | Tk::Value | Tk::BlockEnd) {
                items.push(empty(tok.end, None));
            } else {
                items.push(self.node(true, false)?);
            }
        }
    }

    fn block_mapping(&mut self) -> R<Node> {
        let open = self.next()?;
        let mut pairs = Vec::new();
        loop {
            let tok = self.peek()?;
            match tok.kind {
                Tk::Key => {
                    self.next()?;
                    let t2 = self.peek()?;
                    let key = if matches!(t2.kind, Tk::Key | Tk::Value | Tk::BlockEnd) {
                        empty(tok.end, None)
                    } else {
                        self.node(true, true)?
                    };
                    let vt = self.peek()?;
                    let value = if vt.kind == Tk::Value {
                        self.next()?;
                        let t3 = self.peek()?;
                        if matches!(t3.kind, Tk::Key | Tk::Value | Tk::BlockEnd) {
                            empty(vt.end, None)
                        } else {
                            self.node(true, true)?
                        }
                    } else {
                        empty(vt.start, None)
                    };
                    pairs.push((key, value));
                }
                Tk::BlockEnd => {
                    self.next()?;
                    return Ok(Node {
                        value: NodeValue::Map(pairs),
                        tag: None,
                        start: open.start,
                        end: tok.end,
                    });
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

    fn flow_sequence(&mut self) -> R<Node> {
        let open = self.next()?;
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let mut tok = self.peek()?;
            if tok.kind != Tk::FlowSequenceEnd && !first {
                if tok.kind != Tk::FlowEntry {
                    return Err(parser_error(
                        "did not find expected ',' or ']'",
                        tok.start,
                        open.start,
                    ));
                }
                self.next()?;
                tok = self.peek()?;
            }
            first = false;
            match tok.kind {
                Tk::FlowSequenceEnd => {
                    self.next()?;
                    return Ok(Node {
                        value: NodeValue::Seq(items),
                        tag: None,
                        start: open.start,
                        end: tok.end,
                    });
                }
                Tk::Key => {
                    self.next()?;
                    let pair = self.flow_pair(tok.end, Tk::FlowSequenceEnd)?;
                    let (s, e) = (pair.0.start, pair.1.end);
                    items.push(Node {
                        value: NodeValue::Map(vec![pair]),
                        tag: None,
                        start: s,
                        end: e,
                    });
                }
                _ => items.push(self.node(false, false)?),
            }
        }
    }

    /// Key (already past `?`/simple-key) and optional `: value` inside a flow collection.
    fn flow_pair(&mut self, mark: Mark, closer: Tk) -> R<(Node, Node)> {
        let t = self.peek()?;
        let key = if t.kind == Tk::Value || t.kind == Tk::FlowEntry || t.kind == closer {
            empty(mark, None)
        } else {
            self.node(false, false)?
        };
        let vt = self.peek()?;
        let value = if vt.kind == Tk::Value {
            self.next()?;
            let t3 = self.peek()?;
            if t3.kind == Tk::FlowEntry || t3.kind == closer {
                empty(vt.end, None)
            } else {
                self.node(false, false)?
            }
        } else {
            empty(vt.start, None)
        };
        Ok((key, value))
    }

    fn flow_mapping(&mut self) -> R<Node> {
        let open = self.next()?;
        let mut pairs = Vec::new();
        let mut first = true;
        loop {
            let mut tok = self.peek()?;
            if tok.kind != Tk::FlowMappingEnd && !first {
                if tok.kind != Tk::FlowEntry {
                    return Err(parser_error(
                        "did not find expected ',' or '}'",
                        tok.start,
                        open.start,
                    ));
                }
                self.next()?;
                tok = self.peek()?;
            }
            first = false;
            match tok.kind {
                Tk::FlowMappingEnd => {
                    self.next()?;
                    return Ok(Node {
                        value: NodeValue::Map(pairs),
                        tag: None,
                        start: open.start,
                        end: tok.end,
                    });
                }
                Tk::Key => {
                    self.next()?;
                    pairs.push(self.flow_pair(tok.end, Tk::FlowMappingEnd)?);
                }
                _ => {
                    let key = self.node(false, false)?;
                    let at = self.peek()?.start;
                    pairs.push((key, empty(at, None)));
                }
            }
        }
    }
}

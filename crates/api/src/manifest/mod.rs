//! Manifests as `kubectl apply -f` reads them: the file is cut into documents on `---` lines
//! (kubectl's YAMLReader, so go-yaml line numbers restart in every document), each document
//! is parsed into the JSON kubectl sends, and decoded strictly into `Object`s. `List`
//! documents are flattened into their items. A document in the block-YAML subset nearly
//! every manifest is written in is read by the fast reader (`block.rs`) into a compact tape
//! of nodes with positions (`tape.rs`), whose JSON is built only when a caller asks for it.
//! Any other document goes to the full libyaml-like scanner and parser, which builds its JSON
//! directly when it can (`json_sink.rs`) and through a node tree with a position on every
//! node otherwise (`tree.rs`); the tree of a document read without one is built when an error
//! asks where a field is. Both readers give the same values, errors and positions.
//!
//! Message layering (what callers print): for a syntax error kubectl prints
//! `error: error parsing <file>: <ManifestError.message>`; for decode errors see `decode`.

mod block;
pub mod convert;
mod json_sink;
pub mod parser;
mod reader;
pub mod scalars;
pub mod scanner;
mod tape;
pub mod token;
pub mod tree;

use crate::decode::DecodeError;
use crate::object::Object;
use parser::{Node, NodeValue, ParseFailure, Tree};
use serde_json::Value;
use std::sync::OnceLock;
use tape::Tape;

/// A 1-based line and column in the whole file, for the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A file-level failure that stops kubectl reading further documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// e.g. `error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context`
    /// or `invalid Yaml document separator: foo`. kubectl prefixes `error: error parsing <file>: `.
    pub message: String,
    /// Where the editor should point, when known.
    pub position: Option<Position>,
    /// 0-based index of the document (chunk) that failed.
    pub document: usize,
}

/// One `---`-separated document.
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based index among the chunks of the file.
    pub index: usize,
    /// 0-based file line of the chunk's first line.
    pub first_line: usize,
    /// The chunk's text: scalars of the tape point into it, positions are found in it.
    source: String,
    /// The fast reader's compact form, or None when the full parser read the document.
    tape: Option<Tape>,
    /// The JSON kubectl would send (Null for an empty document, which kubectl skips): built
    /// while parsing when the full parser read the document, otherwise on the first `json`.
    json: OnceLock<Value>,
    /// The full parser's node tree with positions, for a document without a tape: built
    /// while parsing when the document needed it, otherwise on the first `position_of`.
    tree: OnceLock<Box<Tree>>,
}

/// Two documents are equal when they were read from the same text: the JSON, tape and tree
/// are functions of it, whether or not they have been built yet.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
            && self.first_line == other.first_line
            && self.source == other.source
    }
}

/// One object of a document (the document itself, or one item of a `List`).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Field-path prefix inside the document: "" or `items[3].`.
    pub prefix: String,
    pub json: Value,
}

/// kubectl's YAMLReader: splits on lines that start with `---`, remembering each chunk's first
/// line. Chunks are found as ranges first so each is copied once, at its final size.
fn split_chunks(text: &str) -> Vec<Result<(usize, String), String>> {
    let mut out = Vec::new();
    // Byte range and first line of the chunk being gathered.
    let mut chunk: Option<(usize, usize, usize)> = None;
    let mut offset = 0;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += line.len();
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                out.push(Err(format!("invalid Yaml document separator: {trimmed}")));
                return out;
            }
            if let Some((start, end, first_line)) = chunk.take() {
                out.push(Ok((
                    first_line,
                    text.get(start..end).unwrap_or_default().to_string(),
                )));
            }
            continue;
        }
        match &mut chunk {
            Some((_, end, _)) => *end = offset,
            None => chunk = Some((line_start, offset, line_no)),
        }
    }
    if let Some((start, end, first_line)) = chunk {
        out.push(Ok((
            first_line,
            text.get(start..end).unwrap_or_default().to_string(),
        )));
    }
    out
}

/// go-yaml's reader rejects control characters before scanning anything.
fn has_control_characters(s: &str) -> bool {
    if s.is_ascii() {
        // The usual manifest, checked a byte at a time.
        return s
            .bytes()
            .any(|b| !(b == b'\t' || b == b'\n' || b == b'\r' || (0x20..=0x7E).contains(&b)));
    }
    s.chars().any(|c| {
        let u = c as u32;
        !(u == 0x9
            || u == 0xA
            || u == 0xD
            || (0x20..=0x7E).contains(&u)
            || u == 0x85
            || (0xA0..=0xD7FF).contains(&u)
            || (0xE000..=0xFFFD).contains(&u)
            || u >= 0x10000)
    })
}

/// Parses every document, stopping at the first syntax error as kubectl does (documents
/// before it are returned and still applied by kubectl).
pub fn parse(text: &str) -> Vec<Result<Document, ManifestError>> {
    parse_counting_steps(text).0
}

/// `parse` without the fast reader: every document through the full parser. The reference
/// the fast reader is tested against; callers use `parse`.
pub fn parse_full(text: &str) -> Vec<Result<Document, ManifestError>> {
    parse_with(text, false).0
}

/// `parse`, also returning the work it did (characters scanned, tokens, nodes, values
/// decoded): the number tests use to show reading a manifest stays linear in its size.
pub fn parse_counting_steps(text: &str) -> (Vec<Result<Document, ManifestError>>, u64) {
    parse_with(text, true)
}

fn parse_with(text: &str, fast: bool) -> (Vec<Result<Document, ManifestError>>, u64) {
    let mut out = Vec::new();
    let mut steps = 0u64;
    for (index, chunk) in split_chunks(text).into_iter().enumerate() {
        let (first_line, body) = match chunk {
            Ok(c) => c,
            Err(message) => {
                out.push(Err(ManifestError {
                    message,
                    position: None,
                    document: index,
                }));
                break;
            }
        };
        steps += body.len() as u64;
        match parse_chunk(&body, fast, &mut steps) {
            Ok(Read::Tape(tape)) => out.push(Ok(Document {
                index,
                first_line,
                source: body,
                tape: Some(tape),
                json: OnceLock::new(),
                tree: OnceLock::new(),
            })),
            Ok(Read::Full(tree, json)) => out.push(Ok(Document {
                index,
                first_line,
                source: body,
                tape: None,
                json: OnceLock::from(json),
                tree: tree
                    .map(|t| OnceLock::from(Box::new(t)))
                    .unwrap_or_default(),
            })),
            Err((message, pos)) => {
                let position = pos.map(|(l, c)| Position {
                    line: first_line + l + 1,
                    column: c + 1,
                });
                out.push(Err(ManifestError {
                    message,
                    position,
                    document: index,
                }));
                break;
            }
        }
    }
    (out, steps)
}

/// A chunk failure: message and 0-based (line, column) within the chunk.
type ChunkError = (String, Option<(usize, usize)>);

/// What reading a chunk made: the fast reader's tape, or the full parser's JSON and, when
/// reading needed one, its tree.
enum Read {
    Tape(Tape),
    Full(Option<Tree>, Value),
}

/// Reads one chunk (with the fast reader first when `fast`), adding the work done to `steps`.
fn parse_chunk(body: &str, fast: bool, steps: &mut u64) -> Result<Read, ChunkError> {
    if has_control_characters(body) {
        return Err((wrap("control characters are not allowed"), None));
    }
    if fast {
        match block::read(body) {
            Ok((tape, work)) => {
                *steps += work;
                return Ok(Read::Tape(tape));
            }
            Err(work) => *steps += work,
        }
    }
    if let Some((json, work)) = parser::parse_json(body).map_err(chunk_error)? {
        *steps += work;
        return Ok(Read::Full(None, json));
    }
    let tree = parser::parse_document(body.to_string()).map_err(chunk_error)?;
    *steps += tree.steps;
    let (json, decoded) = convert::to_json(&tree).map_err(|m| {
        if m.starts_with("json: ") {
            (format!("error converting YAML to JSON: {m}"), None)
        } else {
            (wrap(&m), None)
        }
    })?;
    *steps += decoded;
    Ok(Read::Full(Some(tree), json))
}

/// go-yaml's bare text as kubectl quotes it.
fn wrap(m: &str) -> String {
    format!("error converting YAML to JSON: yaml: {m}")
}

/// A syntax error as kubectl prints it, with where the editor should point.
fn chunk_error(failure: ParseFailure) -> ChunkError {
    match failure {
        ParseFailure::Yaml(e) => {
            // Point the editor at the construct that was left open (the key still waiting for
            // its ':', the quote never closed) rather than where the scanner gave up.
            let open_construct = matches!(
                e.problem.as_str(),
                "could not find expected ':'"
                    | "found unexpected end of stream"
                    | "found unexpected document indicator"
            );
            let mark = if open_construct {
                e.context_mark
            } else {
                e.problem_mark
            };
            (
                format!("error converting YAML to JSON: {}", e.go_message()),
                Some((mark.line as usize, mark.column as usize)),
            )
        }
        ParseFailure::Bare(m) => (wrap(&m), None),
    }
}

impl Document {
    /// The JSON kubectl sends for this document (Null for an empty one).
    pub fn json(&self) -> &Value {
        self.json.get_or_init(|| match &self.tape {
            Some(tape) => tape.to_json(&self.source),
            None => Value::Null,
        })
    }

    /// `json`, taken out of the document.
    pub fn into_json(self) -> Value {
        self.json();
        self.json.into_inner().unwrap_or_default()
    }

    /// Whether the fast reader read this document (the full parser read it otherwise).
    pub fn read_fast(&self) -> bool {
        self.tape.is_some()
    }

    /// kubectl skips documents that are empty or `null`.
    pub fn is_empty(&self) -> bool {
        match (&self.tape, self.json.get()) {
            (_, Some(json)) => json.is_null(),
            (Some(tape), None) => tape.is_null(&self.source),
            (None, None) => true,
        }
    }

    /// The objects in this document: itself, or the items of a `*List` kind.
    pub fn items(&self) -> Vec<Item> {
        self.item_values()
            .into_iter()
            .map(|(list_index, json)| Item {
                prefix: item_prefix(list_index),
                json: json.clone(),
            })
            .collect()
    }

    /// `items` without copying the objects: each one with its index in the `List` (None when
    /// the document is the object itself). `item_prefix` gives its field-path prefix.
    pub fn item_values(&self) -> Vec<(Option<usize>, &Value)> {
        let json = self.json();
        let kind = json.get("kind").and_then(Value::as_str).unwrap_or("");
        if let (true, Some(Value::Array(items))) = (kind.ends_with("List"), json.get("items")) {
            return items
                .iter()
                .enumerate()
                .map(|(i, v)| (Some(i), v))
                .collect();
        }
        vec![(None, json)]
    }

    /// Strictly decodes every item; errors carry paths relative to the item.
    pub fn decode(&self) -> Vec<Result<Object, DecodeError>> {
        self.item_values()
            .into_iter()
            .map(|(_, json)| Object::from_json_value(json))
            .collect()
    }

    /// The document's node tree, read again from its text the first time it is needed (the
    /// text parsed once already, so it parses again to the same tree).
    fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| {
            Box::new(parser::parse_document(self.source.clone()).unwrap_or_default())
        })
    }

    /// Where a field path (`spec.containers[0].image`, `metadata.labels[app]`) starts in the
    /// file. Falls back to the deepest existing ancestor, so an error about a missing field
    /// points at its parent.
    pub fn position_of(&self, path: &str) -> Option<Position> {
        if let Some(tape) = &self.tape {
            let node = tape.locate(&self.source, &split_path(path))?;
            let (line, column) = tape::line_column(node, &self.source);
            return Some(Position {
                line: self.first_line + line + 1,
                column: column + 1,
            });
        }
        let tree = self.tree();
        let root = tree.node(tree.root?)?;
        let node = locate(tree, root, &split_path(path));
        Some(Position {
            line: self.first_line + node.start.line as usize + 1,
            column: node.start.column as usize + 1,
        })
    }
}

/// The field-path prefix of an object in a document: "" for the document itself, `items[3].`
/// for an item of a `List`.
pub fn item_prefix(list_index: Option<usize>) -> String {
    list_index.map_or_else(String::new, |i| format!("items[{i}]."))
}

/// Splits `a.b[0].c[key.with.dots]` into segments.
fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                let inner: String = chars.by_ref().take_while(|&c| c != ']').collect();
                out.push(inner);
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Walks segments; a map step lands on the key node when it is the last segment (errors
/// about a field name point at the name), otherwise on the value.
fn locate<'a>(tree: &'a Tree, root: &'a Node, segments: &[String]) -> &'a Node {
    let mut node = root;
    for (i, seg) in segments.iter().enumerate() {
        let cur = tree.deref(node);
        let last = i + 1 == segments.len();
        match &cur.value {
            NodeValue::Map { first, len } => {
                let hit = tree.pairs(*first, *len).rev().find(
                    |(k, _)| matches!(&k.value, NodeValue::Scalar(s, _) if tree.text(s) == seg),
                );
                match hit {
                    Some((k, v)) => node = if last { k } else { v },
                    None => return node,
                }
            }
            NodeValue::Seq { first, len } => {
                let item = seg.parse::<usize>().ok().filter(|i| i < len);
                match item.and_then(|i| tree.items(*first + i, 1).next()) {
                    Some(item) => node = item,
                    None => return node,
                }
            }
            _ => return node,
        }
    }
    node
}

/// Go's `json.Marshal` text for a value (compact, HTML-escaped), as quoted in
/// `Object 'Kind' is missing in '...'`.
pub fn go_json(v: &Value) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

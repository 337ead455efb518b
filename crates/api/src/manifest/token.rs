//! The scanner's vocabulary: marks (positions), tokens, the text a token carries, and
//! libyaml's error record with the line rule go-yaml v2 applies when it prints one. Token text
//! is a byte range of the source whenever the value is the source verbatim (most scalars, every
//! anchor, alias and tag), so reading a manifest does not copy it a second time.

/// A position in one document chunk: char index, 0-based line and column (like libyaml).
/// 32 bits each: a wasm page cannot hold a 4 GiB manifest, and a smaller mark makes the
/// tokens the scanner queues and moves half as large.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub index: u32,
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A token's kind; its text, when it has one (scalar, alias, anchor, tag), is in `Token::text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tk {
    StreamStart,
    StreamEnd,
    Directive,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

/// The value of a scalar, anchor, alias or tag: the source bytes `start..end` verbatim, or a
/// string the scanner had to build (folded lines, escapes, block scalars).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Span(usize, usize),
    Owned(String),
}

impl Default for Text {
    fn default() -> Self {
        Text::Span(0, 0)
    }
}

impl Text {
    /// The text, given the source it was scanned from (a range outside it reads as empty).
    pub fn as_str<'s>(&'s self, source: &'s str) -> &'s str {
        match self {
            Text::Span(start, end) => source.get(*start..*end).unwrap_or(""),
            Text::Owned(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: Tk,
    /// Meaningful for `Tk::Scalar` only.
    pub style: ScalarStyle,
    pub text: Text,
    pub start: Mark,
    pub end: Mark,
}

impl Token {
    /// A token without text (indicators, structure).
    pub fn bare(kind: Tk, start: Mark, end: Mark) -> Token {
        Token {
            kind,
            style: ScalarStyle::Plain,
            text: Text::default(),
            start,
            end,
        }
    }
}

/// libyaml's error record; go-yaml only prints `problem` and one of the marks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub scanner: bool,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
}

impl YamlError {
    /// go-yaml v2 `parser.fail()`: scanner errors print problem line + 1, parser errors the
    /// 0-based problem line (so they name the line *before* the culprit), and nothing when 0.
    pub fn go_message(&self) -> String {
        let line = if self.problem_mark.line != 0 {
            self.problem_mark.line + u32::from(self.scanner)
        } else {
            self.context_mark.line
        };
        if line != 0 {
            format!("yaml: line {line}: {}", self.problem)
        } else {
            format!("yaml: {}", self.problem)
        }
    }
}

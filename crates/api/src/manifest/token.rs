//! The scanner's vocabulary: marks (positions), tokens, and libyaml's error record with the
//! line rule go-yaml v2 applies when it prints one.

/// A position in one document chunk: char index, 0-based line and column (like libyaml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
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
    Alias(String),
    Anchor(String),
    Tag(String),
    Scalar(String, ScalarStyle),
}

/// A token's kind without its payload, cheap to copy while the parser looks ahead.
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

impl TokenKind {
    pub fn tk(&self) -> Tk {
        match self {
            TokenKind::StreamStart => Tk::StreamStart,
            TokenKind::StreamEnd => Tk::StreamEnd,
            TokenKind::Directive => Tk::Directive,
            TokenKind::DocumentStart => Tk::DocumentStart,
            TokenKind::DocumentEnd => Tk::DocumentEnd,
            TokenKind::BlockSequenceStart => Tk::BlockSequenceStart,
            TokenKind::BlockMappingStart => Tk::BlockMappingStart,
            TokenKind::BlockEnd => Tk::BlockEnd,
            TokenKind::FlowSequenceStart => Tk::FlowSequenceStart,
            TokenKind::FlowSequenceEnd => Tk::FlowSequenceEnd,
            TokenKind::FlowMappingStart => Tk::FlowMappingStart,
            TokenKind::FlowMappingEnd => Tk::FlowMappingEnd,
            TokenKind::BlockEntry => Tk::BlockEntry,
            TokenKind::FlowEntry => Tk::FlowEntry,
            TokenKind::Key => Tk::Key,
            TokenKind::Value => Tk::Value,
            TokenKind::Alias(_) => Tk::Alias,
            TokenKind::Anchor(_) => Tk::Anchor,
            TokenKind::Tag(_) => Tk::Tag,
            TokenKind::Scalar(..) => Tk::Scalar,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    pub end: Mark,
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
            self.problem_mark.line + usize::from(self.scanner)
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

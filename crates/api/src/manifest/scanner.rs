//! A YAML tokenizer that follows libyaml's scanner (which go-yaml v2, and so kubectl, uses)
//! decision for decision: simple keys, the indentation stack and the "allowed here" flags are
//! what make learners' mistakes fail with go-yaml's exact problem text and mark. Only the
//! parts a Kubernetes manifest can exercise are kept; every loop advances the input or ends.

use std::collections::VecDeque;

pub use super::token::*;

#[derive(Clone, Copy, Debug, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

/// Deeper flow nesting than this is refused (stale-key checks are per level).
pub const MAX_FLOW_DEPTH: usize = 200;

pub struct Scanner {
    src: Vec<char>,
    pos: usize,
    mark: Mark,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    indent: i64,
    indents: Vec<i64>,
    simple_keys: Vec<SimpleKey>,
    simple_key_allowed: bool,
    flow_level: usize,
    stream_start_produced: bool,
    stream_end_produced: bool,
}

type R<T> = Result<T, YamlError>;

pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
pub(super) fn is_breakz(c: char) -> bool {
    is_break(c) || c == '\0'
}
pub(super) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}
pub(super) fn is_blankz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}

impl Scanner {
    pub fn new(text: &str) -> Scanner {
        Scanner {
            src: text.chars().collect(),
            pos: 0,
            mark: Mark::default(),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            indent: -1,
            indents: Vec::new(),
            simple_keys: Vec::new(),
            simple_key_allowed: false,
            flow_level: 0,
            stream_start_produced: false,
            stream_end_produced: false,
        }
    }

    fn ch(&self, k: usize) -> char {
        self.src.get(self.pos + k).copied().unwrap_or('\0')
    }
    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }
    fn skip(&mut self) {
        if let Some(c) = self.src.get(self.pos) {
            self.mark.index += 1;
            self.mark.column += 1;
            self.pos += 1;
            let _ = c;
        }
    }
    fn skip_line(&mut self) {
        if self.ch(0) == '\r' && self.ch(1) == '\n' {
            self.pos += 2;
            self.mark.index += 2;
        } else if is_break(self.ch(0)) {
            self.pos += 1;
            self.mark.index += 1;
        } else {
            return;
        }
        self.mark.column = 0;
        self.mark.line += 1;
    }
    /// Consumes a line break, returning it normalised the way libyaml does.
    fn read_line(&mut self) -> char {
        let c = self.ch(0);
        self.skip_line();
        match c {
            '\u{2028}' | '\u{2029}' => c,
            _ => '\n',
        }
    }

    fn scanner_error(&self, context_mark: Mark, problem: &str) -> YamlError {
        YamlError {
            scanner: true,
            problem: problem.to_string(),
            problem_mark: self.mark,
            context_mark,
        }
    }

    /// Returns the next token, or None after StreamEnd.
    pub fn next_token(&mut self) -> R<Option<Token>> {
        if self.stream_end_produced && self.tokens.is_empty() {
            return Ok(None);
        }
        self.fetch_more_tokens()?;
        let t = self.tokens.pop_front();
        if let Some(tok) = &t {
            self.tokens_parsed += 1;
            if tok.kind == TokenKind::StreamEnd {
                self.stream_end_produced = true;
            }
        }
        Ok(t)
    }

    /// Looks at the next token without consuming it.
    pub fn peek_token(&mut self) -> R<Option<&Token>> {
        if !(self.tokens.is_empty() && self.stream_end_produced) {
            self.fetch_more_tokens()?;
        }
        Ok(self.tokens.front())
    }

    fn fetch_more_tokens(&mut self) -> R<()> {
        loop {
            let mut need_more = self.tokens.is_empty();
            if !need_more {
                self.stale_simple_keys()?;
                need_more = self
                    .simple_keys
                    .iter()
                    .any(|k| k.possible && k.token_number == self.tokens_parsed);
            }
            if !need_more || self.stream_end_fetched() {
                return Ok(());
            }
            self.fetch_next_token()?;
        }
    }

    fn stream_end_fetched(&self) -> bool {
        self.tokens
            .back()
            .is_some_and(|t| t.kind == TokenKind::StreamEnd)
    }

    fn push(&mut self, kind: TokenKind, start: Mark) {
        self.tokens.push_back(Token {
            kind,
            start,
            end: self.mark,
        });
    }

    fn fetch_next_token(&mut self) -> R<()> {
        if !self.stream_start_produced {
            self.stream_start_produced = true;
            self.indent = -1;
            self.simple_key_allowed = true;
            self.simple_keys.push(SimpleKey::default());
            if self.ch(0) == '\u{feff}' {
                self.skip();
            }
            self.push(TokenKind::StreamStart, self.mark);
            return Ok(());
        }
        self.scan_to_next_token();
        self.stale_simple_keys()?;
        self.unroll_indent(self.mark.column as i64);
        if self.at_end() {
            return self.fetch_stream_end();
        }
        let c = self.ch(0);
        let col0 = self.mark.column == 0;
        if col0 && c == '%' {
            return self.fetch_directive();
        }
        if col0 && is_blankz(self.ch(3)) {
            let three: String = (0..3).map(|k| self.ch(k)).collect();
            if three == "---" {
                return self.fetch_document_indicator(TokenKind::DocumentStart);
            }
            if three == "..." {
                return self.fetch_document_indicator(TokenKind::DocumentEnd);
            }
        }
        match c {
            '[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            _ => {}
        }
        let next_blankz = is_blankz(self.ch(1));
        if c == '-' && next_blankz {
            return self.fetch_block_entry();
        }
        if c == '?' && (self.flow_level > 0 || next_blankz) {
            return self.fetch_key();
        }
        if c == ':' && (self.flow_level > 0 || next_blankz) {
            return self.fetch_value();
        }
        match c {
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            '\'' => return self.fetch_flow_scalar(true),
            '"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(c);
        if !(is_blankz(c) || indicator)
            || (c == '-' && !is_blank(self.ch(1)))
            || (self.flow_level == 0 && (c == '?' || c == ':') && !is_blankz(self.ch(1)))
        {
            return self.fetch_plain_scalar();
        }
        Err(self.scanner_error(self.mark, "found character that cannot start any token"))
    }

    fn scan_to_next_token(&mut self) {
        loop {
            if self.mark.column == 0 && self.ch(0) == '\u{feff}' {
                self.skip();
            }
            while self.ch(0) == ' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.ch(0) == '\t')
            {
                self.skip();
            }
            if self.ch(0) == '#' {
                while !is_breakz(self.ch(0)) {
                    self.skip();
                }
            }
            if is_break(self.ch(0)) {
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    fn stale_simple_keys(&mut self) -> R<()> {
        let mark = self.mark;
        for i in 0..self.simple_keys.len() {
            let k = self.simple_keys[i];
            if k.possible && (k.mark.line < mark.line || k.mark.index + 1024 < mark.index) {
                if k.required {
                    return Err(self.scanner_error(k.mark, "could not find expected ':'"));
                }
                self.simple_keys[i].possible = false;
            }
        }
        Ok(())
    }

    fn save_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as i64;
        if self.simple_key_allowed {
            self.remove_simple_key()?;
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            if let Some(top) = self.simple_keys.last_mut() {
                *top = key;
            }
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> R<()> {
        if let Some(k) = self.simple_keys.last().copied() {
            if k.possible && k.required {
                return Err(self.scanner_error(k.mark, "could not find expected ':'"));
            }
        }
        if let Some(top) = self.simple_keys.last_mut() {
            top.possible = false;
        }
        Ok(())
    }

    fn roll_indent(&mut self, column: i64, number: Option<usize>, kind: TokenKind, mark: Mark) {
        if self.flow_level > 0 || self.indent >= column {
            return;
        }
        self.indents.push(self.indent);
        self.indent = column;
        let tok = Token {
            kind,
            start: mark,
            end: mark,
        };
        match number {
            Some(n) => {
                let at = n.saturating_sub(self.tokens_parsed).min(self.tokens.len());
                self.tokens.insert(at, tok);
            }
            None => self.tokens.push_back(tok),
        }
    }

    fn unroll_indent(&mut self, column: i64) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.push(TokenKind::BlockEnd, self.mark);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_end(&mut self) -> R<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push(TokenKind::StreamEnd, self.mark);
        Ok(())
    }

    fn fetch_directive(&mut self) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        while !is_breakz(self.ch(0)) {
            self.skip();
        }
        self.push(TokenKind::Directive, start);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        for _ in 0..3 {
            self.skip();
        }
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> R<()> {
        self.save_simple_key()?;
        if self.flow_level >= MAX_FLOW_DEPTH {
            return Err(self.scanner_error(self.mark, "exceeded max depth of 200"));
        }
        self.simple_keys.push(SimpleKey::default());
        self.flow_level += 1;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> R<()> {
        self.remove_simple_key()?;
        if self.flow_level > 0 {
            self.flow_level -= 1;
            self.simple_keys.pop();
        }
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::FlowEntry, start);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.scanner_error(
                    self.mark,
                    "block sequence entries are not allowed in this context",
                ));
            }
            self.roll_indent(
                self.mark.column as i64,
                None,
                TokenKind::BlockSequenceStart,
                self.mark,
            );
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::BlockEntry, start);
        Ok(())
    }

    fn fetch_key(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(
                    self.scanner_error(self.mark, "mapping keys are not allowed in this context")
                );
            }
            self.roll_indent(
                self.mark.column as i64,
                None,
                TokenKind::BlockMappingStart,
                self.mark,
            );
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::Key, start);
        Ok(())
    }

    fn fetch_value(&mut self) -> R<()> {
        let key = self.simple_keys.last().copied().unwrap_or_default();
        if key.possible {
            let at = key
                .token_number
                .saturating_sub(self.tokens_parsed)
                .min(self.tokens.len());
            self.tokens.insert(
                at,
                Token {
                    kind: TokenKind::Key,
                    start: key.mark,
                    end: key.mark,
                },
            );
            self.roll_indent(
                key.mark.column as i64,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            );
            if let Some(top) = self.simple_keys.last_mut() {
                top.possible = false;
            }
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(self.scanner_error(
                        self.mark,
                        "mapping values are not allowed in this context",
                    ));
                }
                self.roll_indent(
                    self.mark.column as i64,
                    None,
                    TokenKind::BlockMappingStart,
                    self.mark,
                );
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        self.push(TokenKind::Value, start);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let mut name = String::new();
        while self.ch(0).is_ascii_alphanumeric() || self.ch(0) == '_' || self.ch(0) == '-' {
            name.push(self.ch(0));
            self.skip();
        }
        let c = self.ch(0);
        if name.is_empty() || !(is_blankz(c) || "?:,]}%@`".contains(c)) {
            let _ = if alias {
                "while scanning an alias"
            } else {
                "while scanning an anchor"
            };
            return Err(self.scanner_error(
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        self.push(
            if alias {
                TokenKind::Alias(name)
            } else {
                TokenKind::Anchor(name)
            },
            start,
        );
        Ok(())
    }

    fn fetch_tag(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let mut tag = String::new();
        let ends_tag = |c: char, flow: bool| is_blankz(c) || (flow && ",[]{}".contains(c));
        while !ends_tag(self.ch(0), self.flow_level > 0) {
            tag.push(self.ch(0));
            self.skip();
        }
        self.push(TokenKind::Tag(tag), start);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        let (value, end) = super::scalars::scan_block_scalar(self, literal, start)?;
        self.tokens.push_back(Token {
            kind: TokenKind::Scalar(
                value,
                if literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                },
            ),
            start,
            end,
        });
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let value = super::scalars::scan_quoted_scalar(self, single, start)?;
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        self.push(TokenKind::Scalar(value, style), start);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let (value, end, leading_blanks) = super::scalars::scan_plain_scalar(self, start)?;
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        self.tokens.push_back(Token {
            kind: TokenKind::Scalar(value, ScalarStyle::Plain),
            start,
            end,
        });
        Ok(())
    }
}

/// Character-level access the scalar scanners in `scalars.rs` need.
impl Scanner {
    pub(super) fn c(&self, k: usize) -> char {
        self.ch(k)
    }
    pub(super) fn advance(&mut self) {
        self.skip()
    }
    pub(super) fn line_break(&mut self) -> char {
        self.read_line()
    }
    pub(super) fn mark(&self) -> Mark {
        self.mark
    }
    pub(super) fn indent(&self) -> i64 {
        self.indent
    }
    pub(super) fn flow_level(&self) -> usize {
        self.flow_level
    }
    pub(super) fn error_at(&self, context_mark: Mark, problem: &str) -> YamlError {
        self.scanner_error(context_mark, problem)
    }
}

pub(super) use {is_blank as blank, is_blankz as blankz, is_break as brk, is_breakz as breakz};

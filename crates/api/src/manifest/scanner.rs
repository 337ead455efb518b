//! A YAML tokenizer that follows libyaml's scanner (which go-yaml v2, and so kubectl, uses)
//! decision for decision: simple keys, the indentation stack and the "allowed here" flags are
//! what make learners' mistakes fail with go-yaml's exact problem text and mark. Only the
//! parts a Kubernetes manifest can exercise are kept; every loop advances the input or ends.
//! It reads the source in place (`reader.rs`, which also skips runs of ordinary ASCII a byte
//! at a time) and hands out text as source ranges, so a manifest is scanned in time and
//! memory linear in its size. This file holds the token queue, simple keys, indentation and
//! the dispatch on the next character; the indicator tokens are in `scanner/indicators.rs`,
//! the scalars in `scalars.rs`.

use std::collections::VecDeque;

mod indicators;

use super::reader::{is_blank, is_blankz, is_break, Reader};
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

pub struct Scanner<'a> {
    r: Reader<'a>,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    indent: i64,
    indents: Vec<i64>,
    simple_keys: Vec<SimpleKey>,
    simple_key_allowed: bool,
    flow_level: usize,
    stream_start_produced: bool,
    stream_end_produced: bool,
    /// The head of the queue is final until it is taken (libyaml's `token_available`):
    /// fetching again before then would change nothing, so `peek_token` skips it.
    token_available: bool,
}

type R<T> = Result<T, YamlError>;

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            r: Reader::new(text),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            indent: -1,
            indents: Vec::new(),
            simple_keys: Vec::new(),
            simple_key_allowed: false,
            flow_level: 0,
            stream_start_produced: false,
            stream_end_produced: false,
            token_available: false,
        }
    }

    /// The text being scanned (token `Text::Span`s index into it).
    pub fn source(&self) -> &'a str {
        self.r.source()
    }

    /// Work done so far: characters consumed, tokens queued and moved, simple keys checked.
    pub fn steps(&self) -> u64 {
        self.r.steps()
    }

    fn ch(&self, k: usize) -> char {
        self.r.ch(k)
    }
    fn skip(&mut self) {
        self.r.skip()
    }
    fn mark(&self) -> Mark {
        self.r.mark()
    }
    fn column(&self) -> i64 {
        self.r.mark().column as i64
    }

    /// Returns the next token, or None after StreamEnd.
    pub fn next_token(&mut self) -> R<Option<Token>> {
        if self.stream_end_produced && self.tokens.is_empty() {
            return Ok(None);
        }
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        self.token_available = false;
        let t = self.tokens.pop_front();
        if let Some(tok) = &t {
            self.tokens_parsed += 1;
            if tok.kind == Tk::StreamEnd {
                self.stream_end_produced = true;
            }
        }
        Ok(t)
    }

    /// Looks at the next token without consuming it.
    pub fn peek_token(&mut self) -> R<Option<&Token>> {
        let finished = self.tokens.is_empty() && self.stream_end_produced;
        if !(self.token_available || finished) {
            self.fetch_more_tokens()?;
            self.token_available = true;
        }
        Ok(self.tokens.front())
    }

    fn fetch_more_tokens(&mut self) -> R<()> {
        loop {
            let mut need_more = self.tokens.is_empty();
            if !need_more {
                self.stale_simple_keys()?;
                let parsed = self.tokens_parsed;
                need_more = self
                    .simple_keys
                    .iter()
                    .any(|k| k.possible && k.token_number == parsed);
            }
            if !need_more || self.stream_end_fetched() {
                return Ok(());
            }
            self.fetch_next_token()?;
        }
    }

    fn stream_end_fetched(&self) -> bool {
        self.tokens.back().is_some_and(|t| t.kind == Tk::StreamEnd)
    }

    fn push(&mut self, kind: Tk, start: Mark) {
        self.r.count(1);
        self.tokens.push_back(Token::bare(kind, start, self.mark()));
    }

    /// Queues a token at queue position `at` (a simple key's KEY or the block start before
    /// it); the tokens it shifts count as work.
    fn insert(&mut self, at: usize, tok: Token) {
        let at = at.min(self.tokens.len());
        self.r.count(1 + self.tokens.len() - at);
        self.tokens.insert(at, tok);
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
            self.push(Tk::StreamStart, self.mark());
            return Ok(());
        }
        self.scan_to_next_token();
        self.stale_simple_keys()?;
        self.unroll_indent(self.column());
        if self.r.at_end() {
            return self.fetch_stream_end();
        }
        let c = self.ch(0);
        let col0 = self.mark().column == 0;
        if col0 && c == '%' {
            return self.fetch_directive();
        }
        if col0 && is_blankz(self.ch(3)) && self.ch(1) == c && self.ch(2) == c {
            if c == '-' {
                return self.fetch_document_indicator(Tk::DocumentStart);
            }
            if c == '.' {
                return self.fetch_document_indicator(Tk::DocumentEnd);
            }
        }
        match c {
            '[' => return self.fetch_flow_collection_start(Tk::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(Tk::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(Tk::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(Tk::FlowMappingEnd),
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
            '*' => return self.fetch_anchor(Tk::Alias),
            '&' => return self.fetch_anchor(Tk::Anchor),
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
        Err(self
            .r
            .error(self.mark(), "found character that cannot start any token"))
    }

    fn scan_to_next_token(&mut self) {
        loop {
            if self.mark().column == 0 && self.ch(0) == '\u{feff}' {
                self.skip();
            }
            let tabs = self.flow_level > 0 || !self.simple_key_allowed;
            self.r
                .skip_ascii_while(|b| b == b' ' || (tabs && b == b'\t'));
            if self.ch(0) == '#' {
                self.r.skip_to_break();
            }
            if is_break(self.ch(0)) {
                self.r.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    fn stale_simple_keys(&mut self) -> R<()> {
        let mark = self.mark();
        self.r.count(self.simple_keys.len());
        for i in 0..self.simple_keys.len() {
            let k = self.simple_keys[i];
            let far = u64::from(k.mark.index) + 1024 < u64::from(mark.index);
            if k.possible && (k.mark.line < mark.line || far) {
                if k.required {
                    return Err(self.r.error(k.mark, "could not find expected ':'"));
                }
                self.simple_keys[i].possible = false;
            }
        }
        Ok(())
    }

    fn save_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.column();
        if self.simple_key_allowed {
            self.remove_simple_key()?;
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark(),
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
                return Err(self.r.error(k.mark, "could not find expected ':'"));
            }
        }
        if let Some(top) = self.simple_keys.last_mut() {
            top.possible = false;
        }
        Ok(())
    }

    fn roll_indent(&mut self, column: i64, number: Option<usize>, kind: Tk, mark: Mark) {
        if self.flow_level > 0 || self.indent >= column {
            return;
        }
        self.indents.push(self.indent);
        self.indent = column;
        let tok = Token::bare(kind, mark, mark);
        match number {
            Some(n) => self.insert(n.saturating_sub(self.tokens_parsed), tok),
            None => {
                self.r.count(1);
                self.tokens.push_back(tok);
            }
        }
    }

    fn unroll_indent(&mut self, column: i64) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.push(Tk::BlockEnd, self.mark());
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn push_text(&mut self, kind: Tk, style: ScalarStyle, text: Text, start: Mark) {
        self.push_token(kind, style, text, start, self.mark());
    }

    fn push_token(&mut self, kind: Tk, style: ScalarStyle, text: Text, start: Mark, end: Mark) {
        self.r.count(1);
        self.tokens.push_back(Token {
            kind,
            style,
            text,
            start,
            end,
        });
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark();
        let (value, end) =
            super::scalars::scan_block_scalar(&mut self.r, self.indent, literal, start)?;
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.push_token(Tk::Scalar, style, value, start, end);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        let value = super::scalars::scan_quoted_scalar(&mut self.r, single, start)?;
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        self.push_text(Tk::Scalar, style, value, start);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark();
        let (value, end, leading_blanks) =
            super::scalars::scan_plain_scalar(&mut self.r, self.indent, self.flow_level, start)?;
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        self.push_token(Tk::Scalar, ScalarStyle::Plain, value, start, end);
        Ok(())
    }
}

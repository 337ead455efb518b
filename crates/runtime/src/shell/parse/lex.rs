//! The lexer half of the parser: operators, words with their quoting, `$` expansions,
//! backticks, here-document bodies and comments. Kept apart from the grammar so each stays
//! readable; it works on the same `Parser` cursor so `$(...)` can recurse into the grammar.

use super::{ParseError, Parser, Tok, MAX_DEPTH, OPS};
use crate::shell::ast::*;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Word,
    Double,
    Brace,
    Arith,
    HereDoc,
}

pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic()) && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The text of a word made only of unquoted literals.
pub fn plain_text(parts: &[Part]) -> Option<String> {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Lit(t) => s.push_str(t),
            _ => return None,
        }
    }
    Some(s)
}

pub fn is_plain(parts: &[Part], w: &str) -> bool {
    plain_text(parts).is_some_and(|s| s == w)
}

/// The literal text of a word, quotes removed, expansions dropped (here-doc delimiters).
pub fn word_text(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
            Part::Double(inner) => s.push_str(&word_text(inner)),
            _ => {}
        }
    }
    s
}

/// `NAME=value` at the start of a word: the name and the value's parts.
pub fn split_assignment(parts: &[Part], raw: &str) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = parts.first() else { return None };
    let eq = first.find('=')?;
    let name = &first[..eq];
    if !is_name(name) || !raw.starts_with(name) {
        return None;
    }
    let mut value = Vec::new();
    if eq + 1 < first.len() {
        value.push(Part::Lit(first[eq + 1..].to_string()));
    }
    value.extend(parts[1..].iter().cloned());
    Some((name.to_string(), value))
}

fn push_lit(parts: &mut Vec<Part>, c: char) {
    if let Some(Part::Lit(s)) = parts.last_mut() {
        s.push(c);
    } else {
        parts.push(Part::Lit(c.to_string()));
    }
}

fn push_quoted(parts: &mut Vec<Part>, c: char) {
    if let Some(Part::Quoted(s)) = parts.last_mut() {
        s.push(c);
    } else {
        parts.push(Part::Quoted(c.to_string()));
    }
}

impl<'s> Parser<'s> {
    fn ch(&self) -> Option<char> {
        self.src.get(self.pos).copied()
    }

    fn ch_at(&self, off: usize) -> Option<char> {
        self.src.get(self.pos + off).copied()
    }

    fn newline_consumed(&mut self) {
        self.line += 1;
        if let Some((nl, resume)) = self.heredoc_skip {
            if self.pos == nl + 1 {
                self.pos = resume;
                self.heredoc_skip = None;
            }
        }
    }

    pub(super) fn lex(&mut self) -> Result<Tok, ParseError> {
        loop {
            match self.ch() {
                Some(' ') | Some('\t') | Some('\r') => self.pos += 1,
                Some('\\') if self.ch_at(1) == Some('\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                Some('#') => {
                    while self.ch().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(c) = self.ch() else { return Ok(Tok::Eof) };
        if c == '\n' {
            self.pos += 1;
            self.newline_consumed();
            return Ok(Tok::Newline);
        }
        for op in OPS {
            let len = op.chars().count();
            if self.src.len() >= self.pos + len && self.src[self.pos..self.pos + len].iter().copied().eq(op.chars()) {
                self.pos += len;
                return Ok(Tok::Op(op));
            }
        }
        let start = self.pos;
        let parts = self.parts(Mode::Word)?;
        let raw: String = self.src[start..self.pos].iter().collect();
        Ok(Tok::Word(parts, raw))
    }

    fn parts(&mut self, mode: Mode) -> Result<Vec<Part>, ParseError> {
        let mut parts = Vec::new();
        let mut paren_depth = 0u32;
        loop {
            let Some(c) = self.ch() else {
                return match mode {
                    Mode::Word | Mode::HereDoc => Ok(parts),
                    Mode::Double => Err(ParseError::Incomplete { expecting: Some("\"".into()), line: self.line }),
                    Mode::Brace => Err(ParseError::Incomplete { expecting: Some("}".into()), line: self.line }),
                    Mode::Arith => Err(ParseError::Incomplete { expecting: Some("))".into()), line: self.line }),
                };
            };
            match (mode, c) {
                (Mode::Word, ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>') => return Ok(parts),
                (Mode::Double, '"') => {
                    self.pos += 1;
                    return Ok(parts);
                }
                (Mode::Brace, '}') => {
                    self.pos += 1;
                    return Ok(parts);
                }
                (Mode::Arith, '(') => {
                    paren_depth += 1;
                    self.pos += 1;
                    push_lit(&mut parts, c);
                }
                (Mode::Arith, ')') if paren_depth > 0 => {
                    paren_depth -= 1;
                    self.pos += 1;
                    push_lit(&mut parts, c);
                }
                (Mode::Arith, ')') => {
                    if self.ch_at(1) != Some(')') {
                        return Err(ParseError::Unexpected { token: ")".into(), line: self.line });
                    }
                    self.pos += 2;
                    return Ok(parts);
                }
                (_, '\\') => self.backslash(mode, &mut parts),
                (Mode::Word | Mode::Brace, '\'') => {
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.ch() {
                            None => return Err(ParseError::Incomplete { expecting: Some("'".into()), line: self.line }),
                            Some('\'') => break,
                            Some(ch) => {
                                if ch == '\n' {
                                    self.line += 1;
                                }
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    self.pos += 1;
                    parts.push(Part::Quoted(s));
                }
                (Mode::Word | Mode::Brace, '"') => {
                    self.pos += 1;
                    let inner = self.parts(Mode::Double)?;
                    parts.push(Part::Double(inner));
                }
                (_, '$') => self.dollar(&mut parts)?,
                (_, '`') => self.backtick(&mut parts)?,
                _ => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    self.pos += 1;
                    push_lit(&mut parts, c);
                }
            }
        }
    }

    fn backslash(&mut self, mode: Mode, parts: &mut Vec<Part>) {
        let next = self.ch_at(1);
        self.pos += 1;
        let Some(n) = next else {
            push_lit(parts, '\\');
            return;
        };
        if n == '\n' {
            self.pos += 1;
            self.line += 1;
            return;
        }
        let escapable = match mode {
            Mode::Word | Mode::Brace => true,
            _ => matches!(n, '$' | '`' | '"' | '\\'),
        };
        if escapable && !(mode == Mode::HereDoc && n == '"') {
            self.pos += 1;
            push_quoted(parts, n);
        } else {
            push_quoted(parts, '\\');
        }
    }

    fn dollar(&mut self, parts: &mut Vec<Part>) -> Result<(), ParseError> {
        let next = self.ch_at(1);
        match next {
            Some('(') if self.ch_at(2) == Some('(') => {
                self.pos += 3;
                let inner = self.parts(Mode::Arith)?;
                parts.push(Part::Arith(inner));
            }
            Some('(') => {
                self.pos += 2;
                let list = self.sub_parse()?;
                parts.push(Part::Subst(Arc::new(list)));
            }
            Some('{') => {
                self.pos += 2;
                parts.push(self.brace_param()?);
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.ch().filter(|c| *c == '_' || c.is_ascii_alphanumeric()) {
                    name.push(c);
                    self.pos += 1;
                }
                parts.push(Part::Var(name));
            }
            Some(c) if c.is_ascii_digit() || "?$#@*!-".contains(c) => {
                self.pos += 2;
                parts.push(Part::Var(c.to_string()));
            }
            _ => {
                self.pos += 1;
                push_lit(parts, '$');
            }
        }
        Ok(())
    }

    /// `$( ... )`: parse a nested list from the cursor up to its `)`.
    fn sub_parse(&mut self) -> Result<List, ParseError> {
        if self.depth + 1 > MAX_DEPTH {
            return Err(ParseError::Unexpected { token: "(nesting too deep)".into(), line: self.line });
        }
        let mut sub = Parser::new(self.src, self.pos, self.depth + 1);
        sub.line = self.line;
        let list = sub.list(&[])?;
        match sub.next()? {
            Tok::Op(")") => {}
            Tok::Eof => return Err(ParseError::Incomplete { expecting: Some(")".into()), line: sub.line }),
            t => return Err(sub.unexpected(t)),
        }
        self.pos = sub.pos;
        self.line = sub.line;
        Ok(list)
    }

    fn backtick(&mut self, parts: &mut Vec<Part>) -> Result<(), ParseError> {
        self.pos += 1;
        let mut inner = String::new();
        loop {
            match self.ch() {
                None => return Err(ParseError::Incomplete { expecting: Some("`".into()), line: self.line }),
                Some('`') => break,
                Some('\\') if matches!(self.ch_at(1), Some('`' | '\\' | '$')) => {
                    inner.push(self.ch_at(1).unwrap_or('\\'));
                    self.pos += 2;
                }
                Some(c) => {
                    inner.push(c);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        if self.depth + 1 > MAX_DEPTH {
            return Err(ParseError::Unexpected { token: "(nesting too deep)".into(), line: self.line });
        }
        let chars: Vec<char> = inner.chars().collect();
        let mut sub = Parser::new(&chars, 0, self.depth + 1);
        let list = sub.list(&[])?;
        match sub.next()? {
            Tok::Eof => {}
            t => return Err(sub.unexpected(t)),
        }
        parts.push(Part::Subst(Arc::new(list)));
        Ok(())
    }

    fn brace_param(&mut self) -> Result<Part, ParseError> {
        let mut name = String::new();
        let length = self.ch() == Some('#') && self.ch_at(1).is_some_and(|c| c != '}');
        if length {
            self.pos += 1;
        }
        while let Some(c) = self.ch() {
            let special = name.is_empty() && "?$#@*!-".contains(c);
            if c == '_' || c.is_ascii_alphanumeric() || special {
                name.push(c);
                self.pos += 1;
                if special {
                    break;
                }
            } else {
                break;
            }
        }
        if name.is_empty() {
            return Err(ParseError::Unexpected { token: "${".into(), line: self.line });
        }
        if length {
            if self.ch() != Some('}') {
                return Err(ParseError::Unexpected { token: "${".into(), line: self.line });
            }
            self.pos += 1;
            return Ok(Part::Param { name, op: "#len".into(), word: Vec::new() });
        }
        let mut op = String::new();
        for cand in [":-", ":=", ":+", ":?", "##", "%%", "-", "=", "+", "?", "#", "%"] {
            let len = cand.len();
            if self.src.len() >= self.pos + len && self.src[self.pos..self.pos + len].iter().copied().eq(cand.chars()) {
                op = cand.to_string();
                self.pos += len;
                break;
            }
        }
        if op.is_empty() {
            if self.ch() != Some('}') {
                return Err(ParseError::Unexpected { token: "${".into(), line: self.line });
            }
            self.pos += 1;
            return Ok(Part::Var(name));
        }
        let word = self.parts(Mode::Brace)?;
        Ok(Part::Param { name, op, word })
    }

    /// Read a here-document body that starts on the line after the current one.
    pub(super) fn read_heredoc(&mut self, target: &[Part]) -> Result<Word, ParseError> {
        let delim = word_text(target);
        let quoted = target.iter().any(|p| !matches!(p, Part::Lit(_)));
        let (nl, mut at) = match self.heredoc_skip {
            Some((nl, resume)) => (nl, resume),
            None => {
                let mut nl = self.pos;
                while nl < self.src.len() && self.src[nl] != '\n' {
                    nl += 1;
                }
                (nl, nl + 1)
            }
        };
        let mut body = String::new();
        while at < self.src.len() {
            let mut end = at;
            while end < self.src.len() && self.src[end] != '\n' {
                end += 1;
            }
            let line: String = self.src[at..end].iter().collect();
            at = end + 1;
            if line == delim {
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        self.heredoc_skip = Some((nl, at.min(self.src.len())));
        if quoted {
            return Ok(vec![Part::Quoted(body)]);
        }
        let chars: Vec<char> = body.chars().collect();
        let mut sub = Parser::new(&chars, 0, self.depth + 1);
        let parts = sub.parts(Mode::HereDoc)?;
        Ok(vec![Part::Double(parts)])
    }
}

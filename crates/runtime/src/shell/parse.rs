//! The shell parser: source text to `ast::List`, recursive descent over a character cursor.
//! Words are lexed with their quoting kept (so expansion can split and glob correctly);
//! `$(...)` is parsed recursively from the same cursor. Errors name the offending token the
//! way the shells do; `ParseError::Incomplete` lets the interactive shell ask for more input.

use super::ast::*;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub enum ParseError {
    /// An unexpected token ("fi", ")", ";;", ...), at `line`.
    Unexpected { token: String, line: u32 },
    /// Input ended inside a construct; `expecting` is the missing keyword, if any.
    Incomplete { expecting: Option<String>, line: u32 },
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(Word, String),
    Op(&'static str),
    Newline,
    Eof,
}

const OPS: [&str; 14] = [";;", "&&", "||", ">>", ">&", "<&", "<<", ";", "&", "|", "(", ")", "<", ">"];
const RESERVED: [&str; 15] =
    ["if", "then", "elif", "else", "fi", "do", "done", "while", "until", "for", "in", "case", "esac", "{", "}"];
/// Nesting bound: deeper input is rejected instead of overflowing the stack.
const MAX_DEPTH: u32 = 64;

pub struct Parser<'s> {
    src: &'s [char],
    pos: usize,
    line: u32,
    peeked: Option<(Tok, usize, u32)>,
    /// A here-document body was read ahead: at the newline `.0`, continue at `.1`.
    heredoc_skip: Option<(usize, usize)>,
    depth: u32,
}

/// Parse a whole script.
pub fn parse_script(src: &str) -> Result<List, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut p = Parser::new(&chars, 0, 0);
    let list = p.list(&[])?;
    match p.next()? {
        Tok::Eof => Ok(list),
        t => Err(p.unexpected(t)),
    }
}

impl<'s> Parser<'s> {
    fn new(src: &'s [char], pos: usize, depth: u32) -> Self {
        Parser { src, pos, line: 1, peeked: None, heredoc_skip: None, depth }
    }

    fn unexpected(&self, t: Tok) -> ParseError {
        match t {
            Tok::Eof => ParseError::Incomplete { expecting: None, line: self.line },
            Tok::Newline => ParseError::Unexpected { token: "newline".into(), line: self.line },
            Tok::Op(o) => ParseError::Unexpected { token: o.into(), line: self.line },
            Tok::Word(_, raw) => ParseError::Unexpected { token: raw, line: self.line },
        }
    }

    fn peek(&mut self) -> Result<Tok, ParseError> {
        if self.peeked.is_none() {
            let start = self.pos;
            let line = self.line;
            let t = self.lex()?;
            self.peeked = Some((t, start, line));
        }
        Ok(self.peeked.as_ref().map(|p| p.0.clone()).unwrap_or(Tok::Eof))
    }

    fn next(&mut self) -> Result<Tok, ParseError> {
        self.peek()?;
        Ok(self.peeked.take().map(|p| p.0).unwrap_or(Tok::Eof))
    }

    fn is_word(&mut self, w: &str) -> Result<bool, ParseError> {
        Ok(matches!(self.peek()?, Tok::Word(ref parts, _) if is_plain(parts, w)))
    }

    fn expect_word(&mut self, w: &str) -> Result<(), ParseError> {
        let t = self.next()?;
        match t {
            Tok::Word(ref parts, _) if is_plain(parts, w) => Ok(()),
            Tok::Eof => Err(ParseError::Incomplete { expecting: Some(w.into()), line: self.line }),
            t => Err(self.unexpected(t)),
        }
    }

    fn skip_newlines(&mut self) -> Result<(), ParseError> {
        while self.peek()? == Tok::Newline {
            self.next()?;
        }
        Ok(())
    }

    /// A list, stopping (without consuming) at EOF, `)`, `;;` or one of `stops` reserved words.
    fn list(&mut self, stops: &[&str]) -> Result<List, ParseError> {
        let mut list = List::default();
        loop {
            self.skip_newlines()?;
            match self.peek()? {
                Tok::Eof | Tok::Op(")") | Tok::Op(";;") => break,
                Tok::Word(ref parts, _) if stops.iter().any(|s| is_plain(parts, s)) => break,
                _ => {}
            }
            let mut item = self.and_or()?;
            match self.peek()? {
                Tok::Op(";") | Tok::Newline => {
                    self.next()?;
                }
                Tok::Op("&") => {
                    self.next()?;
                    item.background = true;
                }
                _ => {}
            }
            list.items.push(item);
            if !matches!(self.peek()?, Tok::Newline | Tok::Eof | Tok::Op(_) | Tok::Word(..)) {
                break;
            }
            if let Tok::Op(o) = self.peek()? {
                if o != ")" && o != ";;" && o != "(" {
                    let t = self.next()?;
                    return Err(self.unexpected(t));
                }
            }
        }
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr, ParseError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let is_and = match self.peek()? {
                Tok::Op("&&") => true,
                Tok::Op("||") => false,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            rest.push((is_and, self.pipeline()?));
        }
        Ok(AndOr { first, rest, background: false })
    }

    fn pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let negate = self.is_word("!")?;
        if negate {
            self.next()?;
        }
        let mut cmds = vec![self.command()?];
        while self.peek()? == Tok::Op("|") {
            self.next()?;
            self.skip_newlines()?;
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Cmd, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::Unexpected { token: "(nesting too deep)".into(), line: self.line });
        }
        let r = self.command_inner();
        self.depth -= 1;
        r
    }

    fn command_inner(&mut self) -> Result<Cmd, ParseError> {
        let t = self.peek()?;
        let kw = match &t {
            Tok::Word(parts, _) => plain_text(parts),
            Tok::Op("(") => Some("(".to_string()),
            _ => None,
        };
        let cmd = match kw.as_deref() {
            Some("if") => self.if_cmd()?,
            Some("while") | Some("until") => self.loop_cmd()?,
            Some("for") => self.for_cmd()?,
            Some("case") => self.case_cmd()?,
            Some("{") => {
                self.next()?;
                let body = self.list(&["}"])?;
                self.expect_word("}")?;
                Cmd::Group { body: Arc::new(body), subshell: false, redirs: Vec::new() }
            }
            Some("(") => {
                self.next()?;
                let body = self.list(&[])?;
                match self.next()? {
                    Tok::Op(")") => {}
                    Tok::Eof => return Err(ParseError::Incomplete { expecting: Some(")".into()), line: self.line }),
                    t => return Err(self.unexpected(t)),
                }
                Cmd::Group { body: Arc::new(body), subshell: true, redirs: Vec::new() }
            }
            Some(w) if RESERVED.contains(&w) && w != "{" => {
                let t = self.next()?;
                return Err(self.unexpected(t));
            }
            _ => return self.simple(),
        };
        self.compound_redirs(cmd)
    }

    fn compound_redirs(&mut self, mut cmd: Cmd) -> Result<Cmd, ParseError> {
        let mut extra = Vec::new();
        while let Some(r) = self.try_redir(None)? {
            extra.push(r);
        }
        match &mut cmd {
            Cmd::Group { redirs, .. }
            | Cmd::If { redirs, .. }
            | Cmd::Loop { redirs, .. }
            | Cmd::For { redirs, .. }
            | Cmd::Case { redirs, .. } => redirs.extend(extra),
            _ => {}
        }
        Ok(cmd)
    }

    fn if_cmd(&mut self) -> Result<Cmd, ParseError> {
        self.next()?;
        let mut arms = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect_word("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            arms.push((Arc::new(cond), Arc::new(body)));
            match self.next()? {
                Tok::Word(ref p, _) if is_plain(p, "elif") => continue,
                Tok::Word(ref p, _) if is_plain(p, "else") => {
                    otherwise = Some(Arc::new(self.list(&["fi"])?));
                    self.expect_word("fi")?;
                    break;
                }
                Tok::Word(ref p, _) if is_plain(p, "fi") => break,
                Tok::Eof => return Err(ParseError::Incomplete { expecting: Some("fi".into()), line: self.line }),
                t => return Err(self.unexpected(t)),
            }
        }
        Ok(Cmd::If { arms, otherwise, redirs: Vec::new() })
    }

    fn do_body(&mut self) -> Result<Arc<List>, ParseError> {
        self.skip_newlines()?;
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(Arc::new(body))
    }

    fn loop_cmd(&mut self) -> Result<Cmd, ParseError> {
        let until = matches!(self.next()?, Tok::Word(ref p, _) if is_plain(p, "until"));
        let cond = self.list(&["do"])?;
        let body = self.do_body()?;
        Ok(Cmd::Loop { until, cond: Arc::new(cond), body, redirs: Vec::new() })
    }

    fn for_cmd(&mut self) -> Result<Cmd, ParseError> {
        self.next()?;
        let var = match self.next()? {
            Tok::Word(ref p, ref raw) if plain_text(p).is_some_and(|s| is_name(&s)) => raw.clone(),
            t => return Err(self.unexpected(t)),
        };
        if self.peek()? == Tok::Op(";") {
            self.next()?;
        }
        self.skip_newlines()?;
        let mut items = None;
        if self.is_word("in")? {
            self.next()?;
            let mut words = Vec::new();
            while let Tok::Word(w, _) = self.peek()? {
                self.next()?;
                words.push(w);
            }
            match self.next()? {
                Tok::Op(";") | Tok::Newline => {}
                t => return Err(self.unexpected(t)),
            }
            items = Some(words);
        }
        let body = self.do_body()?;
        Ok(Cmd::For { var, items, body, redirs: Vec::new() })
    }

    fn case_cmd(&mut self) -> Result<Cmd, ParseError> {
        self.next()?;
        let word = match self.next()? {
            Tok::Word(w, _) => w,
            t => return Err(self.unexpected(t)),
        };
        self.skip_newlines()?;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines()?;
            if self.is_word("esac")? {
                self.next()?;
                break;
            }
            if self.peek()? == Tok::Op("(") {
                self.next()?;
            }
            let mut pats = Vec::new();
            loop {
                match self.next()? {
                    Tok::Word(w, _) => pats.push(w),
                    Tok::Eof => return Err(ParseError::Incomplete { expecting: Some("esac".into()), line: self.line }),
                    t => return Err(self.unexpected(t)),
                }
                match self.next()? {
                    Tok::Op("|") => continue,
                    Tok::Op(")") => break,
                    t => return Err(self.unexpected(t)),
                }
            }
            let body = self.list(&["esac"])?;
            arms.push((pats, Arc::new(body)));
            match self.peek()? {
                Tok::Op(";;") => {
                    self.next()?;
                }
                Tok::Word(ref p, _) if is_plain(p, "esac") => {}
                Tok::Eof => return Err(ParseError::Incomplete { expecting: Some("esac".into()), line: self.line }),
                t => {
                    self.next()?;
                    return Err(self.unexpected(t));
                }
            }
        }
        Ok(Cmd::Case { word, arms, redirs: Vec::new() })
    }

    fn simple(&mut self) -> Result<Cmd, ParseError> {
        let line = self.line;
        let mut s = Simple { assigns: Vec::new(), words: Vec::new(), redirs: Vec::new(), line };
        loop {
            if let Some(r) = self.try_redir(None)? {
                s.redirs.push(r);
                continue;
            }
            match self.peek()? {
                Tok::Word(w, raw) => {
                    if s.words.is_empty() {
                        if let Some((name, value)) = split_assignment(&w, &raw) {
                            self.next()?;
                            s.assigns.push((name, value));
                            continue;
                        }
                    }
                    if s.words.is_empty() && s.assigns.is_empty() {
                        // `name() { ...; }` function definition.
                        if let Some(name) = raw.strip_suffix("()").filter(|n| is_name(n)) {
                            self.next()?;
                            self.skip_newlines()?;
                            let body = self.command()?;
                            return Ok(Cmd::Func { name: name.to_string(), body: Arc::new(body) });
                        }
                    }
                    self.next()?;
                    if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() && self.peek()? == Tok::Op("(") && is_name(&raw) {
                        self.next()?;
                        match self.next()? {
                            Tok::Op(")") => {}
                            t => return Err(self.unexpected(t)),
                        }
                        self.skip_newlines()?;
                        let body = self.command()?;
                        return Ok(Cmd::Func { name: raw.clone(), body: Arc::new(body) });
                    }
                    s.words.push(w);
                }
                _ => break,
            }
        }
        if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
            let t = self.next()?;
            return Err(self.unexpected(t));
        }
        Ok(Cmd::Simple(s))
    }

    /// A redirection at the cursor, if any (`2>&1`, `>>file`, `< in`, `<<EOF`).
    fn try_redir(&mut self, _hint: Option<u32>) -> Result<Option<Redir>, ParseError> {
        let mut fd = None;
        if let Tok::Word(ref w, ref raw) = self.peek()? {
            let next_is_redir = matches!(self.src.get(self.pos), Some('<') | Some('>'));
            if next_is_redir && !raw.is_empty() && raw.chars().all(|c| c.is_ascii_digit()) && plain_text(w).is_some() {
                fd = raw.parse::<u32>().ok();
                if fd.is_some() {
                    self.next()?;
                } else {
                    return Ok(None);
                }
            } else {
                return Ok(None);
            }
        }
        let op = match self.peek()? {
            Tok::Op(o @ (">" | ">>" | "<" | ">&" | "<&" | "<<")) => o,
            _ => return Ok(None),
        };
        self.next()?;
        let target = match self.next()? {
            Tok::Word(w, _) => w,
            Tok::Eof => return Err(ParseError::Incomplete { expecting: None, line: self.line }),
            t => return Err(self.unexpected(t)),
        };
        let (default_fd, rop) = match op {
            ">" => (1, RedirOp::Out),
            ">>" => (1, RedirOp::Append),
            "<" => (0, RedirOp::In),
            ">&" => (1, RedirOp::Dup),
            "<&" => (0, RedirOp::Dup),
            _ => {
                let body = self.read_heredoc(&target)?;
                return Ok(Some(Redir { fd: fd.unwrap_or(0), op: RedirOp::HereDoc, target: body }));
            }
        };
        Ok(Some(Redir { fd: fd.unwrap_or(default_fd), op: rop, target }))
    }
}

mod lex;
pub use lex::{is_name, is_plain, plain_text, split_assignment, word_text};

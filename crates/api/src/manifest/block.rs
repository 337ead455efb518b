//! The fast reader: the block-YAML subset nearly every manifest is written in (block
//! mappings and sequences, indentless sequences, one-line plain and quoted scalars, one-line
//! flow collections, comments) read a byte at a time straight into a `Tape`, with no token
//! queue and no `serde_json::Value`. It accepts a document only when it is sure of what the
//! full libyaml-like scanner and parser would make of it; on anything else (anchors, aliases,
//! tags, block scalars, multi-line scalars or flow collections, escapes, tabs, `\r`, odd
//! indentation, a merge key, a value the conversion refuses, nesting near the depth limit,
//! and every error) it declines, and the document is read again by the full parser, which
//! gives the values, errors and positions. `tests/block_reader.rs` checks the two agree.

use super::convert::resolve_scalar;
use super::scanner::ScalarStyle;
use super::tape::{Kind, Tape, TapeNode};

/// Collections nested deeper than this are left to the full parser, which owns the depth
/// errors (`parser::MAX_DEPTH`, `convert::MAX_EXPANSION_DEPTH`, both 100).
const MAX_DEPTH: usize = 90;

/// A key longer than this is left to the full parser: libyaml forgets a simple key whose `:`
/// is more than 1024 characters away.
const MAX_KEY_BYTES: usize = 1000;

/// `None` means "not sure: let the full parser read it".
type F<T> = Option<T>;

fn is_blankz(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | 0)
}

/// Whether `c` (followed by `next`) starts a plain scalar in block context, as libyaml's
/// `fetch_next_token` decides (tabs, `\r` and NUL never reach here).
fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' | b'?' | b':' => !is_blankz(next),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => false,
        _ => !is_blankz(c),
    }
}

/// What a line's content at the cursor is: a mapping key (its text is `a..end`, its `:` at
/// `colon`) or anything else (a value, or something the value readers decline).
enum Line {
    Key {
        kind: Kind,
        a: usize,
        end: usize,
        colon: usize,
    },
    Value,
}

struct Fast<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
    /// The indentation of the content line the cursor is on (at its first character), None
    /// at the end of the document.
    ahead: Option<usize>,
    nodes: Vec<TapeNode>,
    depth: usize,
    /// Bytes looked at twice (a line's key scan), for the work count.
    rescanned: u64,
}

/// Reads `text` into a tape with the work done, or `Err(work)` when the full parser must
/// read it.
pub(super) fn read(text: &str) -> Result<(Tape, u64), u64> {
    let src = text.as_bytes();
    let refused = src.len() >= u32::MAX as usize
        || src.contains(&b'\t')
        || src.contains(&b'\r')
        || src.contains(&0)
        || (!text.is_ascii() && text.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']));
    if refused {
        return Err(0);
    }
    let mut f = Fast {
        src,
        text,
        pos: 0,
        line: 0,
        line_start: 0,
        ahead: None,
        // About one node per 8 bytes of a typical manifest.
        nodes: Vec::with_capacity(src.len() / 8),
        depth: 0,
        rescanned: 0,
    };
    let ok = f.document().is_some();
    let work = f.pos as u64 + f.rescanned + f.nodes.len() as u64;
    if ok {
        Ok((Tape { nodes: f.nodes }, work))
    } else {
        Err(work)
    }
}

impl Fast<'_> {
    fn peek(&self, k: usize) -> u8 {
        self.src.get(self.pos + k).copied().unwrap_or(0)
    }
    fn byte(&self, at: usize) -> u8 {
        self.src.get(at).copied().unwrap_or(0)
    }
    fn column(&self) -> usize {
        self.pos - self.line_start
    }
    fn skip_spaces(&mut self) {
        while self.peek(0) == b' ' {
            self.pos += 1;
        }
    }
    fn skip_to_break(&mut self) {
        let rest = self.src.get(self.pos..).unwrap_or(&[]);
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }
    fn at_block_entry(&self) -> bool {
        self.peek(0) == b'-' && is_blankz(self.peek(1))
    }

    fn document(&mut self) -> F<()> {
        self.find_content()?;
        let Some(col) = self.ahead else {
            return Some(());
        };
        self.block_node(col, -1)?;
        // go-yaml reads the first document only; anything after the root is the full
        // parser's to judge.
        self.ahead.is_none().then_some(())
    }

    /// Moves from a line start to the first content line (skipping blank and comment
    /// lines), setting `ahead`.
    fn find_content(&mut self) -> F<()> {
        loop {
            self.skip_spaces();
            match self.peek(0) {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b'#' => self.skip_to_break(),
                0 => {
                    self.ahead = None;
                    return Some(());
                }
                _ => break,
            }
        }
        let indent = self.column();
        let rest = self.src.get(self.pos..).unwrap_or(&[]);
        if indent == 0
            && (rest.starts_with(b"---") || rest.starts_with(b"...") || rest.first() == Some(&b'%'))
        {
            return None;
        }
        self.ahead = Some(indent);
        Some(())
    }

    /// After a line's last node: only blanks and a comment may follow; moves to the next
    /// content line.
    fn end_line(&mut self) -> F<()> {
        self.skip_spaces();
        match self.peek(0) {
            b'#' if self.pos > 0 && self.byte(self.pos - 1) == b' ' => self.skip_to_break(),
            b'\n' | 0 => {}
            _ => return None,
        }
        if self.peek(0) == b'\n' {
            self.pos += 1;
            self.line += 1;
            self.line_start = self.pos;
        }
        self.find_content()
    }

    fn open(&mut self, kind: Kind) -> F<usize> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.nodes.push(TapeNode {
            kind,
            line: self.line,
            start: self.pos as u32,
            a: 0,
            b: 0,
        });
        Some(self.nodes.len() - 1)
    }

    fn close(&mut self, at: usize, children: u32) {
        self.depth -= 1;
        let end = self.nodes.len() as u32;
        if let Some(n) = self.nodes.get_mut(at) {
            n.a = children;
            n.b = end;
        }
    }

    fn scalar(&mut self, kind: Kind, start: usize, a: usize, b: usize) {
        self.nodes.push(TapeNode {
            kind,
            line: self.line,
            start: start as u32,
            a: a as u32,
            b: b as u32,
        });
    }

    /// A plain scalar the fast path may keep: not one the conversion refuses (`.inf`,
    /// `.nan`, which only start with `.`, `+` or `-`).
    fn plain(&mut self, a: usize, b: usize) -> F<()> {
        let text = self.text.get(a..b)?;
        if matches!(self.byte(a), b'.' | b'+' | b'-')
            && resolve_scalar(text, ScalarStyle::Plain, None).is_err()
        {
            return None;
        }
        self.scalar(Kind::Plain, a, a, b);
        Some(())
    }

    /// A node starting at the cursor, column `col` of the current line, inside a block
    /// collection at column `indent` (libyaml's current indentation; -1 at the root).
    fn block_node(&mut self, col: usize, indent: i64) -> F<()> {
        if self.at_block_entry() {
            return self.block_seq(col, false);
        }
        match self.line_kind()? {
            Line::Key { .. } => self.block_map(col),
            Line::Value => self.inline_value(indent),
        }
    }

    /// Whether the content at the cursor is a mapping key: a one-line plain or quoted
    /// scalar followed by `:` and a blank.
    fn line_kind(&mut self) -> F<Line> {
        let start = self.pos;
        let c = self.peek(0);
        if c == b'"' || c == b'\'' {
            let close = self.quoted_end(start)?;
            let colon = close + 1;
            if self.byte(colon) == b':' && is_blankz(self.byte(colon + 1)) {
                let kind = if c == b'"' {
                    Kind::DoubleQuoted
                } else {
                    Kind::SingleQuoted
                };
                return Some(Line::Key {
                    kind,
                    a: start + 1,
                    end: close,
                    colon,
                });
            }
            return Some(Line::Value);
        }
        if !plain_start(c, self.peek(1)) {
            return Some(Line::Value);
        }
        let mut j = start;
        let mut end = start;
        let found = loop {
            match self.byte(j) {
                b'\n' | 0 => break None,
                b':' if is_blankz(self.byte(j + 1)) => break Some(j),
                b'#' if self.byte(j - 1) == b' ' => break None,
                b' ' => {}
                _ => end = j + 1,
            }
            j += 1;
        };
        self.rescanned += (j - start) as u64;
        Some(match found {
            Some(colon) => Line::Key {
                kind: Kind::Plain,
                a: start,
                end,
                colon,
            },
            None => Line::Value,
        })
    }

    /// A block mapping whose first key is at the cursor, column `col`.
    fn block_map(&mut self, col: usize) -> F<()> {
        let me = self.open(Kind::Map)?;
        let mut children = 0u32;
        loop {
            let Line::Key {
                kind,
                a,
                end,
                colon,
            } = self.line_kind()?
            else {
                return None;
            };
            let key_start = self.pos;
            if colon - key_start > MAX_KEY_BYTES
                || (kind == Kind::Plain && self.src.get(a..end) == Some(b"<<"))
            {
                return None;
            }
            if kind == Kind::Plain {
                self.plain(a, end)?;
            } else {
                self.scalar(kind, key_start, a, end);
            }
            self.pos = colon + 1;
            self.map_value(col)?;
            children += 2;
            match self.ahead {
                Some(n) if n == col => {}
                Some(n) if n > col => return None,
                _ => break,
            }
        }
        self.close(me, children);
        Some(())
    }

    /// The value after a block mapping's `:` (the cursor is just past it).
    fn map_value(&mut self, col: usize) -> F<()> {
        let (mark, line) = (self.pos, self.line);
        self.skip_spaces();
        if !matches!(self.peek(0), b'\n' | 0 | b'#') {
            return self.inline_value(col as i64);
        }
        self.end_line()?;
        match self.ahead {
            Some(n) if n > col => self.block_node(n, col as i64),
            Some(n) if n == col && self.at_block_entry() => self.block_seq(col, true),
            _ => {
                self.nodes.push(empty(line, mark));
                Some(())
            }
        }
    }

    /// A block sequence whose first `-` is at the cursor, column `col`; `indentless` when
    /// it is a mapping's value at the mapping's own column.
    fn block_seq(&mut self, col: usize, indentless: bool) -> F<()> {
        let me = self.open(Kind::Seq)?;
        let mut children = 0u32;
        loop {
            self.pos += 1;
            let (mark, line) = (self.pos, self.line);
            self.skip_spaces();
            if matches!(self.peek(0), b'\n' | 0 | b'#') {
                self.end_line()?;
                match self.ahead {
                    Some(n) if n > col => self.block_node(n, col as i64)?,
                    _ => self.nodes.push(empty(line, mark)),
                }
            } else {
                let item_col = self.column();
                self.block_node(item_col, col as i64)?;
            }
            children += 1;
            match self.ahead {
                Some(n) if n == col && self.at_block_entry() => {}
                Some(n) if n == col && indentless => break,
                Some(n) if n >= col => return None,
                _ => break,
            }
        }
        self.close(me, children);
        Some(())
    }

    /// A scalar or flow collection that ends its line, inside a block collection at column
    /// `indent`: the next content line must not be deeper (a plain scalar would continue
    /// there, anything else is an error).
    fn inline_value(&mut self, indent: i64) -> F<()> {
        match self.peek(0) {
            b'[' => self.flow(false)?,
            b'{' => self.flow(true)?,
            b'"' | b'\'' => self.quoted()?,
            c if plain_start(c, self.peek(1)) => self.block_plain()?,
            _ => return None,
        }
        self.end_line()?;
        match self.ahead {
            Some(n) if n as i64 > indent => None,
            _ => Some(()),
        }
    }

    /// A plain scalar in block context, up to the end of the line or a comment; a `: `
    /// inside it is an error the full parser reports.
    fn block_plain(&mut self) -> F<()> {
        let start = self.pos;
        let mut j = start;
        let mut end = start;
        loop {
            match self.byte(j) {
                b'\n' | 0 => break,
                b':' if is_blankz(self.byte(j + 1)) => return None,
                b'#' if self.byte(j - 1) == b' ' => break,
                b' ' => {}
                _ => end = j + 1,
            }
            j += 1;
        }
        self.plain(start, end)?;
        self.pos = end;
        Some(())
    }

    /// The closing quote of a one-line quoted scalar opening at `open`, declining escapes
    /// (`\` in double quotes, `''` in single quotes) and line breaks.
    fn quoted_end(&self, open: usize) -> F<usize> {
        let quote = self.byte(open);
        let escapes = quote == b'"';
        let rest = self.src.get(open + 1..)?;
        let stop = |b: u8| b == quote || b == b'\n' || (escapes && b == b'\\');
        let at = open + 1 + rest.iter().position(|&b| stop(b))?;
        let closes = self.byte(at) == quote && !(quote == b'\'' && self.byte(at + 1) == b'\'');
        closes.then_some(at)
    }

    fn quoted(&mut self) -> F<()> {
        let open = self.pos;
        let close = self.quoted_end(open)?;
        let kind = if self.byte(open) == b'"' {
            Kind::DoubleQuoted
        } else {
            Kind::SingleQuoted
        };
        self.scalar(kind, open, open + 1, close);
        self.pos = close + 1;
        Some(())
    }
}

/// An empty value (null) at `mark`, just past the indicator it follows.
fn empty(line: u32, mark: usize) -> TapeNode {
    TapeNode {
        kind: Kind::Plain,
        line,
        start: mark as u32,
        a: mark as u32,
        b: mark as u32,
    }
}

mod flow;

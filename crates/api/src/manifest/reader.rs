//! Character access for the scanner over the document's UTF-8 bytes, without decoding the text
//! into a second buffer: a byte offset for slicing plus libyaml's mark, whose index and column
//! count characters (go-yaml's error columns and the 1024-character simple-key limit are in
//! characters, not bytes). It also counts the steps it takes, so tests can show the reader
//! stays linear in its input without timing anything.

use super::token::{Mark, YamlError};

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

/// Length of the UTF-8 sequence a lead byte starts (the text is valid UTF-8, so every offset
/// the reader stops at is a lead byte).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

pub(super) struct Reader<'a> {
    src: &'a str,
    /// Byte offset of the current character.
    pos: usize,
    mark: Mark,
    /// Characters consumed plus whatever else the scanner counts as work (see `count`).
    steps: u64,
}

impl<'a> Reader<'a> {
    pub(super) fn new(src: &'a str) -> Reader<'a> {
        Reader {
            src,
            pos: 0,
            mark: Mark::default(),
            steps: 0,
        }
    }

    pub(super) fn source(&self) -> &'a str {
        self.src
    }
    pub(super) fn pos(&self) -> usize {
        self.pos
    }
    pub(super) fn mark(&self) -> Mark {
        self.mark
    }
    pub(super) fn steps(&self) -> u64 {
        self.steps
    }
    /// Adds work done outside character consumption (token queue shifts, key checks).
    pub(super) fn count(&mut self, n: usize) {
        self.steps += n as u64;
    }
    /// Moves the mark to the start of the next line without consuming input (stream end).
    pub(super) fn set_mark(&mut self, mark: Mark) {
        self.mark = mark;
    }

    fn char_at(&self, at: usize) -> char {
        match self.src.as_bytes().get(at) {
            None => '\0',
            Some(&b) if b < 0x80 => char::from(b),
            Some(_) => self
                .src
                .get(at..)
                .and_then(|s| s.chars().next())
                .unwrap_or('\0'),
        }
    }

    /// The character `k` characters ahead, `'\0'` past the end (control characters, NUL
    /// included, are refused before scanning, so `'\0'` only ever means the end).
    pub(super) fn ch(&self, k: usize) -> char {
        let bytes = self.src.as_bytes();
        let mut at = self.pos;
        for _ in 0..k {
            match bytes.get(at) {
                Some(&b) => at += utf8_width(b),
                None => return '\0',
            }
        }
        self.char_at(at)
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Consumes one character (not a line break: see `skip_line`).
    pub(super) fn skip(&mut self) {
        if let Some(&b) = self.src.as_bytes().get(self.pos) {
            self.pos += utf8_width(b);
            self.mark.index = self.mark.index.wrapping_add(1);
            self.mark.column = self.mark.column.wrapping_add(1);
            self.steps += 1;
        }
    }

    /// Consumes the ASCII characters from here on for which `keep` holds, exactly as that many
    /// `skip`s would: the fast path through a word or a line, one byte per character.
    /// Non-ASCII characters stop it; the caller's character loop takes them.
    pub(super) fn skip_ascii_while(&mut self, keep: impl Fn(u8) -> bool) {
        let rest = self.src.as_bytes().get(self.pos..).unwrap_or(&[]);
        let n = rest
            .iter()
            .position(|&b| b >= 0x80 || !keep(b))
            .unwrap_or(rest.len());
        self.pos += n;
        // Wrapping: positions past 4 Gi characters cannot occur (see `Mark`) and must not panic.
        self.mark.index = self.mark.index.wrapping_add(n as u32);
        self.mark.column = self.mark.column.wrapping_add(n as u32);
        self.steps += n as u64;
    }

    /// Consumes the rest of the line up to its break (or the end), as `skip`s would.
    pub(super) fn skip_to_break(&mut self) {
        while !is_breakz(self.ch(0)) {
            self.skip_ascii_while(|b| b != b'\n' && b != b'\r');
            if !is_breakz(self.ch(0)) {
                self.skip();
            }
        }
    }

    /// Consumes a line break (`\r\n` counts as one line, two characters, as in libyaml).
    pub(super) fn skip_line(&mut self) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            self.pos += 2;
            self.mark.index = self.mark.index.wrapping_add(2);
        } else if is_break(c) {
            self.pos += c.len_utf8();
            self.mark.index = self.mark.index.wrapping_add(1);
        } else {
            return;
        }
        self.steps += 1;
        self.mark.column = 0;
        self.mark.line = self.mark.line.wrapping_add(1);
    }

    /// Consumes a line break, returning it normalised the way libyaml does.
    pub(super) fn read_line(&mut self) -> char {
        let c = self.ch(0);
        self.skip_line();
        match c {
            '\u{2028}' | '\u{2029}' => c,
            _ => '\n',
        }
    }

    /// A scanner error at the current position, go-yaml's `context_mark` being `context`.
    pub(super) fn error(&self, context: Mark, problem: &str) -> YamlError {
        YamlError {
            scanner: true,
            problem: problem.to_string(),
            problem_mark: self.mark,
            context_mark: context,
        }
    }
}

//! The three scalar scanners (plain, quoted, block) ported from libyaml, including the
//! line-folding rules and the exact problems go-yaml reports for unclosed quotes, bad escapes
//! and tabs used as indentation. A scalar that is its source text verbatim (one line, no
//! escapes: nearly every value in a manifest) comes back as a source range; only folded,
//! escaped and block scalars build a string, and they copy whole runs, never single chars.

use super::reader::Reader;
use super::reader::{is_blank as blank, is_blankz as blankz, is_break as brk, is_breakz as breakz};
use super::token::{Mark, Text, YamlError};

type R<T> = Result<T, YamlError>;

/// A scalar value under construction: a source range for as long as everything appended is
/// the source continuing where the range ends, a string from the first time it is not.
struct ScalarBuf {
    start: usize,
    end: usize,
    owned: Option<String>,
}

impl ScalarBuf {
    fn new() -> ScalarBuf {
        ScalarBuf {
            start: 0,
            end: 0,
            owned: None,
        }
    }

    fn owned(&mut self, src: &str) -> &mut String {
        let (start, end) = (self.start, self.end);
        self.owned
            .get_or_insert_with(|| src.get(start..end).unwrap_or("").to_string())
    }

    /// Appends the source bytes `from..to`.
    fn push_source(&mut self, src: &str, from: usize, to: usize) {
        if from >= to {
            return;
        }
        if self.owned.is_none() {
            if self.start == self.end {
                (self.start, self.end) = (from, to);
                return;
            }
            if self.end == from {
                self.end = to;
                return;
            }
        }
        let piece = src.get(from..to).unwrap_or("");
        self.owned(src).push_str(piece);
    }

    fn push_str(&mut self, src: &str, s: &str) {
        if !s.is_empty() {
            self.owned(src).push_str(s);
        }
    }

    fn push(&mut self, src: &str, c: char) {
        self.owned(src).push(c);
    }

    fn finish(self) -> Text {
        match self.owned {
            Some(s) => Text::Owned(s),
            None => Text::Span(self.start, self.end),
        }
    }
}

/// A run of blanks inside a line, as a source range (blanks are one byte each).
#[derive(Default)]
struct Blanks {
    start: usize,
    end: usize,
}

impl Blanks {
    fn add(&mut self, at: usize) {
        if self.start == self.end {
            self.start = at;
        }
        self.end = at + 1;
    }
    fn clear(&mut self) {
        self.end = self.start;
    }
    fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// Appends the run to `out` and empties it.
    fn flush(&mut self, r: &Reader, out: &mut ScalarBuf) {
        out.push_source(r.source(), self.start, self.end);
        self.clear();
    }
}

/// End of input (`\0` past the last char is not a line break).
fn at_end(r: &Reader) -> bool {
    breakz(r.ch(0)) && !brk(r.ch(0))
}

fn at_document_indicator(r: &Reader) -> bool {
    let c = r.ch(0);
    r.mark().column == 0
        && (c == '-' || c == '.')
        && r.ch(1) == c
        && r.ch(2) == c
        && blankz(r.ch(3))
}

/// Joins a run of line breaks into a scalar the way YAML folds them: one break becomes a space,
/// n breaks become n-1 newlines.
fn fold(r: &Reader, out: &mut ScalarBuf, leading_break: &mut String, trailing_breaks: &mut String) {
    if leading_break.starts_with('\n') {
        if trailing_breaks.is_empty() {
            out.push(r.source(), ' ');
        } else {
            out.push_str(r.source(), trailing_breaks);
        }
    } else {
        out.push_str(r.source(), leading_break);
        out.push_str(r.source(), trailing_breaks);
    }
    leading_break.clear();
    trailing_breaks.clear();
}

/// Line breaks and blanks between the words of a flow (plain or quoted) scalar: blanks on the
/// scalar's line go to `whitespaces`, the first break to `leading_break` (setting
/// `leading_blanks`), later ones to `trailing_breaks`. A plain scalar refuses a tab used as
/// indentation (`tab_indent` is its indentation; quoted scalars pass None).
fn scan_flow_breaks(
    r: &mut Reader,
    tab_indent: Option<(i64, Mark)>,
    leading_blanks: &mut bool,
    whitespaces: &mut Blanks,
    leading_break: &mut String,
    trailing_breaks: &mut String,
) -> R<()> {
    while blank(r.ch(0)) || brk(r.ch(0)) {
        if blank(r.ch(0)) {
            if let Some((indent, start)) = tab_indent {
                if *leading_blanks && (r.mark().column as i64) < indent && r.ch(0) == '\t' {
                    return Err(r.error(start, "found a tab character that violate indentation"));
                }
            }
            if !*leading_blanks {
                whitespaces.add(r.pos());
            }
            r.skip();
        } else if !*leading_blanks {
            whitespaces.clear();
            leading_break.push(r.read_line());
            *leading_blanks = true;
        } else {
            trailing_breaks.push(r.read_line());
        }
    }
    Ok(())
}

/// Returns (value, end mark, whether it ended after a line break).
pub(super) fn scan_plain_scalar(
    r: &mut Reader,
    block_indent: i64,
    flow_level: usize,
    start: Mark,
) -> R<(Text, Mark, bool)> {
    let mut out = ScalarBuf::new();
    let mut end = r.mark();
    let indent = block_indent + 1;
    let flow = flow_level > 0;
    let mut leading_blanks = false;
    let (mut leading_break, mut trailing_breaks) = (String::new(), String::new());
    let mut whitespaces = Blanks::default();
    loop {
        if at_document_indicator(r) || r.ch(0) == '#' {
            break;
        }
        let run_start = r.pos();
        while !blankz(r.ch(0)) {
            let c = r.ch(0);
            if flow && c == ':' && ",?[]{}".contains(r.ch(1)) {
                break;
            }
            if (c == ':' && blankz(r.ch(1))) || (flow && ",?[]{}".contains(c)) {
                break;
            }
            if r.pos() == run_start {
                // The first character of a word: what separated it from the previous word
                // joins the value first.
                if leading_blanks {
                    fold(r, &mut out, &mut leading_break, &mut trailing_breaks);
                    leading_blanks = false;
                } else if !whitespaces.is_empty() {
                    whitespaces.flush(r, &mut out);
                }
            }
            r.skip();
            // The rest of the word up to anything that could end it, a byte at a time.
            r.skip_ascii_while(|b| {
                b > b' '
                    && b != b':'
                    && !(flow && matches!(b, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
            });
        }
        if r.pos() > run_start {
            out.push_source(r.source(), run_start, r.pos());
            end = r.mark();
        }
        if !(blank(r.ch(0)) || brk(r.ch(0))) {
            break;
        }
        scan_flow_breaks(
            r,
            Some((indent, start)),
            &mut leading_blanks,
            &mut whitespaces,
            &mut leading_break,
            &mut trailing_breaks,
        )?;
        if !flow && (r.mark().column as i64) < indent {
            break;
        }
    }
    Ok((out.finish(), end, leading_blanks))
}

/// One escape sequence after the backslash (the reader sits on the backslash).
fn scan_escape(r: &mut Reader, start: Mark, out: &mut ScalarBuf) -> R<()> {
    let simple = match r.ch(1) {
        '0' => Some('\0'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        't' | '\t' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\u{b}'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        'e' => Some('\u{1b}'),
        ' ' => Some(' '),
        '"' => Some('"'),
        '/' => Some('/'),
        '\'' => Some('\''),
        '\\' => Some('\\'),
        'N' => Some('\u{85}'),
        '_' => Some('\u{a0}'),
        'L' => Some('\u{2028}'),
        'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(c) = simple {
        out.push(r.source(), c);
        r.skip();
        r.skip();
        return Ok(());
    }
    let len = match r.ch(1) {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return Err(r.error(start, "found unknown escape character")),
    };
    r.skip();
    r.skip();
    let mut value: u32 = 0;
    for k in 0..len {
        match r.ch(k).to_digit(16) {
            Some(d) => value = (value << 4) | d,
            None => return Err(r.error(start, "did not find expected hexdecimal number")),
        }
    }
    match char::from_u32(value) {
        Some(c) => out.push(r.source(), c),
        None => return Err(r.error(start, "found invalid Unicode character escape code")),
    }
    for _ in 0..len {
        r.skip();
    }
    Ok(())
}

/// The characters of a quoted scalar up to a blank, a break or its closing quote; returns
/// whether an escaped line break (`\` at the end of a line) ended the run.
fn scan_quoted_run(r: &mut Reader, single: bool, start: Mark, out: &mut ScalarBuf) -> R<bool> {
    let quote = if single { '\'' } else { '"' };
    let mut run_start = r.pos();
    let mut escaped_break = false;
    while !blankz(r.ch(0)) {
        let c = r.ch(0);
        let special = c == quote || (!single && c == '\\');
        if !special {
            r.skip();
            let escapes = !single;
            r.skip_ascii_while(|b| b > b' ' && char::from(b) != quote && !(escapes && b == b'\\'));
            continue;
        }
        out.push_source(r.source(), run_start, r.pos());
        if single && r.ch(1) == '\'' {
            out.push(r.source(), '\'');
            r.skip();
            r.skip();
        } else if c == quote {
            run_start = r.pos();
            break;
        } else if brk(r.ch(1)) {
            r.skip();
            r.skip_line();
            escaped_break = true;
            run_start = r.pos();
            break;
        } else {
            scan_escape(r, start, out)?;
        }
        run_start = r.pos();
    }
    out.push_source(r.source(), run_start, r.pos());
    Ok(escaped_break)
}

/// Single- or double-quoted scalar; the reader sits on the opening quote.
pub(super) fn scan_quoted_scalar(r: &mut Reader, single: bool, start: Mark) -> R<Text> {
    r.skip();
    let quote = if single { '\'' } else { '"' };
    let mut out = ScalarBuf::new();
    let (mut leading_break, mut trailing_breaks) = (String::new(), String::new());
    let mut whitespaces = Blanks::default();
    loop {
        if at_document_indicator(r) {
            return Err(r.error(start, "found unexpected document indicator"));
        }
        if at_end(r) {
            return Err(r.error(start, "found unexpected end of stream"));
        }
        let mut leading_blanks = scan_quoted_run(r, single, start, &mut out)?;
        if r.ch(0) == quote {
            break;
        }
        scan_flow_breaks(
            r,
            None,
            &mut leading_blanks,
            &mut whitespaces,
            &mut leading_break,
            &mut trailing_breaks,
        )?;
        if leading_blanks {
            fold(r, &mut out, &mut leading_break, &mut trailing_breaks);
        } else {
            whitespaces.flush(r, &mut out);
        }
    }
    r.skip();
    Ok(out.finish())
}

/// The header of a block scalar after `|`/`>`: chomping (-1 strip, 0 clip, 1 keep) and the
/// explicit indentation increment (0 when absent), up to and including the line break.
fn scan_block_header(r: &mut Reader, start: Mark) -> R<(i8, i64)> {
    let mut chomping = 0i8;
    let mut increment = 0i64;
    for _ in 0..2 {
        let c = r.ch(0);
        if (c == '+' || c == '-') && chomping == 0 {
            chomping = if c == '+' { 1 } else { -1 };
            r.skip();
        } else if c.is_ascii_digit() && increment == 0 {
            if c == '0' {
                return Err(r.error(start, "found an indentation indicator equal to 0"));
            }
            increment = i64::from(c as u8 - b'0');
            r.skip();
        }
    }
    while blank(r.ch(0)) {
        r.skip();
    }
    if r.ch(0) == '#' {
        r.skip_to_break();
    }
    if !breakz(r.ch(0)) {
        return Err(r.error(start, "did not find expected comment or line break"));
    }
    if brk(r.ch(0)) {
        r.skip_line();
    }
    Ok((chomping, increment))
}

/// Literal (`|`) or folded (`>`) block scalar; the reader sits on the indicator.
pub(super) fn scan_block_scalar(
    r: &mut Reader,
    block_indent: i64,
    literal: bool,
    start: Mark,
) -> R<(Text, Mark)> {
    r.skip();
    let (chomping, increment) = scan_block_header(r, start)?;
    let mut end = r.mark();
    let mut indent = if increment > 0 {
        block_indent.max(0) + increment
    } else {
        0
    };
    let mut out = String::new();
    let mut leading_break = String::new();
    let mut trailing_breaks = String::new();
    block_breaks(
        r,
        block_indent,
        &mut indent,
        &mut trailing_breaks,
        start,
        &mut end,
    )?;
    let mut leading_blank = false;
    while r.mark().column as i64 == indent && !at_end(r) {
        let trailing_blank = blank(r.ch(0));
        if !literal && leading_break.starts_with('\n') && !leading_blank && !trailing_blank {
            if trailing_breaks.is_empty() {
                out.push(' ');
            }
            leading_break.clear();
        } else {
            out.push_str(&leading_break);
            leading_break.clear();
        }
        out.push_str(&trailing_breaks);
        trailing_breaks.clear();
        leading_blank = blank(r.ch(0));
        let line_start = r.pos();
        r.skip_to_break();
        out.push_str(r.source().get(line_start..r.pos()).unwrap_or(""));
        if !brk(r.ch(0)) {
            break;
        }
        leading_break.push(r.read_line());
        block_breaks(
            r,
            block_indent,
            &mut indent,
            &mut trailing_breaks,
            start,
            &mut end,
        )?;
    }
    if chomping != -1 {
        out.push_str(&leading_break);
    }
    if chomping == 1 {
        out.push_str(&trailing_breaks);
    }
    Ok((Text::Owned(out), end))
}

/// Skips the indentation and empty lines of a block scalar, detecting its indentation.
fn block_breaks(
    r: &mut Reader,
    block_indent: i64,
    indent: &mut i64,
    breaks: &mut String,
    start: Mark,
    end: &mut Mark,
) -> R<()> {
    let mut max_indent = 0i64;
    *end = r.mark();
    loop {
        while (*indent == 0 || (r.mark().column as i64) < *indent) && r.ch(0) == ' ' {
            r.skip();
        }
        max_indent = max_indent.max(r.mark().column as i64);
        if (*indent == 0 || (r.mark().column as i64) < *indent) && r.ch(0) == '\t' {
            return Err(r.error(
                start,
                "found a tab character where an indentation space is expected",
            ));
        }
        if !brk(r.ch(0)) {
            break;
        }
        breaks.push(r.read_line());
        *end = r.mark();
    }
    if *indent == 0 {
        *indent = max_indent.max(block_indent + 1).max(1);
    }
    Ok(())
}

//! The three scalar scanners (plain, quoted, block) ported from libyaml, including the
//! line-folding rules and the exact problems go-yaml reports for unclosed quotes, bad escapes
//! and tabs used as indentation.

use super::scanner::{blank, blankz, breakz, brk, Mark, Scanner, YamlError};

type R<T> = Result<T, YamlError>;

/// End of input (`\0` past the last char is not a line break).
fn at_end(s: &Scanner) -> bool {
    breakz(s.c(0)) && !brk(s.c(0))
}

fn at_document_indicator(s: &Scanner) -> bool {
    s.mark().column == 0 && is_indicator_text(s) && blankz(s.c(3))
}

fn is_indicator_text(s: &Scanner) -> bool {
    let three = [s.c(0), s.c(1), s.c(2)];
    three == ['-', '-', '-'] || three == ['.', '.', '.']
}

/// Joins a run of line breaks into a scalar the way YAML folds them: one break becomes a space,
/// n breaks become n-1 newlines.
fn fold(out: &mut String, leading_break: &mut String, trailing_breaks: &mut String) {
    if leading_break.starts_with('\n') {
        if trailing_breaks.is_empty() {
            out.push(' ');
        } else {
            out.push_str(trailing_breaks);
        }
    } else {
        out.push_str(leading_break);
        out.push_str(trailing_breaks);
    }
    leading_break.clear();
    trailing_breaks.clear();
}

/// Returns (value, end mark, whether it ended after a line break).
pub(super) fn scan_plain_scalar(s: &mut Scanner, start: Mark) -> R<(String, Mark, bool)> {
    let mut out = String::new();
    let mut end = s.mark();
    let indent = s.indent() + 1;
    let mut leading_blanks = false;
    let (mut leading_break, mut trailing_breaks, mut whitespaces) =
        (String::new(), String::new(), String::new());
    loop {
        if at_document_indicator(s) || s.c(0) == '#' {
            break;
        }
        while !blankz(s.c(0)) {
            let flow = s.flow_level() > 0;
            if flow && s.c(0) == ':' && ",?[]{}".contains(s.c(1)) {
                break;
            }
            if (s.c(0) == ':' && blankz(s.c(1))) || (flow && ",?[]{}".contains(s.c(0))) {
                break;
            }
            if leading_blanks || !whitespaces.is_empty() {
                if leading_blanks {
                    fold(&mut out, &mut leading_break, &mut trailing_breaks);
                    leading_blanks = false;
                } else {
                    out.push_str(&whitespaces);
                    whitespaces.clear();
                }
            }
            out.push(s.c(0));
            s.advance();
            end = s.mark();
        }
        if !(blank(s.c(0)) || brk(s.c(0))) {
            break;
        }
        while blank(s.c(0)) || brk(s.c(0)) {
            if blank(s.c(0)) {
                if leading_blanks && (s.mark().column as i64) < indent && s.c(0) == '\t' {
                    return Err(s.error_at(start, "found a tab character that violate indentation"));
                }
                if !leading_blanks {
                    whitespaces.push(s.c(0));
                }
                s.advance();
            } else if !leading_blanks {
                whitespaces.clear();
                leading_break.push(s.line_break());
                leading_blanks = true;
            } else {
                trailing_breaks.push(s.line_break());
            }
        }
        if s.flow_level() == 0 && (s.mark().column as i64) < indent {
            break;
        }
    }
    Ok((out, end, leading_blanks))
}

fn hex_value(c: char) -> Option<u32> {
    c.to_digit(16)
}

/// One escape sequence after the backslash (the scanner sits on the backslash).
fn scan_escape(s: &mut Scanner, start: Mark, out: &mut String) -> R<()> {
    let simple = match s.c(1) {
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
        out.push(c);
        s.advance();
        s.advance();
        return Ok(());
    }
    let len = match s.c(1) {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return Err(s.error_at(start, "found unknown escape character")),
    };
    s.advance();
    s.advance();
    let mut value: u32 = 0;
    for k in 0..len {
        match hex_value(s.c(k)) {
            Some(d) => value = (value << 4) | d,
            None => return Err(s.error_at(start, "did not find expected hexdecimal number")),
        }
    }
    match char::from_u32(value) {
        Some(c) => out.push(c),
        None => return Err(s.error_at(start, "found invalid Unicode character escape code")),
    }
    for _ in 0..len {
        s.advance();
    }
    Ok(())
}

/// Single- or double-quoted scalar; the scanner sits on the opening quote.
pub(super) fn scan_quoted_scalar(s: &mut Scanner, single: bool, start: Mark) -> R<String> {
    s.advance();
    let mut out = String::new();
    let (mut leading_break, mut trailing_breaks, mut whitespaces) =
        (String::new(), String::new(), String::new());
    loop {
        if at_document_indicator(s) {
            return Err(s.error_at(start, "found unexpected document indicator"));
        }
        if at_end(s) {
            return Err(s.error_at(start, "found unexpected end of stream"));
        }
        let mut leading_blanks = false;
        while !blankz(s.c(0)) {
            let c = s.c(0);
            if single && c == '\'' && s.c(1) == '\'' {
                out.push('\'');
                s.advance();
                s.advance();
            } else if c == if single { '\'' } else { '"' } {
                break;
            } else if !single && c == '\\' && brk(s.c(1)) {
                s.advance();
                s.line_break();
                leading_blanks = true;
                break;
            } else if !single && c == '\\' {
                scan_escape(s, start, &mut out)?;
            } else {
                out.push(c);
                s.advance();
            }
        }
        if s.c(0) == if single { '\'' } else { '"' } {
            break;
        }
        while blank(s.c(0)) || brk(s.c(0)) {
            if blank(s.c(0)) {
                if !leading_blanks {
                    whitespaces.push(s.c(0));
                }
                s.advance();
            } else if !leading_blanks {
                whitespaces.clear();
                leading_break.push(s.line_break());
                leading_blanks = true;
            } else {
                trailing_breaks.push(s.line_break());
            }
        }
        if leading_blanks {
            fold(&mut out, &mut leading_break, &mut trailing_breaks);
        } else {
            out.push_str(&whitespaces);
            whitespaces.clear();
        }
    }
    s.advance();
    Ok(out)
}

/// Literal (`|`) or folded (`>`) block scalar; the scanner sits on the indicator.
pub(super) fn scan_block_scalar(s: &mut Scanner, literal: bool, start: Mark) -> R<(String, Mark)> {
    s.advance();
    let mut chomping = 0i8;
    let mut increment = 0i64;
    let ctx = "while scanning a block scalar";
    let _ = ctx;
    for _ in 0..2 {
        let c = s.c(0);
        if (c == '+' || c == '-') && chomping == 0 {
            chomping = if c == '+' { 1 } else { -1 };
            s.advance();
        } else if c.is_ascii_digit() && increment == 0 {
            if c == '0' {
                return Err(s.error_at(start, "found an indentation indicator equal to 0"));
            }
            increment = i64::from(c as u8 - b'0');
            s.advance();
        }
    }
    while blank(s.c(0)) {
        s.advance();
    }
    if s.c(0) == '#' {
        while !breakz(s.c(0)) {
            s.advance();
        }
    }
    if !breakz(s.c(0)) {
        return Err(s.error_at(start, "did not find expected comment or line break"));
    }
    if brk(s.c(0)) {
        s.line_break();
    }
    let mut end = s.mark();
    let mut indent = if increment > 0 {
        s.indent().max(0) + increment
    } else {
        0
    };
    let mut out = String::new();
    let mut leading_break = String::new();
    let mut trailing_breaks = String::new();
    block_breaks(s, &mut indent, &mut trailing_breaks, start, &mut end)?;
    let mut leading_blank = false;
    while s.mark().column as i64 == indent && !at_end(s) {
        let trailing_blank = blank(s.c(0));
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
        leading_blank = blank(s.c(0));
        while !breakz(s.c(0)) {
            out.push(s.c(0));
            s.advance();
        }
        if !brk(s.c(0)) {
            break;
        }
        leading_break.push(s.line_break());
        block_breaks(s, &mut indent, &mut trailing_breaks, start, &mut end)?;
    }
    if chomping != -1 {
        out.push_str(&leading_break);
    }
    if chomping == 1 {
        out.push_str(&trailing_breaks);
    }
    Ok((out, end))
}

/// Skips the indentation and empty lines of a block scalar, detecting its indentation.
fn block_breaks(
    s: &mut Scanner,
    indent: &mut i64,
    breaks: &mut String,
    start: Mark,
    end: &mut Mark,
) -> R<()> {
    let mut max_indent = 0i64;
    *end = s.mark();
    loop {
        while (*indent == 0 || (s.mark().column as i64) < *indent) && s.c(0) == ' ' {
            s.advance();
        }
        max_indent = max_indent.max(s.mark().column as i64);
        if (*indent == 0 || (s.mark().column as i64) < *indent) && s.c(0) == '\t' {
            return Err(s.error_at(
                start,
                "found a tab character where an indentation space is expected",
            ));
        }
        if !brk(s.c(0)) {
            break;
        }
        breaks.push(s.line_break());
        *end = s.mark();
    }
    if *indent == 0 {
        *indent = max_indent.max(s.indent() + 1).max(1);
    }
    Ok(())
}

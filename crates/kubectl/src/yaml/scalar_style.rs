//! How go-yaml v2 writes one string: the encoder's first choice (literal block for text with
//! newlines, plain when the string reads back as a string, else double quotes), the emitter's
//! analysis that can demote plain to single quotes and single to double, and its folding of
//! long scalars at the first space past column 80.
//!
//! Almost every string in an object (names, images, UIDs, timestamps, reasons) is short,
//! printable ASCII on one line; [`quick_style`] decides those in one pass over the bytes and
//! they are copied whole. Everything else goes through the emitter's full analysis.

use super::resolve::needs_quotes;
use super::BEST_WIDTH;

#[derive(Default)]
struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || v == 0x85
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis { block_plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut block_indicators, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut line_breaks) = (false, false, false);
    let (mut prev_space, mut prev_break, mut preceded_by_ws) = (false, false, true);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let blankz = |c: Option<&char>| matches!(c, None | Some(' ' | '\t' | '\n' | '\r' | '\0'));
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = blankz(chars.get(i + 1));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == chars.len();
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if c == '\n' || c == '\r' {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == chars.len();
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = blankz(Some(&c));
    }
    let mut a = Analysis { block_plain_allowed: true, single_quoted_allowed: true, block_allowed: true };
    if leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.single_quoted_allowed = false;
        a.block_allowed = false;
        a.block_plain_allowed = false;
    }
    a
}


/// How a string is written. `Plain`, `Single` and `Double` from [`quick_style`] copy the text
/// unchanged between their quotes, so the decision can be remembered and replayed
/// ([`write_value_str`], [`push_known`]).
#[derive(PartialEq, Clone, Copy)]
pub(super) enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Writes string `s` starting at `column`; continuation lines start at `indent`.
pub fn write_str(out: &mut String, s: &str, indent: usize, column: usize, is_key: bool) {
    let style = quick_style(s, column, is_key);
    if !push_quick(out, s, style) {
        full(out, s, indent, column, is_key);
    }
}

/// Writes value string `s` as [`write_str`] does and returns its quick style, if it has one,
/// for the caller to remember ([`super::Memo`]): the same text at the same column
/// is then written with [`push_known`].
pub(super) fn write_value_str(out: &mut String, s: &str, indent: usize, column: usize) -> Option<Style> {
    let style = quick_style(s, column, false);
    if !push_quick(out, s, style) {
        full(out, s, indent, column, false);
    }
    style.filter(|&st| st != Style::Literal)
}

/// Writes `s` in the quick `style` [`write_value_str`] found for the same text.
#[inline(always)]
pub(super) fn push_known(out: &mut String, s: &str, style: Style) {
    match style {
        Style::Plain => out.push_str(s),
        Style::Single => {
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
        Style::Double | Style::Literal => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
    }
}

/// Writes `s` in a quick `style` (unchanged text, maybe between quotes); false when there is
/// none and the full analysis must write it.
#[inline]
fn push_quick(out: &mut String, s: &str, style: Option<Style>) -> bool {
    match style {
        Some(Style::Plain) => out.push_str(s),
        Some(Style::Single) => {
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
        Some(Style::Double) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Some(Style::Literal) | None => return false,
    }
    true
}

/// What [`quick_style`] does with each byte: most bytes of most strings are [`ORDINARY`], so
/// the scan is one table load and one compare per byte.
pub(super) const ORDINARY: u8 = 0;
const SPACE: u8 = 1;
const COLON: u8 = 2;
const HASH: u8 = 3;
/// `"`, `\` or `'`: fine in plain text, not in a quoted style that would have to escape them.
const QUOTE: u8 = 4;
/// A control character, DEL or a non-ASCII byte: the full analysis decides.
const FULL: u8 = 5;

pub(super) static BYTE_CLASS: [u8; 256] = {
    let mut table = [FULL; 256];
    let mut c = 0x21;
    while c <= 0x7E {
        table[c] = match c as u8 {
            b':' => COLON,
            b'#' => HASH,
            b'"' | b'\\' | b'\'' => QUOTE,
            _ => ORDINARY,
        };
        c += 1;
    }
    table[b' ' as usize] = SPACE;
    table
};

/// The high bit of every byte of the word `x` (eight bytes, little-endian) that is not
/// [`ORDINARY`]: below 0x21 (space, controls), 0x7F and above, `:`, `#`, `"`, `'` or `\\`.
/// Every such byte is flagged; a byte above a flagged one may be flagged too (a borrow of the
/// zero-byte test `v - 0x01.. & !v & 0x80..`), so callers look flagged bytes up in
/// [`BYTE_CLASS`].
pub(super) fn unordinary_mask(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_or_high = (x.wrapping_sub(ONES * 0x21) | x) & HIGH;
    // `"` (0x22) and `#` (0x23) differ in one bit.
    let quote_hash = zero_byte((x ^ (ONES * 0x22)) & (ONES * 0xFE));
    let others = zero_byte(x ^ (ONES * 0x7F)) | zero_byte(x ^ (ONES * b':' as u64)) | zero_byte(x ^ (ONES * b'\'' as u64)) | zero_byte(x ^ (ONES * b'\\' as u64));
    below_or_high | quote_hash | others
}

/// Does the word `x` hold a byte that is not [`ORDINARY`]? (Exact as a yes/no answer.)
#[cfg(test)]
pub(super) fn has_unordinary(x: u64) -> bool {
    unordinary_mask(x) != 0
}

/// Calls `each(i, b[i])` in increasing `i` for every byte of `b` that is not [`ORDINARY`] (and
/// maybe some that are: [`unordinary_mask`]) until it returns false; false if it did. Eight
/// bytes are tested at once, and only flagged bytes are visited: a short tail is read as one
/// word too (the last eight bytes, or the whole string from two overlapping loads).
pub(super) fn for_each_unordinary(b: &[u8], mut each: impl FnMut(usize, u8) -> bool) -> bool {
    let n = b.len();
    let mut at = 0;
    while let Some(word) = b.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        if !visit(b, u64::from_le_bytes(*word), u64::MAX, at, &mut each) {
            return false;
        }
        at += 8;
    }
    let rest = n - at;
    if rest == 0 {
        return true;
    }
    if let Some(last) = b.last_chunk::<8>() {
        // The last eight bytes; the first `8 - rest` of them were visited above.
        return visit(b, u64::from_le_bytes(*last), u64::MAX << (8 * (8 - rest)), n - 8, &mut each);
    }
    let word = match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        (Some(head), Some(tail)) => u64::from(u32::from_le_bytes(*head)) | (u64::from(u32::from_le_bytes(*tail)) << (8 * (n - 4))),
        // n is 1..=3: bytes 0, n/2 and n-1 cover them all.
        _ => u64::from(b[0]) | (u64::from(b[n / 2]) << (8 * (n / 2))) | (u64::from(b[n - 1]) << (8 * (n - 1))),
    };
    visit(b, word, (1u64 << (8 * n)) - 1, 0, &mut each)
}

/// [`for_each_unordinary`] for the bytes of `word` (read from `b` at `base`) that `mask` keeps.
#[inline(always)]
fn visit(b: &[u8], word: u64, mask: u64, base: usize, each: &mut impl FnMut(usize, u8) -> bool) -> bool {
    let mut mask = mask & unordinary_mask(word);
    // Bounded: each pass clears one bit of `mask`.
    while mask != 0 {
        let i = base + (mask.trailing_zeros() / 8) as usize;
        if !b.get(i).is_some_and(|&c| each(i, c)) {
            return false;
        }
        mask &= mask - 1;
    }
    true
}

/// The style of a string that go-yaml writes unchanged between its quotes, or None when the
/// full analysis must decide. That is printable ASCII without line breaks (so no escapes and
/// no literal block), no quote to double or escape in a quoted style, and no space past
/// column 80 where a value could fold. For such text the emitter's analysis reduces to: plain
/// unless an indicator (`- `, `: `, ` #`, a leading `[`…) or a leading/trailing space forbids
/// it, then single quotes; double quotes whenever the resolver would not read a string back.
fn quick_style(s: &str, column: usize, is_key: bool) -> Option<Style> {
    let b = s.as_bytes();
    let (&first, &last) = (b.first()?, b.last()?);
    let blank_after = |i: usize| b.get(i + 1).is_none_or(|&c| c == b' ');
    let mut indicator = matches!(
        first,
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`'
    ) || (matches!(first, b'?' | b':' | b'-') && blank_after(0))
        || b.starts_with(b"---")
        || b.starts_with(b"...");
    let (mut last_space, mut quotes) = (None, false);
    let quick = for_each_unordinary(b, |i, c| {
        match BYTE_CLASS[usize::from(c)] {
            ORDINARY => {}
            SPACE => last_space = Some(i),
            COLON => indicator |= i > 0 && blank_after(i),
            HASH => indicator |= i > 0 && b[i - 1] == b' ',
            QUOTE => quotes = true,
            _ => return false,
        }
        true
    });
    if !quick {
        return None;
    }
    // A quoted scalar starts one column later; folding needs a space past the best width.
    if !is_key && last_space.is_some_and(|i| column + 1 + i > BEST_WIDTH) {
        return None;
    }
    let style = if needs_quotes(s) {
        Style::Double
    } else if indicator || first == b' ' || last == b' ' {
        Style::Single
    } else {
        Style::Plain
    };
    (style == Style::Plain || !quotes).then_some(style)
}

/// The emitter's full decision for any string: encoder style, analysis, folding, escapes.
fn full(out: &mut String, s: &str, indent: usize, column: usize, is_key: bool) {
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if !needs_quotes(s) {
        Style::Plain
    } else {
        Style::Double
    };
    let a = analyze(s);
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && is_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || is_key) {
        style = Style::Double;
    }
    let allow_breaks = !is_key;
    match style {
        Style::Plain => folded(out, s, indent, column, allow_breaks, None),
        Style::Single => folded(out, s, indent, column, allow_breaks, Some('\'')),
        Style::Double => double_quoted(out, s, indent, column, allow_breaks),
        Style::Literal => literal(out, s, indent),
    }
}

/// Plain or single-quoted text, breaking at a single space once the column passes 80.
fn folded(out: &mut String, s: &str, indent: usize, column: usize, allow_breaks: bool, quote: Option<char>) {
    let chars: Vec<char> = s.chars().collect();
    let mut col = column;
    if let Some(q) = quote {
        out.push(q);
        col += 1;
    }
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            let inner = quote.is_none() || (i > 0 && i + 1 < chars.len());
            if allow_breaks && !spaces && col > BEST_WIDTH && inner && !next_space {
                out.push('\n');
                super::pad(out, indent);
                col = indent;
            } else {
                out.push(c);
                col += 1;
            }
            spaces = true;
        } else {
            if c == '\'' && quote.is_some() {
                out.push('\'');
                col += 1;
            }
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    if let Some(q) = quote {
        out.push(q);
    }
}

/// go-yaml's escape for `c` inside double quotes, if it has one.
fn escape(c: char) -> Option<std::borrow::Cow<'static, str>> {
    let fixed = match c {
        '\0' => "\\0",
        '\x07' => "\\a",
        '\x08' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\x0b' => "\\v",
        '\x0c' => "\\f",
        '\r' => "\\r",
        '\x1b' => "\\e",
        '"' => "\\\"",
        '\\' => "\\\\",
        '\u{85}' => "\\N",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        c if !is_printable(c) || c == '\u{feff}' => {
            let v = c as u32;
            return Some(
                if v <= 0xFF {
                    format!("\\x{v:02X}")
                } else if v <= 0xFFFF {
                    format!("\\u{v:04X}")
                } else {
                    format!("\\U{v:08X}")
                }
                .into(),
            );
        }
        _ => return None,
    };
    Some(fixed.into())
}

fn double_quoted(out: &mut String, s: &str, indent: usize, column: usize, allow_breaks: bool) {
    let chars: Vec<char> = s.chars().collect();
    out.push('"');
    let mut col = column + 1;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if let Some(e) = escape(c) {
            col += e.chars().count();
            out.push_str(&e);
            spaces = false;
        } else if c == ' ' {
            if allow_breaks && !spaces && col > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                out.push('\n');
                super::pad(out, indent);
                col = indent;
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                    col += 1;
                }
            } else {
                out.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    out.push('"');
}

/// `|`, `|-` or `|+` (with an indentation hint when the text starts with a space), then the
/// lines at `indent`; the final line break is left to the caller.
fn literal(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    let ends_break = s.ends_with('\n');
    if !ends_break {
        out.push('-');
    } else if s.len() == 1 || s[..s.len() - 1].ends_with('\n') {
        out.push('+');
    }
    out.push('\n');
    let mut breaks = true;
    for c in s.chars() {
        if c == '\n' {
            out.push('\n');
            breaks = true;
        } else {
            if breaks {
                super::pad(out, indent);
                breaks = false;
            }
            out.push(c);
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
}

//! go-yaml v2's resolver, asked one question: would this text, written as a plain scalar, read
//! back as something other than a string (null, a boolean, an integer, a float, a base-60
//! number, a timestamp)? If so the encoder double-quotes it. Every check works on the borrowed
//! text; only a number with `_` separators is copied (to drop them, as the resolver does).
//!
//! `-o yaml` asks this of every string it writes (tens of thousands for 200 pods), so the
//! answer is found from the first byte for almost all of them: only `~`, `.`, the first letters
//! of the resolver's words, digits and signs can start something that is not a string. Among
//! the rest, all-digit text (`resourceVersion`) and the API's own timestamp layout
//! (`2025-01-01T12:00:00Z`) are decided without the general checks, and text with a letter no
//! number form allows (UIDs, image digests) or with two dots (IP addresses) is a string.

use std::borrow::Cow;

const NULLS: [&str; 5] = ["", "~", "null", "Null", "NULL"];
const BOOLS: [&str; 22] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF",
];
const SPECIAL_FLOATS: [&str; 12] =
    [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"];
/// The longest of the words above: longer text is none of them.
pub(super) const LONGEST_WORD: usize = 5;

/// What the first byte of a text allows it to resolve to (see [`START`]).
const STRING: u8 = 0;
const WORD: u8 = 1;
const NUMBER: u8 = 2;

/// Per first byte: [`WORD`] for the first bytes of [`NULLS`], [`BOOLS`] and [`SPECIAL_FLOATS`]
/// (`+` and `-` start both words and numbers), [`NUMBER`] for digits and signs, else
/// [`STRING`]: nothing the resolver knows starts with it.
static START: [u8; 256] = {
    let mut table = [STRING; 256];
    let words = b"~nNyYtTfFoO.";
    let mut i = 0;
    while i < words.len() {
        table[words[i] as usize] = WORD;
        i += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        table[d as usize] = NUMBER;
        d += 1;
    }
    table[b'+' as usize] = NUMBER;
    table[b'-' as usize] = NUMBER;
    table
};

/// Would go-yaml's resolver read this plain text back as something other than a string?
/// Inlined: most text is decided by its first byte, the rest goes to [`resolves_other`].
#[inline]
pub fn needs_quotes(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&first) => START[usize::from(first)] != STRING && resolves_other(s),
    }
}

/// [`needs_quotes`] for text whose first byte starts a resolver word or a number.
#[inline(never)]
fn resolves_other(s: &str) -> bool {
    match s.as_bytes().first().map(|&c| START[usize::from(c)]) {
        Some(WORD) => is_word(s),
        _ => is_word(s) || number_like(s),
    }
}

/// One of the resolver's null, boolean or special-float words.
fn is_word(s: &str) -> bool {
    s.len() <= LONGEST_WORD && (NULLS.contains(&s) || BOOLS.contains(&s) || SPECIAL_FLOATS.contains(&s))
}

/// The checks for text starting with a digit or a sign, quickest answers first.
fn number_like(s: &str) -> bool {
    let b = s.as_bytes();
    let body = match b {
        [b'+' | b'-', rest @ ..] => rest,
        _ => b,
    };
    if !body.is_empty() && body.iter().all(u8::is_ascii_digit) {
        // An integer in base 10, or octal, or else a float: a number either way.
        return true;
    }
    if is_api_timestamp(b) {
        return true;
    }
    // Without `_` separators (which the resolver drops first, so `0_x1F` is hex) and without a
    // radix prefix (`0x`, `0o`, `0b`), the only letters a number or timestamp can hold are an
    // exponent's `e` and a timestamp's `T`, `t` and `Z`, and it has at most one dot.
    let prefixed = body.len() > 1 && body[0] == b'0' && body[1].is_ascii_alphabetic();
    if !prefixed && !b.contains(&b'_') {
        let mut dots = 0;
        for &c in b {
            match c {
                b'0'..=b'9' | b'+' | b'-' | b':' | b' ' | b'e' | b'E' | b'T' | b't' | b'Z' => {}
                b'.' => dots += 1,
                _ => return false,
            }
        }
        if dots > 1 {
            return false;
        }
    }
    resolves_to_number(s)
}

/// `2006-01-02T15:04:05Z` with digits in every digit place: the layout the API writes every
/// `metav1.Time` in, which [`is_timestamp`] accepts.
fn is_api_timestamp(b: &[u8]) -> bool {
    const LAYOUT: &[u8; 20] = b"0000-00-00T00:00:00Z";
    b.len() == LAYOUT.len() && b.iter().zip(LAYOUT).all(|(&c, &l)| if l == b'0' { c.is_ascii_digit() } else { c == l })
}

/// The resolver's timestamp, base-60, integer and float checks, in its order.
fn resolves_to_number(s: &str) -> bool {
    if is_timestamp(s) || is_base60(s) {
        return true;
    }
    let digits: Cow<'_, str> = if s.contains('_') { Cow::Owned(s.replace('_', "")) } else { Cow::Borrowed(s) };
    is_go_int(&digits) || is_yaml_float(&digits)
}

fn is_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let (digits, radix) = match body {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', b'o' | b'O', rest @ ..] => (rest, 8),
        [b'0', b'b' | b'B', rest @ ..] => (rest, 2),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        _ => (body, 10),
    };
    !digits.is_empty() && digits.iter().all(|&c| char::from(c).is_digit(radix))
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_digit())
}

fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mantissa_ok = if let Some(frac) = mantissa.strip_prefix('.') {
        !frac.is_empty() && all_digits(frac)
    } else {
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        !int.is_empty() && all_digits(int) && all_digits(frac)
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exp_ok
}

/// YAML 1.1 sexagesimal numbers (`1:30`, `-12:05:00.5`), which go-yaml v2 still resolves.
pub fn is_base60(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match b.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (b, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit) && head.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    if !head_ok {
        return false;
    }
    let mut rest = 0;
    for p in parts {
        let ok = (1..=2).contains(&p.len()) && all_digits(p) && (p.len() == 1 || p.as_bytes()[0] <= b'5');
        if !ok {
            return false;
        }
        rest += 1;
    }
    rest > 0 && frac.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'))
}

/// A run of 1..=`max` ASCII digits.
fn num(p: &str, max: usize) -> bool {
    !p.is_empty() && p.len() <= max && all_digits(p)
}

/// Exactly three `sep`-separated parts, each 1..=`max[i]` digits.
fn three_numbers(s: &str, sep: char, max: [usize; 3]) -> bool {
    let mut parts = s.split(sep);
    max.iter().all(|&m| parts.next().is_some_and(|p| num(p, m))) && parts.next().is_none()
}

/// go-yaml's quick timestamp check followed by its four accepted layouts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((&s[i..i + 1], &s[i + 1..]))),
        None => (s, None),
    };
    if !three_numbers(date, '-', [4, 2, 2]) {
        return false;
    }
    let Some((sep, t)) = time else { return true };
    let (clock, zone) = if sep == " " {
        (t, "")
    } else if let Some(c) = t.strip_suffix('Z') {
        (c, "Z")
    } else {
        match t.rfind(['+', '-']) {
            Some(i) => (&t[..i], &t[i..]),
            None => return false,
        }
    };
    if sep != " " && zone.is_empty() {
        return false;
    }
    let (hms, frac) = match clock.find('.') {
        Some(i) => (&clock[..i], Some(&clock[i + 1..])),
        None => (clock, None),
    };
    let zone_ok = zone.is_empty() || zone == "Z" || {
        let z = zone[1..].as_bytes();
        z.len() == 5 && z[..2].iter().all(u8::is_ascii_digit) && z[2] == b':' && z[3..].iter().all(u8::is_ascii_digit)
    };
    three_numbers(hms, ':', [2, 2, 2]) && frac.is_none_or(|f| num(f, 9)) && zone_ok
}

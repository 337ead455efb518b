//! The reference writer's scalar styles (see `super`), verbatim. How go-yaml v2 writes one
//! string: the encoder's first choice (literal block for text with newlines, plain when the
//! string reads back as a string, else double quotes), the emitter's analysis that can demote
//! plain to single quotes and single to double, and its folding of long scalars at the first
//! space past column 80.

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

/// Would go-yaml's resolver read this plain text back as something other than a string?
pub fn needs_quotes(s: &str) -> bool {
    const NULLS: [&str; 5] = ["", "~", "null", "Null", "NULL"];
    const BOOLS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    const SPECIAL_FLOATS: [&str; 12] = [
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ];
    if NULLS.contains(&s) || BOOLS.contains(&s) || SPECIAL_FLOATS.contains(&s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || first == '+' || first == '-') {
        return false;
    }
    is_timestamp(s) || is_go_int(&s.replace('_', "")) || is_yaml_float(&s.replace('_', "")) || is_base60(s)
}

fn is_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower.clone(), 10)
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mantissa_ok = if let Some(frac) = mantissa.strip_prefix('.') {
        !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit())
    } else {
        let mut parts = mantissa.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next().unwrap_or("");
        !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit())
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exp_ok
}

fn is_base60(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match b.find('.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let head_ok = head.chars().next().is_some_and(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    let rest_ok = !rest.is_empty()
        && rest.iter().all(|p| {
            (1..=2).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || p.as_bytes()[0] <= b'5')
        });
    head_ok && rest_ok && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
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
    let dp: Vec<&str> = date.split('-').collect();
    let num = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.chars().all(|c| c.is_ascii_digit());
    if dp.len() != 3 || !num(dp[0], 4) || !num(dp[1], 2) || !num(dp[2], 2) {
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
    let tp: Vec<&str> = hms.split(':').collect();
    let zone_ok = zone.is_empty() || zone == "Z" || {
        let z = &zone[1..];
        z.len() == 5 && num(&z[..2], 2) && &z[2..3] == ":" && num(&z[3..], 2)
    };
    tp.len() == 3 && tp.iter().all(|p| num(p, 2)) && frac.is_none_or(|f| num(f, 9)) && zone_ok
}

#[derive(PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Renders string `s` starting at `column`; continuation lines start at `indent`.
pub fn scalar_str(s: &str, indent: usize, column: usize, is_key: bool) -> String {
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if !needs_quotes(s) && !is_base60(s) {
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
        Style::Plain => folded(s, indent, column, allow_breaks, None),
        Style::Single => folded(s, indent, column, allow_breaks, Some('\'')),
        Style::Double => double_quoted(s, indent, column, allow_breaks),
        Style::Literal => literal(s, indent),
    }
}

/// Plain or single-quoted text, breaking at a single space once the column passes 80.
fn folded(s: &str, indent: usize, column: usize, allow_breaks: bool, quote: Option<char>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 2);
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
                out.extend(std::iter::repeat_n(' ', indent));
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
    out
}

fn double_quoted(s: &str, indent: usize, column: usize, allow_breaks: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::from("\"");
    let mut col = column + 1;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\0' => Some("\\0".to_string()),
            '\x07' => Some("\\a".into()),
            '\x08' => Some("\\b".into()),
            '\t' => Some("\\t".into()),
            '\n' => Some("\\n".into()),
            '\x0b' => Some("\\v".into()),
            '\x0c' => Some("\\f".into()),
            '\r' => Some("\\r".into()),
            '\x1b' => Some("\\e".into()),
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\u{85}' => Some("\\N".into()),
            '\u{2028}' => Some("\\L".into()),
            '\u{2029}' => Some("\\P".into()),
            c if !is_printable(c) || c == '\u{feff}' => {
                let v = c as u32;
                Some(if v <= 0xFF {
                    format!("\\x{v:02X}")
                } else if v <= 0xFFFF {
                    format!("\\u{v:04X}")
                } else {
                    format!("\\U{v:08X}")
                })
            }
            _ => None,
        };
        if let Some(e) = escape {
            col += e.chars().count();
            out.push_str(&e);
            spaces = false;
        } else if c == ' ' {
            if allow_breaks && !spaces && col > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
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
    out
}

/// `|`, `|-` or `|+` (with an indentation hint when the text starts with a space), then the
/// lines at `indent`; the final line break is left to the caller.
fn literal(s: &str, indent: usize) -> String {
    let mut out = String::from("|");
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
                out.extend(std::iter::repeat_n(' ', indent));
                breaks = false;
            }
            out.push(c);
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

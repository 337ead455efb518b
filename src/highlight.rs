//! YAML syntax highlighting for the editor overlay. A line-by-line tokenizer (no YAML parser:
//! the editor must colour half-typed, invalid text too) that classifies keys, strings, numbers,
//! booleans/null, comments, `-` list markers and `---` document separators, plus the HTML the
//! overlay shows. Pure Rust so it is tested natively and never panics on any input.

/// What a run of characters is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Plain,
    Key,
    Punct,
    Str,
    Number,
    Bool,
    Comment,
    ListMarker,
    DocSeparator,
}

impl TokenKind {
    /// The CSS class of the overlay span (`None` = plain text, no span).
    pub fn class(self) -> Option<&'static str> {
        match self {
            TokenKind::Plain => None,
            TokenKind::Key => Some("y-key"),
            TokenKind::Punct => Some("y-punct"),
            TokenKind::Str => Some("y-str"),
            TokenKind::Number => Some("y-num"),
            TokenKind::Bool => Some("y-bool"),
            TokenKind::Comment => Some("y-comment"),
            TokenKind::ListMarker => Some("y-list"),
            TokenKind::DocSeparator => Some("y-doc"),
        }
    }
}

/// One coloured run of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
}

/// Splits one line into tokens whose texts concatenate back to the line exactly.
pub fn tokenize_line(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let trimmed = line.trim_end();
    if trimmed == "---" || trimmed == "..." {
        out.push(Token { kind: TokenKind::DocSeparator, text: line });
        return out;
    }
    let mut rest = line;
    // Leading indentation and list markers (`- - key: v` is legal YAML).
    loop {
        let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        push(&mut out, TokenKind::Plain, &rest[..ws]);
        rest = &rest[ws..];
        if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
            push(&mut out, TokenKind::ListMarker, &rest[..1]);
            rest = &rest[1..];
        } else {
            break;
        }
    }
    if rest.starts_with('#') {
        push(&mut out, TokenKind::Comment, rest);
        return out;
    }
    if let Some(colon) = key_colon(rest) {
        push(&mut out, TokenKind::Key, &rest[..colon]);
        push(&mut out, TokenKind::Punct, &rest[colon..colon + 1]);
        rest = &rest[colon + 1..];
    }
    value_tokens(rest, &mut out);
    out
}

fn push<'a>(out: &mut Vec<Token<'a>>, kind: TokenKind, text: &'a str) {
    if !text.is_empty() {
        out.push(Token { kind, text });
    }
}

/// Byte offset of the `:` that ends a mapping key at the start of `s`, if `s` starts with one.
/// The colon must be followed by a space, a tab or the end of the line (so `image: a:b` and
/// URLs stay values), and a quoted key may contain anything.
fn key_colon(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    let search_from = if first == b'"' || first == b'\'' {
        let close = s[1..].find(first as char)? + 1;
        close + 1
    } else {
        if matches!(first, b'[' | b'{' | b'|' | b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`') {
            return None;
        }
        0
    };
    let mut i = search_from;
    while i < bytes.len() {
        match bytes[i] {
            b':' => {
                let next = bytes.get(i + 1);
                if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                    return if i == 0 { None } else { Some(i) };
                }
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Tokens of a value part: whitespace, then a quoted string / scalar, then an optional comment.
fn value_tokens<'a>(s: &'a str, out: &mut Vec<Token<'a>>) {
    let ws = s.len() - s.trim_start_matches([' ', '\t']).len();
    push(out, TokenKind::Plain, &s[..ws]);
    let body = &s[ws..];
    if body.is_empty() {
        return;
    }
    if body.starts_with('#') {
        push(out, TokenKind::Comment, body);
        return;
    }
    let (value, comment) = split_comment(body);
    let trimmed = value.trim_end();
    let kind = scalar_kind(trimmed);
    push(out, kind, trimmed);
    push(out, TokenKind::Plain, &value[trimmed.len()..]);
    push(out, TokenKind::Comment, comment);
}

/// Splits `value  # comment` at a `#` preceded by whitespace and outside quotes.
fn split_comment(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'[' || bytes[i - 1] == b',') => quote = Some(b),
            None if b == b'#' && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => return (&s[..i], &s[i..]),
            None => {}
        }
    }
    (s, "")
}

fn scalar_kind(v: &str) -> TokenKind {
    if v.starts_with('"') || v.starts_with('\'') || v.starts_with('[') || v.starts_with('{') {
        return if v.starts_with('[') || v.starts_with('{') { TokenKind::Plain } else { TokenKind::Str };
    }
    match v {
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~" => return TokenKind::Bool,
        _ => {}
    }
    if is_number(v) {
        TokenKind::Number
    } else if v == "|" || v == ">" || v.starts_with("|-") || v.starts_with(">-") || v.starts_with("|+") || v.starts_with(">+") {
        TokenKind::Punct
    } else {
        TokenKind::Str
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty() {
        return false;
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let mut dots = 0;
    digits.chars().all(|c| {
        if c == '.' {
            dots += 1;
            dots == 1
        } else {
            c.is_ascii_digit()
        }
    }) && digits.chars().any(|c| c.is_ascii_digit())
}

/// Escapes text for HTML element content.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The overlay's HTML for a whole document: escaped tokens in spans, one line per `\n`, plus a
/// trailing newline so the overlay is as tall as the textarea (which shows an empty last line).
pub fn highlight_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() * 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            html.push('\n');
        }
        for tok in tokenize_line(line) {
            match tok.kind.class() {
                Some(class) => {
                    html.push_str("<span class=\"");
                    html.push_str(class);
                    html.push_str("\">");
                    html.push_str(&escape_html(tok.text));
                    html.push_str("</span>");
                }
                None => html.push_str(&escape_html(tok.text)),
            }
        }
    }
    html.push('\n');
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(line: &str) -> Vec<(TokenKind, &str)> {
        tokenize_line(line).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn key_and_string_value() {
        assert_eq!(kinds("  name: main-app"), vec![(Plain, "  "), (Key, "name"), (Punct, ":"), (Plain, " "), (Str, "main-app")]);
    }

    #[test]
    fn list_marker_then_key() {
        assert_eq!(kinds("  - name: x"), vec![(Plain, "  "), (ListMarker, "-"), (Plain, " "), (Key, "name"), (Punct, ":"), (Plain, " "), (Str, "x")]);
    }

    #[test]
    fn numbers_booleans_comments() {
        assert_eq!(kinds("replicas: 3 # three"), vec![(Key, "replicas"), (Punct, ":"), (Plain, " "), (Number, "3"), (Plain, " "), (Comment, "# three")]);
        assert_eq!(kinds("readOnly: true"), vec![(Key, "readOnly"), (Punct, ":"), (Plain, " "), (Bool, "true")]);
        assert_eq!(kinds("  # a note"), vec![(Plain, "  "), (Comment, "# a note")]);
        assert_eq!(kinds("cpu: 0.5")[3], (Number, "0.5"));
        assert_eq!(kinds("cpu: 500m")[3], (Str, "500m"));
    }

    #[test]
    fn document_separator_and_block_scalar() {
        assert_eq!(kinds("---"), vec![(DocSeparator, "---")]);
        assert_eq!(kinds("script: |")[3], (Punct, "|"));
    }

    #[test]
    fn colon_inside_value_is_not_a_key() {
        assert_eq!(kinds("image: nginx:1.25")[3], (Str, "nginx:1.25"));
        assert_eq!(kinds("- http://x")[2], (Str, "http://x"));
    }

    #[test]
    fn quoted_strings_keep_hash() {
        let k = kinds(r##"command: ["sh", "-c", "echo # not a comment"]"##);
        assert!(k.iter().all(|(kind, _)| *kind != Comment), "{k:?}");
        assert_eq!(kinds("a: \"x # y\"")[3], (Str, "\"x # y\""));
    }

    #[test]
    fn tokens_rebuild_the_line_for_any_input() {
        for line in ["", "-", "- ", ":", "::", "a:", "'k: v': 1", "\"unterminated", "  -  - a: b # c", "é: ü", "#", "{a: b}", "a:b"] {
            let joined: String = tokenize_line(line).iter().map(|t| t.text).collect();
            assert_eq!(joined, line);
        }
    }

    #[test]
    fn html_is_escaped_and_line_count_kept() {
        let html = highlight_html("a: <b>\n# &");
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("&amp;"));
        assert_eq!(html.matches('\n').count(), 2);
    }
}

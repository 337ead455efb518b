//! Editing operations of the YAML editor, as pure functions on (text, selection): Tab/Shift+Tab
//! indent and outdent the selected lines by two spaces (YAML forbids tabs), Enter keeps the
//! line's indentation and adds two after a trailing `:` (and keeps a list item's alignment).
//! The textarea reports selections in UTF-16 code units, so conversions live here too.

/// A text plus a selection, both ends as byte offsets into the text (start <= end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

pub const INDENT: &str = "  ";

/// The byte offset of UTF-16 offset `u` in `s` (clamped to the text and to char boundaries).
pub fn utf16_to_byte(s: &str, u: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= u {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

/// The UTF-16 offset of byte offset `b` in `s`.
pub fn byte_to_utf16(s: &str, b: usize) -> usize {
    s.char_indices().take_while(|(i, _)| *i < b).map(|(_, c)| c.len_utf16()).sum()
}

fn clamp(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

fn line_start(s: &str, b: usize) -> usize {
    s[..b].rfind('\n').map_or(0, |i| i + 1)
}

/// Start offsets of the lines touched by [start, end]; a selection ending at the very start of
/// a line does not touch that line (as in every code editor).
fn touched_lines(s: &str, start: usize, end: usize) -> Vec<usize> {
    let first = line_start(s, start);
    let mut last_pos = end;
    if end > start && end > 0 && s.as_bytes()[end - 1] == b'\n' {
        last_pos = end - 1;
    }
    let mut starts = vec![first];
    let mut i = first;
    while let Some(nl) = s[i..last_pos.max(i)].find('\n') {
        i += nl + 1;
        starts.push(i);
    }
    starts
}

/// Tab: with no selection, inserts two spaces at the cursor; otherwise indents every touched
/// line by two spaces, keeping the same text selected.
pub fn indent(text: &str, start: usize, end: usize) -> Edit {
    let (start, end) = ordered(text, start, end);
    if start == end {
        let mut t = text.to_string();
        t.insert_str(start, INDENT);
        return Edit { text: t, start: start + 2, end: start + 2 };
    }
    let lines = touched_lines(text, start, end);
    let mut t = text.to_string();
    for &ls in lines.iter().rev() {
        t.insert_str(ls, INDENT);
    }
    let new_start = if lines[0] == start { start } else { start + 2 };
    Edit { text: t, start: new_start, end: end + 2 * lines.len() }
}

/// Shift+Tab: removes up to two leading spaces from every touched line.
pub fn outdent(text: &str, start: usize, end: usize) -> Edit {
    let (start, end) = ordered(text, start, end);
    let lines = touched_lines(text, start, end);
    let mut t = text.to_string();
    let (mut new_start, mut new_end) = (start, end);
    for &ls in lines.iter().rev() {
        let removed = t[ls..].bytes().take(2).take_while(|&b| b == b' ').count();
        if removed == 0 {
            continue;
        }
        t.replace_range(ls..ls + removed, "");
        new_end = shift_back(new_end, ls, removed);
        new_start = shift_back(new_start, ls, removed);
    }
    Edit { text: t, start: new_start, end: new_end }
}

fn shift_back(pos: usize, at: usize, removed: usize) -> usize {
    if pos <= at {
        pos
    } else {
        pos - removed.min(pos - at)
    }
}

/// Enter: replaces the selection with a newline plus the current line's indentation, two more
/// spaces after a line ending in `:` and, inside a `- ` list item, the item's content column.
pub fn newline(text: &str, start: usize, end: usize) -> Edit {
    let (start, end) = ordered(text, start, end);
    let ls = line_start(text, start);
    let before = &text[ls..start];
    let mut indent: usize = before.len() - before.trim_start_matches(' ').len();
    let after_indent = &before[indent..];
    // `- name: x` continues at the column of `name`.
    let mut item = after_indent;
    while let Some(rest) = item.strip_prefix("- ") {
        indent += 2;
        item = rest.trim_start_matches(' ');
        indent += rest.len() - item.len();
    }
    let code = strip_comment(before).trim_end();
    if code.ends_with(':') {
        indent += 2;
    }
    let insert = format!("\n{}", " ".repeat(indent));
    let mut t = String::with_capacity(text.len() + insert.len());
    t.push_str(&text[..start]);
    t.push_str(&insert);
    t.push_str(&text[end..]);
    let cursor = start + insert.len();
    Edit { text: t, start: cursor, end: cursor }
}

fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => &line[..i],
        None if line.trim_start().starts_with('#') => "",
        None => line,
    }
}

fn ordered(text: &str, a: usize, b: usize) -> (usize, usize) {
    let (a, b) = (clamp(text, a), clamp(text, b));
    (a.min(b), a.max(b))
}

/// 1-based line number of a byte offset (for the status bar and error jumps).
pub fn line_of(text: &str, b: usize) -> usize {
    text[..clamp(text, b)].matches('\n').count() + 1
}

/// Byte offset of the start of 1-based line `line` (end of text when past the last line).
pub fn offset_of_line(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_without_selection_inserts_two_spaces() {
        assert_eq!(indent("ab", 1, 1), Edit { text: "a  b".into(), start: 3, end: 3 });
    }

    #[test]
    fn tab_indents_every_selected_line() {
        let text = "a:\nb:\nc:\n";
        // Select "a:\nb:" (from line 1 into line 2).
        let e = indent(text, 0, 4);
        assert_eq!(e.text, "  a:\n  b:\nc:\n");
        assert_eq!((e.start, e.end), (0, 8));
    }

    #[test]
    fn selection_ending_at_line_start_leaves_that_line() {
        let e = indent("a\nb\n", 0, 2);
        assert_eq!(e.text, "  a\nb\n");
    }

    #[test]
    fn shift_tab_outdents_up_to_two_spaces() {
        let e = outdent("    a\n b\nc", 0, 10);
        assert_eq!(e.text, "  a\nb\nc");
        let e = outdent("  x", 3, 3);
        assert_eq!((e.text.as_str(), e.start), ("x", 1));
    }

    #[test]
    fn enter_keeps_indent_and_adds_two_after_colon() {
        let e = newline("spec:", 5, 5);
        assert_eq!(e.text, "spec:\n  ");
        assert_eq!(e.start, 8);
        let e = newline("  image: busybox", 16, 16);
        assert_eq!(e.text, "  image: busybox\n  ");
        let e = newline("  volumes: # lockers", 20, 20);
        assert!(e.text.ends_with("\n    "));
    }

    #[test]
    fn enter_inside_list_item_aligns_with_item() {
        let e = newline("  - name: app", 13, 13);
        assert_eq!(e.text, "  - name: app\n    ");
        let e = newline("  - volumeMounts:", 17, 17);
        assert_eq!(e.text, "  - volumeMounts:\n      ");
    }

    #[test]
    fn utf16_conversions_round_trip() {
        let s = "é😀a";
        assert_eq!(utf16_to_byte(s, 1), 2);
        assert_eq!(utf16_to_byte(s, 3), 6);
        assert_eq!(byte_to_utf16(s, 6), 3);
        assert_eq!(utf16_to_byte(s, 99), s.len());
    }

    #[test]
    fn out_of_range_offsets_never_panic() {
        for (a, b) in [(0, 99), (99, 0), (3, 3), (1, 2)] {
            let _ = indent("é\n😀", a, b);
            let _ = outdent("é\n😀", a, b);
            let _ = newline("é\n😀", a, b);
        }
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(offset_of_line("a\nb\nc", 3), 4);
        assert_eq!(offset_of_line("a", 9), 1);
    }
}

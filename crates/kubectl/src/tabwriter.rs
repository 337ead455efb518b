//! A port of Go's `text/tabwriter` column algorithm, which is what lays out every kubectl
//! table (`kubectl get`: minwidth 6, padding 3) and every describe section (minwidth 0,
//! padding 2). Cells are tab-terminated; the text after a line's last tab is not part of a
//! column; consecutive lines sharing a column form a block aligned together; a line without
//! any tab ends all blocks (Go flushes there). Widths count Unicode scalar values like Go.

/// Layout parameters, as passed to Go's `tabwriter.NewWriter` (pad char is always ' ').
#[derive(Debug, Clone, Copy)]
pub struct TabConfig {
    pub min_width: usize,
    pub padding: usize,
}

/// kubectl's table printer (`printers.GetNewTabWriter`).
pub const TABLE: TabConfig = TabConfig { min_width: 6, padding: 3 };
/// kubectl describe's `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`.
pub const DESCRIBE: TabConfig = TabConfig { min_width: 0, padding: 2 };

/// The cells of the buffered lines: one flat list and each line's range in it, so a table of
/// hundreds of rows costs two vectors rather than one per row.
struct Lines<'t> {
    cells: Vec<&'t str>,
    ranges: Vec<(usize, usize)>,
}

impl<'t> Lines<'t> {
    fn line(&self, i: usize) -> &[&'t str] {
        let (a, b) = self.ranges[i];
        &self.cells[a..b]
    }

    fn len(&self) -> usize {
        self.ranges.len()
    }

    fn clear(&mut self) {
        self.cells.clear();
        self.ranges.clear();
    }
}

/// Lays out `text` (lines of tab-separated cells) the way Go's tabwriter would on Flush.
pub fn layout(text: &str, cfg: TabConfig) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut lines = Lines { cells: Vec::new(), ranges: Vec::new() };
    if text.is_empty() {
        return out;
    }
    let ends_with_newline = text.ends_with('\n');
    let body = if ends_with_newline { &text[..text.len() - 1] } else { text };
    // One pass over the bytes cuts cells at tabs and lines at newlines (both ASCII, so every
    // cut is on a character boundary); the text after the last newline is the last line.
    let (mut cell_start, mut line_start) = (0, 0);
    for_each_separator(body.as_bytes(), |i, c| {
        lines.cells.push(&body[cell_start..i]);
        cell_start = i + 1;
        if c == b'\n' {
            end_line(&mut lines, &mut line_start, cfg, &mut out, false);
        }
    });
    lines.cells.push(&body[cell_start..]);
    end_line(&mut lines, &mut line_start, cfg, &mut out, !ends_with_newline);
    if lines.len() > 0 {
        flush(&lines, cfg, &mut out, !ends_with_newline);
    }
    out
}

/// Calls `hit(index, byte)` for every tab and newline in `bytes`, in order. Eight bytes are
/// tested at a time (a word-wide zero-byte test of the word xor'ed with each separator): a
/// table's text is mostly cell text, and scanning it byte by byte was a fifth of `get events`.
fn for_each_separator(bytes: &[u8], mut hit: impl FnMut(usize, u8)) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const TABS: u64 = 0x0909_0909_0909_0909;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    // 0x80 in exactly the bytes of `x` that are zero: adding 0x7f to the low seven bits sets
    // the high bit of every other byte without carrying into the next one.
    let zero_bytes = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { continue };
        let word = u64::from_le_bytes(word);
        let mut found = zero_bytes(word ^ TABS) | zero_bytes(word ^ NEWLINES);
        while found != 0 {
            let at = base + found.trailing_zeros() as usize / 8;
            hit(at, chunk[at - base]);
            found &= found - 1;
        }
        base += 8;
    }
    for (offset, &c) in chunks.remainder().iter().enumerate() {
        if c == b'\t' || c == b'\n' {
            hit(base + offset, c);
        }
    }
}

/// Closes the line whose cells start at `line_start`; Go flushes the buffered block when a
/// line holds a single cell (`last`: it is the text's last line and has no newline).
fn end_line<'t>(lines: &mut Lines<'t>, line_start: &mut usize, cfg: TabConfig, out: &mut String, last: bool) {
    lines.ranges.push((*line_start, lines.cells.len()));
    if lines.cells.len() - *line_start == 1 {
        flush(lines, cfg, out, last);
        lines.clear();
    }
    *line_start = lines.cells.len();
}

fn flush(lines: &Lines<'_>, cfg: TabConfig, out: &mut String, no_final_newline: bool) {
    let mut widths = Vec::new();
    format_block(lines, 0, lines.len(), &mut widths, cfg, out);
    if no_final_newline && out.ends_with('\n') {
        out.pop();
    }
}

/// Columns a cell occupies: Go counts Unicode scalar values.
fn width_of(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Go's recursive `format`: finds the column blocks of column `widths.len()` inside
/// lines[line0..line1] and prints the lines with the widths known so far.
fn format_block(lines: &Lines<'_>, mut line0: usize, line1: usize, widths: &mut Vec<usize>, cfg: TabConfig, out: &mut String) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines.line(this).len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = cfg.min_width;
        while this < line1 && column + 1 < lines.line(this).len() {
            width = width.max(width_of(lines.line(this)[column]) + cfg.padding);
            this += 1;
        }
        widths.push(width);
        format_block(lines, line0, this, widths, cfg, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

const SPACES: &str = "                                                                ";

fn write_lines(lines: &Lines<'_>, line0: usize, line1: usize, widths: &[usize], out: &mut String) {
    for l in line0..line1 {
        let line = lines.line(l);
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            // Only tab-terminated cells are padded; the last cell of a line never is.
            if j + 1 < line.len() && j < widths.len() {
                let mut pad = widths[j].saturating_sub(width_of(cell));
                while pad > 0 {
                    let k = pad.min(SPACES.len());
                    out.push_str(&SPACES[..k]);
                    pad -= k;
                }
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns() {
        let t = "NAME\tREADY\tSTATUS\nweb\t1/1\tRunning\nverylongname-abc\t0/1\tPending\n";
        let want = "NAME               READY   STATUS\nweb                1/1     Running\nverylongname-abc   0/1     Pending\n";
        assert_eq!(layout(t, TABLE), want);
    }

    #[test]
    fn min_width_applies_to_short_columns() {
        assert_eq!(layout("A\tB\nx\ty\n", TABLE), "A     B\nx     y\n");
    }

    #[test]
    fn single_cell_line_ends_blocks() {
        let t = "Name:\tweb\nLabels:\tapp=x\nContainers:\n  app:\n    Image:\tnginx\n";
        let want = "Name:    web\nLabels:  app=x\nContainers:\n  app:\n    Image:  nginx\n";
        assert_eq!(layout(t, DESCRIBE), want);
    }

    #[test]
    fn nested_blocks_align_independently() {
        let t = "a\tb\tc\nlonger\tb\nx\ty\tz\n";
        let want = "a       b  c\nlonger  b\nx       y  z\n";
        assert_eq!(layout(t, DESCRIBE), want);
    }

    /// The layout as it was before the flat cell buffer (a `Vec` per line), the reference
    /// the rewrite must match byte for byte.
    mod reference {
        use super::super::TabConfig;

        /// Lays out `text` (lines of tab-separated cells) the way Go's tabwriter would on Flush.
        pub fn layout(text: &str, cfg: TabConfig) -> String {
            let mut out = String::with_capacity(text.len() + text.len() / 4);
            let mut lines: Vec<Vec<&str>> = Vec::new();
            let ends_with_newline = text.ends_with('\n');
            let body = if ends_with_newline { &text[..text.len() - 1] } else { text };
            let all: Vec<&str> = if text.is_empty() { Vec::new() } else { body.split('\n').collect() };
            let count = all.len();
            for (i, line) in all.into_iter().enumerate() {
                let cells: Vec<&str> = line.split('\t').collect();
                let single = cells.len() == 1;
                lines.push(cells);
                // Go flushes the buffered block when a line holds a single cell.
                if single {
                    let last = i + 1 == count && !ends_with_newline;
                    flush(&lines, cfg, &mut out, last);
                    lines.clear();
                }
            }
            if !lines.is_empty() {
                flush(&lines, cfg, &mut out, !ends_with_newline);
            }
            out
        }

        fn flush(lines: &[Vec<&str>], cfg: TabConfig, out: &mut String, no_final_newline: bool) {
            let mut widths = Vec::new();
            format_block(lines, 0, lines.len(), &mut widths, cfg, out);
            if no_final_newline && out.ends_with('\n') {
                out.pop();
            }
        }

        fn width_of(s: &str) -> usize {
            s.chars().count()
        }

        /// Go's recursive `format`: finds the column blocks of column `widths.len()` inside
        /// lines[line0..line1] and prints the lines with the widths known so far.
        fn format_block(
            lines: &[Vec<&str>],
            mut line0: usize,
            line1: usize,
            widths: &mut Vec<usize>,
            cfg: TabConfig,
            out: &mut String,
        ) {
            let column = widths.len();
            let mut this = line0;
            while this < line1 {
                if column + 1 >= lines[this].len() {
                    this += 1;
                    continue;
                }
                write_lines(lines, line0, this, widths, out);
                line0 = this;
                let mut width = cfg.min_width;
                while this < line1 && column + 1 < lines[this].len() {
                    width = width.max(width_of(lines[this][column]) + cfg.padding);
                    this += 1;
                }
                widths.push(width);
                format_block(lines, line0, this, widths, cfg, out);
                widths.pop();
                line0 = this;
            }
            write_lines(lines, line0, line1, widths, out);
        }

        fn write_lines(lines: &[Vec<&str>], line0: usize, line1: usize, widths: &[usize], out: &mut String) {
            for line in &lines[line0..line1] {
                for (j, cell) in line.iter().enumerate() {
                    out.push_str(cell);
                    // Only tab-terminated cells are padded; the last cell of a line never is.
                    if j + 1 < line.len() && j < widths.len() {
                        let pad = widths[j].saturating_sub(width_of(cell));
                        out.extend(std::iter::repeat_n(' ', pad));
                    }
                }
                out.push('\n');
            }
        }
    }

    /// Bytes where separators, their neighbours and look-alikes (0x89 is a tab with the high
    /// bit set, 0x08 and 0x0b are one off) are common.
    fn tricky_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let byte = prop_oneof![Just(b'\t'), Just(b'\n'), Just(0x08u8), Just(0x0b), Just(0x89), Just(0x8a), Just(0), any::<u8>()];
        proptest::collection::vec(byte, 0..80)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, .. proptest::prelude::ProptestConfig::default() })]

        #[test]
        fn separators_found_like_a_byte_loop(bytes in tricky_bytes()) {
            let mut found = Vec::new();
            for_each_separator(&bytes, |i, c| found.push((i, c)));
            let want: Vec<(usize, u8)> = bytes.iter().copied().enumerate().filter(|(_, c)| *c == b'\t' || *c == b'\n').collect();
            proptest::prop_assert_eq!(found, want);
        }

        #[test]
        fn long_cells_lay_out_as_the_reference(text in "([a-zé✓ ]{0,19}[\t\n]){0,30}[a-z✓]{0,9}", table in proptest::bool::ANY) {
            let cfg = if table { TABLE } else { DESCRIBE };
            proptest::prop_assert_eq!(layout(&text, cfg), reference::layout(&text, cfg));
        }

        #[test]
        fn same_layout_as_the_reference(text in "([a-zé✓ ]{0,7}[\t\n]){0,40}[a-z]{0,3}", table in proptest::bool::ANY) {
            let cfg = if table { TABLE } else { DESCRIBE };
            proptest::prop_assert_eq!(layout(&text, cfg), reference::layout(&text, cfg));
        }
    }
}

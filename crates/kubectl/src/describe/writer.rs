//! describe.go's PrefixWriter over a tabwriter (minwidth 0, padding 2): each `write` is
//! indented two spaces per level, and `flush` closes the current tabwriter block the way
//! `w.Flush()` does before the Events table, so later columns align independently.

use crate::tabwriter::{layout, DESCRIBE};

pub const L0: usize = 0;
pub const L1: usize = 1;
pub const L2: usize = 2;
pub const L3: usize = 3;

#[derive(Default)]
pub struct Writer {
    done: String,
    pending: String,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }
    /// `w.Write(level, ...)`: the text, prefixed with the level's indentation.
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }
    /// `w.WriteLine(...)`: the text and a newline, no indentation.
    pub fn line(&mut self, text: &str) {
        self.pending.push_str(text);
        self.pending.push('\n');
    }
    /// `w.Flush()`: lays out what was written so far as its own tabwriter block.
    pub fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.done.push_str(&layout(&text, DESCRIBE));
    }
    /// What was written, tabs left as they are: kubectl's `printTemplate` (rollout history
    /// `--revision`, undo `--dry-run`) writes DescribePodTemplate into a plain buffer, not a
    /// tabwriter.
    pub fn finish_unaligned(self) -> String {
        self.done + &self.pending
    }
    pub fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

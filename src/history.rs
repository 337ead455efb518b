//! Terminal line history, like a shell's: ↑ walks back through earlier lines, ↓ walks forward
//! and finally returns the line being typed (the draft is kept, not lost), consecutive
//! duplicates and blank lines are not stored, and the list is bounded so localStorage stays
//! small. The browser's `<input>` does the in-line editing; this owns what ↑/↓ put there.

use serde::{Deserialize, Serialize};

pub const HISTORY_MAX: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    entries: Vec<String>,
    #[serde(skip)]
    cursor: Option<usize>,
    #[serde(skip)]
    draft: String,
}

impl History {
    pub fn from_entries(mut entries: Vec<String>) -> History {
        if entries.len() > HISTORY_MAX {
            entries.drain(..entries.len() - HISTORY_MAX);
        }
        History { entries, cursor: None, draft: String::new() }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Records a submitted line and resets navigation.
    pub fn push(&mut self, line: &str) {
        self.cursor = None;
        self.draft.clear();
        if line.trim().is_empty() || self.entries.last().map(String::as_str) == Some(line) {
            return;
        }
        self.entries.push(line.to_string());
        if self.entries.len() > HISTORY_MAX {
            self.entries.remove(0);
        }
    }

    /// ↑: the previous entry (None when there is none; the input then stays as it is).
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        Some(self.entries[next].clone())
    }

    /// ↓: the next entry, or the draft after the newest one.
    pub fn down(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.entries.len() {
            self.cursor = Some(i + 1);
            Some(self.entries[i + 1].clone())
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Typing after navigating starts over from the newest entry next time.
    pub fn reset_navigation(&mut self) {
        self.cursor = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_walk_history_and_keep_the_draft() {
        let mut h = History::default();
        h.push("kubectl get pods");
        h.push("kubectl get nodes");
        assert_eq!(h.up("kub").as_deref(), Some("kubectl get nodes"));
        assert_eq!(h.up("").as_deref(), Some("kubectl get pods"));
        assert_eq!(h.up(""), None);
        assert_eq!(h.down().as_deref(), Some("kubectl get nodes"));
        assert_eq!(h.down().as_deref(), Some("kub"));
        assert_eq!(h.down(), None);
    }

    #[test]
    fn blanks_and_consecutive_duplicates_are_skipped() {
        let mut h = History::default();
        h.push("a");
        h.push("a");
        h.push("  ");
        h.push("b");
        h.push("a");
        assert_eq!(h.entries(), ["a", "b", "a"]);
    }

    #[test]
    fn history_is_bounded() {
        let mut h = History::from_entries((0..HISTORY_MAX + 10).map(|i| i.to_string()).collect());
        assert_eq!(h.entries().len(), HISTORY_MAX);
        h.push("new");
        assert_eq!(h.entries().len(), HISTORY_MAX);
        assert_eq!(h.entries().last().map(String::as_str), Some("new"));
    }

    #[test]
    fn empty_history_does_nothing() {
        let mut h = History::default();
        assert_eq!(h.up("x"), None);
        assert_eq!(h.down(), None);
    }
}

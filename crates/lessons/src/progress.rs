//! The learner's progress: per lesson and scenario completion, quiz answers, hints used and best
//! golf, with a format version. UI-free: the browser stores `to_json()` in localStorage and
//! offers it as an export file; `from_json` refuses files from a newer Podlab and files that are
//! not progress at all, with a message instead of a panic.

use crate::catalog::Catalog;
use crate::quiz::Answer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped when the format changes incompatibly; older versions are migrated in `from_json`.
pub const PROGRESS_VERSION: u32 = 1;
const FORMAT_TAG: &str = "podlab-progress";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizRecord {
    pub answer: Answer,
    pub correct: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemProgress {
    /// The goal was met at least once.
    #[serde(default)]
    pub completed: bool,
    /// Quiz answers by question id (the latest answer).
    #[serde(default)]
    pub quiz: BTreeMap<String, QuizRecord>,
    /// Highest rung of the hint ladder revealed.
    #[serde(default)]
    pub hints_used: usize,
    /// Best result: fewest commands, then shortest simulated time.
    #[serde(default)]
    pub best_commands: Option<usize>,
    #[serde(default)]
    pub best_sim_ms: Option<u64>,
}

impl Default for Answer {
    fn default() -> Answer {
        Answer::Choices(Vec::new())
    }
}

/// Everything saved, keyed by task slug (slugs are unique across lessons and scenarios).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub items: BTreeMap<String, ItemProgress>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress { format: FORMAT_TAG.into(), version: PROGRESS_VERSION, items: BTreeMap::new() }
    }
}

/// Per-track completion for the home page's progress bars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackProgress {
    pub track: String,
    pub done: usize,
    pub total: usize,
}

impl Progress {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Progress, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not a progress file: {e}"))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_TAG) {
            return Err("not a Podlab progress file (missing \"format\": \"podlab-progress\")".into());
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > u64::from(PROGRESS_VERSION) {
            return Err(format!("this progress file is version {version}; this Podlab reads up to version {PROGRESS_VERSION}"));
        }
        if version == 0 {
            return Err("progress file has no valid \"version\"".into());
        }
        serde_json::from_value(value).map_err(|e| format!("progress file is damaged: {e}"))
    }

    pub fn item(&self, slug: &str) -> Option<&ItemProgress> {
        self.items.get(slug)
    }

    fn entry(&mut self, slug: &str) -> &mut ItemProgress {
        self.items.entry(slug.to_string()).or_default()
    }

    /// Records a solved attempt; keeps the best golf.
    pub fn complete(&mut self, slug: &str, commands: usize, sim_ms: u64) {
        let e = self.entry(slug);
        e.completed = true;
        let better = match (e.best_commands, e.best_sim_ms) {
            (Some(c), Some(t)) => (commands, sim_ms) < (c, t),
            _ => true,
        };
        if better {
            e.best_commands = Some(commands);
            e.best_sim_ms = Some(sim_ms);
        }
    }

    pub fn answer(&mut self, slug: &str, question_id: &str, answer: Answer, correct: bool) {
        self.entry(slug).quiz.insert(question_id.to_string(), QuizRecord { answer, correct });
    }

    pub fn hint_used(&mut self, slug: &str, level: usize) {
        let e = self.entry(slug);
        e.hints_used = e.hints_used.max(level);
    }

    /// Merges an imported file into this one: completion is kept from either side.
    pub fn merge(&mut self, other: &Progress) {
        for (slug, theirs) in &other.items {
            let mine = self.entry(slug);
            if theirs.completed {
                if let (Some(c), Some(t)) = (theirs.best_commands, theirs.best_sim_ms) {
                    let completed_before = mine.completed;
                    let (bc, bt) = (mine.best_commands, mine.best_sim_ms);
                    mine.completed = true;
                    if !completed_before || (c, t) < (bc.unwrap_or(usize::MAX), bt.unwrap_or(u64::MAX)) {
                        mine.best_commands = Some(c);
                        mine.best_sim_ms = Some(t);
                    }
                }
                mine.completed = true;
            }
            for (q, rec) in &theirs.quiz {
                mine.quiz.entry(q.clone()).or_insert_with(|| rec.clone());
            }
            mine.hints_used = mine.hints_used.max(theirs.hints_used);
        }
    }

    /// A task counts as done when its goal was met and, for lessons, every quiz question has a
    /// correct answer.
    pub fn is_done(&self, catalog: &Catalog, slug: &str) -> bool {
        let Some(p) = self.items.get(slug) else { return false };
        let Some(doc) = catalog.task(slug) else { return false };
        p.completed && doc.task.questions.iter().all(|q| p.quiz.get(&q.id).is_some_and(|r| r.correct))
    }

    pub fn tracks(&self, catalog: &Catalog) -> Vec<TrackProgress> {
        catalog
            .tracks
            .iter()
            .map(|t| {
                let slugs = catalog.track_slugs(&t.id);
                let done = slugs.iter().filter(|s| self.is_done(catalog, s)).count();
                TrackProgress { track: t.id.clone(), done, total: slugs.len() }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_the_version() {
        let mut p = Progress::default();
        p.complete("image-tag-typo", 5, 40_000);
        p.complete("image-tag-typo", 7, 10_000);
        p.answer("what-is-a-pod", "q1", Answer::Text("localhost".into()), true);
        let back = Progress::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.items["image-tag-typo"].best_commands, Some(5));
        let newer = p.to_json().replace("\"version\": 1", "\"version\": 99");
        assert!(Progress::from_json(&newer).unwrap_err().contains("version 99"));
        assert!(Progress::from_json("{\"foo\": 1}").is_err());
        assert!(Progress::from_json("not json").is_err());
    }

    #[test]
    fn merge_keeps_completion_and_best() {
        let mut a = Progress::default();
        a.complete("x", 9, 9);
        let mut b = Progress::default();
        b.complete("x", 3, 50);
        b.answer("y", "q", Answer::Choices(vec![1]), false);
        a.merge(&b);
        assert_eq!(a.items["x"].best_commands, Some(3));
        assert!(a.items.contains_key("y"));
    }

    proptest::proptest! {
        #[test]
        fn import_never_panics(s in "\\PC{0,200}") {
            let _ = Progress::from_json(&s);
        }
    }
}

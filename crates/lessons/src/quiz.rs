//! Quiz answers: judging a learner's choice or short answer against a question. Short answers
//! are compared after normalising case, spacing, quotes and a trailing full stop, because a
//! learner typing `oomkilled` or "`OOMKilled`." knows the answer as well as one typing OOMKilled.

use crate::schema::Question;
use serde::{Deserialize, Serialize};

/// What the learner answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Indexes of the ticked choices (0-based).
    Choices(Vec<usize>),
    Text(String),
}

pub fn normalise(s: &str) -> String {
    let t = s.trim().trim_end_matches('.').trim();
    let t = t.trim_matches(|c| c == '`' || c == '"' || c == '\'');
    t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Question {
    pub fn is_multiple_choice(&self) -> bool {
        !self.choices.is_empty()
    }

    /// Right when the ticked set equals `correct`, or the text matches one accepted answer.
    pub fn is_correct(&self, answer: &Answer) -> bool {
        match answer {
            Answer::Choices(picked) => {
                let mut p = picked.clone();
                p.sort_unstable();
                p.dedup();
                let mut want = self.correct.clone();
                want.sort_unstable();
                self.is_multiple_choice() && p == want
            }
            Answer::Text(t) => {
                let n = normalise(t);
                !n.is_empty() && self.accept.iter().any(|a| normalise(a) == n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(choices: &[&str], correct: &[usize], accept: &[&str]) -> Question {
        Question {
            id: "q".into(),
            prompt: "?".into(),
            choices: choices.iter().map(|s| s.to_string()).collect(),
            correct: correct.to_vec(),
            accept: accept.iter().map(|s| s.to_string()).collect(),
            explain: String::new(),
        }
    }

    #[test]
    fn judges_choices_and_text() {
        let mc = q(&["a", "b", "c"], &[2, 0], &[]);
        assert!(mc.is_correct(&Answer::Choices(vec![0, 2])));
        assert!(!mc.is_correct(&Answer::Choices(vec![0])));
        let short = q(&[], &[], &["OOMKilled", "137"]);
        assert!(short.is_correct(&Answer::Text(" `oomkilled`. ".into())));
        assert!(short.is_correct(&Answer::Text("137".into())));
        assert!(!short.is_correct(&Answer::Text("".into())));
        assert!(!short.is_correct(&Answer::Choices(vec![0])));
    }
}

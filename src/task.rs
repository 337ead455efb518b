//! The lesson pane's logic, in plain Rust: the content catalog the page was built with, the
//! home page's tracks with progress, the starting editor files of a task, and the words of the
//! checklist and the solved banner (golf). Judging the goal, quizzes and progress records are
//! crates/lessons' job; this module only shapes their results for the components.

use crate::persist::{EditorFile, EditorFiles};
use podlab_lessons::schema::IndexItem;
use podlab_lessons::{Catalog, ChecklistItem, GolfReport, Progress, Task};

thread_local! {
    static CATALOG: Option<Catalog> = Catalog::embedded().ok();
}

/// Runs `f` with the embedded catalog (None if the content failed to load: the sandbox still
/// works then, and the pane says so).
pub fn with_catalog<R>(f: impl FnOnce(Option<&Catalog>) -> R) -> R {
    CATALOG.with(|c| f(c.as_ref()))
}

/// The task behind a lesson or scenario slug.
pub fn find_task(slug: &str) -> Option<Task> {
    with_catalog(|c| c.and_then(|c| c.task(slug)).map(|d| d.task.clone()))
}

/// One entry of a track on the home page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeItem {
    pub slug: String,
    pub title: String,
    pub href: String,
    pub is_scenario: bool,
    pub done: bool,
    /// The best solve so far in words (`best: 3 commands, 45s`), if solved.
    pub best: Option<String>,
}

/// A track with its progress bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeTrack {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub done: usize,
    pub total: usize,
    pub items: Vec<HomeItem>,
}

impl HomeTrack {
    /// Whole percent done (integer arithmetic: the bar never disagrees with the count).
    pub fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// The tracks in index order, each item marked done per `Progress::is_done`.
pub fn home(cat: &Catalog, progress: &Progress) -> Vec<HomeTrack> {
    let counts = progress.tracks(cat);
    cat.tracks
        .iter()
        .map(|t| {
            let items: Vec<HomeItem> = t
                .items
                .iter()
                .filter_map(|item| {
                    let (doc, is_scenario) = match item {
                        IndexItem::Lesson(dir) => (cat.lessons.iter().find(|l| &l.dir == dir).map(|l| &l.exercise), false),
                        IndexItem::Scenario(dir) => (cat.scenarios.iter().find(|(d, _)| d == dir).map(|(_, s)| s), true),
                    };
                    let task = &doc?.task;
                    let title = if is_scenario { task.title.clone() } else { cat.lesson(&task.slug).map(|l| l.title.clone()).unwrap_or_else(|| task.title.clone()) };
                    let href = if is_scenario { format!("#/scenarios/{}", task.slug) } else { format!("#/lessons/{}", task.slug) };
                    let best = progress.item(&task.slug).and_then(|p| Some(format!("best: {}, {}", commands(p.best_commands?), format_duration(p.best_sim_ms?))));
                    Some(HomeItem { done: progress.is_done(cat, &task.slug), slug: task.slug.clone(), title, href, is_scenario, best })
                })
                .collect();
            let (done, total) = counts.iter().find(|c| c.track == t.id).map(|c| (c.done, c.total)).unwrap_or((0, items.len()));
            HomeTrack { id: t.id.clone(), title: t.title.clone(), summary: t.summary.clone(), done, total, items }
        })
        .collect()
}

/// "Continue where you left off": the first item, in index order, not done yet.
pub fn next_up(tracks: &[HomeTrack]) -> Option<&HomeItem> {
    tracks.iter().flat_map(|t| t.items.iter()).find(|i| !i.done)
}

/// The editor's files when a task starts: the task's own, or one empty manifest to write in.
pub fn starting_files(task: &Task) -> EditorFiles {
    let mut files: Vec<EditorFile> = task.files.iter().map(|f| EditorFile { name: f.name.clone(), text: f.content.clone() }).collect();
    if files.is_empty() {
        files.push(EditorFile { name: "fix.yaml".into(), text: "# Write a manifest here and press Ctrl+Enter to apply it.\n".into() });
    }
    EditorFiles { files, active: 0 }
}

/// Simulated milliseconds as the learner reads a duration: `45s`, `2m 05s`, `1h 02m`.
pub fn format_duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s / 60) % 60),
    }
}

/// Interview mode's countdown: what is left of `limit_ms` of wall time started at `start_ms`,
/// as `MM:SS`, and whether time is up. Wall time is the UI's; the simulation never sees it.
pub fn countdown(limit_ms: u64, start_ms: u64, now_ms: u64) -> (String, bool) {
    let left = limit_ms.saturating_sub(now_ms.saturating_sub(start_ms));
    let s = left.div_ceil(1000);
    (format!("{:02}:{:02}", s / 60, s % 60), left == 0)
}

/// A checklist line's state in words (never colour alone).
pub fn item_state(item: &ChecklistItem) -> String {
    if item.holds {
        "met".into()
    } else if item.needed_ms > 0 && item.held_ms > 0 {
        format!("holding for {} of {}", format_duration(item.held_ms), format_duration(item.needed_ms))
    } else {
        "not met yet".into()
    }
}

/// The solved banner's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GolfSummary {
    pub learner: String,
    pub reference: String,
    pub verdict: String,
}

fn commands(n: usize) -> String {
    if n == 1 { "1 command".into() } else { format!("{n} commands") }
}

/// Golf in words: the learner's count and simulated time against the reference solution's.
/// During a replay of the reference itself (`replay`) there is no learner to score.
pub fn golf_summary(r: &GolfReport, replay: bool) -> GolfSummary {
    if replay {
        return GolfSummary {
            learner: format!("The reference solution met the goal after {} in {} of simulated time.", commands(r.learner.commands), format_duration(r.learner.sim_ms)),
            reference: "This replay does not count as your solve.".into(),
            verdict: String::new(),
        };
    }
    let learner = format!("You: {} in {} of simulated time", commands(r.learner.commands), format_duration(r.learner.sim_ms));
    let reference = match r.reference_sim_ms {
        Some(t) => format!("Reference solution: {} in {}", commands(r.learner.reference_commands), format_duration(t)),
        None => format!("Reference solution: {}", commands(r.learner.reference_commands)),
    };
    let verdict = match r.learner.commands.cmp(&r.learner.reference_commands) {
        std::cmp::Ordering::Less => "Fewer commands than the reference: nicely done.".to_string(),
        std::cmp::Ordering::Equal => "Par: as many commands as the reference.".to_string(),
        std::cmp::Ordering::Greater => format!("{} over par: the reference shows a shorter path.", r.learner.commands - r.learner.reference_commands),
    };
    GolfSummary { learner, reference, verdict }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podlab_lessons::Golf;

    #[test]
    fn durations_read_naturally() {
        for (ms, want) in [(0, "0s"), (45_999, "45s"), (60_000, "1m 00s"), (125_000, "2m 05s"), (3_720_000, "1h 02m")] {
            assert_eq!(format_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn golf_is_compared_with_the_reference() {
        let report = |commands, reference_commands| GolfReport { learner: Golf { commands, sim_ms: 70_000, reference_commands }, reference_sim_ms: Some(30_000) };
        let s = golf_summary(&report(4, 3), false);
        assert_eq!(s.learner, "You: 4 commands in 1m 10s of simulated time");
        assert_eq!(s.reference, "Reference solution: 3 commands in 30s");
        assert_eq!(s.verdict, "1 over par: the reference shows a shorter path.");
        assert!(golf_summary(&report(3, 3), false).verdict.starts_with("Par"));
        assert!(golf_summary(&report(1, 3), false).verdict.starts_with("Fewer"));
        let replay = golf_summary(&report(2, 3), true);
        assert!(replay.learner.starts_with("The reference solution met the goal after 2 commands"), "{replay:?}");
        assert!(replay.verdict.is_empty());
        let mut none = report(1, 1);
        none.reference_sim_ms = None;
        assert_eq!(golf_summary(&none, false).reference, "Reference solution: 1 command");
    }

    #[test]
    fn home_tracks_count_done_items_and_link_by_slug() {
        let cat = Catalog::embedded().unwrap();
        let mut p = Progress::default();
        let empty = home(&cat, &p);
        assert_eq!(empty.len(), cat.tracks.len());
        assert!(empty.iter().all(|t| t.done == 0 && t.total == t.items.len() && t.percent() == 0));
        let first = next_up(&empty).unwrap().clone();
        assert!(first.href.ends_with(&first.slug), "{first:?}");
        // A scenario counts once its goal was met and every question answered correctly.
        let doc = cat.scenario("missing-configmap").unwrap();
        p.complete("missing-configmap", 3, 40_000);
        let half = home(&cat, &p);
        assert!(!half.iter().flat_map(|t| &t.items).find(|i| i.slug == "missing-configmap").unwrap().done);
        for q in &doc.task.questions {
            p.answer("missing-configmap", &q.id, podlab_lessons::Answer::Choices(q.correct.clone()), true);
        }
        let done = home(&cat, &p);
        let item = done.iter().flat_map(|t| &t.items).find(|i| i.slug == "missing-configmap").unwrap();
        assert_eq!(item.best.as_deref(), Some("best: 3 commands, 40s"));
        let track = done.iter().find(|t| t.items.iter().any(|i| i.slug == "missing-configmap")).unwrap();
        assert_eq!(track.done, 1);
        assert_eq!(track.percent(), 100 / track.total);
        assert!(track.items.iter().find(|i| i.slug == "missing-configmap").unwrap().is_scenario);
    }

    #[test]
    fn tasks_without_files_get_a_blank_manifest() {
        let cat = Catalog::embedded().unwrap();
        let task = &cat.scenario("missing-configmap").unwrap().task;
        let files = starting_files(task);
        assert_eq!(files.files.len().max(1), files.files.len());
        if task.files.is_empty() {
            assert_eq!(files.files[0].name, "fix.yaml");
        }
    }

    #[test]
    fn the_interview_clock_counts_down_to_zero() {
        assert_eq!(countdown(300_000, 1_000, 1_000), ("05:00".to_string(), false));
        assert_eq!(countdown(300_000, 1_000, 60_500), ("04:01".to_string(), false));
        assert_eq!(countdown(300_000, 1_000, 301_000), ("00:00".to_string(), true));
        assert_eq!(countdown(300_000, 5_000, 1_000), ("05:00".to_string(), false), "a clock going backwards is harmless");
    }

    #[test]
    fn checklist_states_are_words() {
        let item = |holds, held_ms, needed_ms| ChecklistItem { text: String::new(), holds, why_not: String::new(), held_ms, needed_ms };
        assert_eq!(item_state(&item(true, 0, 0)), "met");
        assert_eq!(item_state(&item(false, 12_000, 60_000)), "holding for 12s of 1m 00s");
        assert_eq!(item_state(&item(false, 0, 0)), "not met yet");
    }
}

//! Semantic checks serde cannot express: slugs match folders, every track item exists and every
//! task sits in exactly one track, quizzes are answerable, predicates name real phases and kinds,
//! scenarios carry what interview mode needs. Errors name the file and field so an author can
//! fix the line without reading Rust.

use crate::catalog::{err, Catalog, LoadError, TaskDoc};
use crate::schema::{IndexItem, Predicate, Question, Step, Task};
use std::collections::BTreeSet;

/// The kinds a predicate may name (what the simulated API serves).
pub const KNOWN_KINDS: &[&str] = &[
    "Pod", "Node", "Namespace", "ConfigMap", "Secret", "Service", "Event", "ServiceAccount",
    "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Deployment", "ReplicaSet", "Job",
    "LimitRange", "ResourceQuota", "PersistentVolumeClaim",
];
const PHASES: &[&str] = &["Pending", "Running", "Succeeded", "Failed", "Unknown"];
const STATES: &[&str] = &["running", "waiting", "terminated"];
const INDEX: &str = "lessons/index.yaml";

pub fn catalog(c: &Catalog) -> Vec<LoadError> {
    let mut errors = Vec::new();
    index_consistency(c, &mut errors);
    let mut slugs = BTreeSet::new();
    for l in &c.lessons {
        let expected = l.dir.trim_start_matches(|ch: char| ch.is_ascii_digit()).trim_start_matches('-');
        if l.exercise.task.slug != expected {
            errors.push(err(&l.exercise.file, Some("slug".into()), format!("must be {expected:?} (the folder name without its number)")));
        }
        let n = l.exercise.task.questions.len();
        if !(3..=5).contains(&n) {
            errors.push(err(&l.exercise.file, Some("questions".into()), format!("a lesson quiz has 3 to 5 questions, found {n}")));
        }
        task(&l.exercise, &mut errors, &mut slugs);
    }
    for (dir, doc) in &c.scenarios {
        if &doc.task.slug != dir {
            errors.push(err(&doc.file, Some("slug".into()), format!("must be {dir:?} (the folder name)")));
        }
        if doc.task.wrong_fixes.is_empty() {
            errors.push(err(&doc.file, Some("wrong_fixes".into()), "a scenario lists at least one tempting fix that must not pass"));
        }
        if doc.task.time_limit.is_none() {
            errors.push(err(&doc.file, Some("time_limit".into()), "a scenario needs a time limit for interview mode"));
        }
        task(doc, &mut errors, &mut slugs);
    }
    errors
}

fn index_consistency(c: &Catalog, errors: &mut Vec<LoadError>) {
    if c.tracks.is_empty() {
        errors.push(err(INDEX, Some("tracks".into()), "no tracks"));
    }
    let mut seen = BTreeSet::new();
    for (ti, t) in c.tracks.iter().enumerate() {
        for (ii, item) in t.items.iter().enumerate() {
            let field = Some(format!("tracks[{ti}].items[{ii}]"));
            if !seen.insert(item.clone()) {
                errors.push(err(INDEX, field.clone(), format!("{item:?} is listed twice")));
            }
            let track_of = match item {
                IndexItem::Lesson(d) => c.lessons.iter().find(|l| &l.dir == d).map(|l| &l.exercise.task.track),
                IndexItem::Scenario(d) => c.scenarios.iter().find(|(s, _)| s == d).map(|(_, s)| &s.task.track),
            };
            match track_of {
                None => errors.push(err(INDEX, field, format!("{item:?} has no folder (or its file failed to load)"))),
                Some(tr) if *tr != t.id => errors.push(err(INDEX, field, format!("{item:?} says track {tr:?} but is listed under {:?}", t.id))),
                Some(_) => {}
            }
        }
    }
    for l in &c.lessons {
        if !seen.contains(&IndexItem::Lesson(l.dir.clone())) {
            errors.push(err(&l.exercise.file, None, "this lesson is not listed in lessons/index.yaml"));
        }
    }
    for (d, s) in &c.scenarios {
        if !seen.contains(&IndexItem::Scenario(d.clone())) {
            errors.push(err(&s.file, None, "this scenario is not listed in lessons/index.yaml"));
        }
    }
}

fn task(doc: &TaskDoc, errors: &mut Vec<LoadError>, slugs: &mut BTreeSet<String>) {
    let t: &Task = &doc.task;
    let f = &doc.file;
    if !slugs.insert(t.slug.clone()) {
        errors.push(err(f, Some("slug".into()), format!("slug {:?} is used twice", t.slug)));
    }
    if !is_kebab(&t.slug) {
        errors.push(err(f, Some("slug".into()), "use lower-case letters, digits and dashes"));
    }
    for (name, text) in [("title", &t.title), ("story", &t.story)] {
        if text.trim().is_empty() {
            errors.push(err(f, Some(name.into()), "must not be empty"));
        }
    }
    if t.goal.is_empty() {
        errors.push(err(f, Some("goal".into()), "needs at least one check"));
    }
    if !t.solution.iter().any(|s| matches!(s, Step::Run(_))) {
        errors.push(err(f, Some("solution".into()), "needs at least one `run` step"));
    }
    if t.hints.is_empty() {
        errors.push(err(f, Some("hints".into()), "needs at least one hint"));
    }
    for (i, c) in t.goal.iter().enumerate() {
        predicate(&c.that, &format!("goal[{i}].that"), f, errors);
    }
    for (i, h) in t.state_hints.iter().enumerate() {
        predicate(&h.when, &format!("state_hints[{i}].when"), f, errors);
    }
    let mut ids = BTreeSet::new();
    for (i, q) in t.questions.iter().enumerate() {
        if !ids.insert(q.id.clone()) {
            errors.push(err(f, Some(format!("questions[{i}].id")), format!("duplicate id {:?}", q.id)));
        }
        question(q, &format!("questions[{i}]"), f, errors);
    }
    let names: BTreeSet<&str> = t.files.iter().map(|x| x.name.as_str()).collect();
    if names.len() != t.files.len() {
        errors.push(err(f, Some("files".into()), "two files have the same name"));
    }
    for (list, steps) in [("setup", &t.setup), ("solution", &t.solution)] {
        for (i, s) in steps.iter().enumerate() {
            if matches!(s, Step::Fault(fault) if fault.action().is_none()) {
                errors.push(err(f, Some(format!("{list}[{i}].fault")), "name exactly one of stop_kubelet / start_kubelet / stop_node / start_node"));
            }
        }
    }
    for (i, w) in t.wrong_fixes.iter().enumerate() {
        if w.steps.is_empty() {
            errors.push(err(f, Some(format!("wrong_fixes[{i}].steps")), "must not be empty"));
        }
    }
}

fn question(q: &Question, at: &str, f: &str, errors: &mut Vec<LoadError>) {
    let choice = !q.choices.is_empty();
    if choice && (!q.accept.is_empty() || q.correct.is_empty()) {
        errors.push(err(f, Some(at.into()), "multiple choice needs `correct` and no `accept`"));
    }
    if !choice && (q.accept.is_empty() || !q.correct.is_empty()) {
        errors.push(err(f, Some(at.into()), "a short-answer question needs `accept` (or give `choices`)"));
    }
    if let Some(bad) = q.correct.iter().find(|&&i| i >= q.choices.len()) {
        errors.push(err(f, Some(format!("{at}.correct")), format!("index {bad} is out of range (0-based)")));
    }
}

fn predicate(p: &Predicate, at: &str, f: &str, errors: &mut Vec<LoadError>) {
    let mut bad = |field: &str, msg: String| errors.push(err(f, Some(format!("{at}.{field}")), msg));
    match p {
        Predicate::PodPhase { phase, .. } if !PHASES.contains(&phase.as_str()) => {
            bad("pod_phase.phase", format!("unknown phase {phase:?}; one of {PHASES:?}"))
        }
        Predicate::Container(c) => {
            if let Some(s) = c.state.as_deref().filter(|s| !STATES.contains(s)) {
                bad("container.state", format!("unknown state {s:?}; one of {STATES:?}"));
            }
        }
        Predicate::Field(fc) => {
            if !KNOWN_KINDS.contains(&fc.kind.as_str()) {
                bad("field.kind", format!("unknown kind {:?}", fc.kind));
            }
            let n = [fc.equals.is_some(), fc.one_of.is_some(), fc.not_equals.is_some(), fc.present.is_some()];
            if n.iter().filter(|b| **b).count() != 1 {
                bad("field", "give exactly one of equals, one_of, not_equals, present".into());
            }
            if crate::view::parse_path(&fc.path).is_err() {
                bad("field.path", format!("cannot parse path {:?}", fc.path));
            }
        }
        Predicate::Exists(o) | Predicate::Absent(o) if !KNOWN_KINDS.contains(&o.kind.as_str()) => {
            bad("kind", format!("unknown kind {:?}", o.kind))
        }
        Predicate::RanBeforeChange { any_of } if any_of.is_empty() => bad("ran_before_change.any_of", "must not be empty".into()),
        Predicate::All(ps) | Predicate::Any(ps) => {
            for (i, q) in ps.iter().enumerate() {
                predicate(q, &format!("{at}[{i}]"), f, errors);
            }
        }
        Predicate::Not(q) => predicate(q, &format!("{at}.not"), f, errors),
        _ => {}
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !s.starts_with('-')
}

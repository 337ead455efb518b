//! The loader: turns the bundle that `build.rs` embedded (rendered lesson HTML plus every YAML
//! file as JSON) into a typed, validated `Catalog`. It owns "is the content well-formed"; every
//! problem becomes a `LoadError` naming the file and the field, and nothing here panics, because
//! a broken lesson must show up as a red test or a message in the UI, never as a dead page.

use crate::schema::{IndexItem, Index, Task, Track};
use crate::validate;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// The generated bundle (see build.rs).
const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/bundle.json"));

/// One problem in one content file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// Repository-relative path, e.g. `lessons/scenarios/oom-killed/scenario.yaml`.
    pub file: String,
    /// Path of the offending field inside the file (`goal[1].that.pod_phase`), if known.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {}: {}", self.file, field, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A lesson: rendered text plus its exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Folder name under `lessons/`, e.g. `01-what-is-a-pod`.
    pub dir: String,
    pub title: String,
    /// Lesson text rendered at build time; raw HTML in the Markdown was escaped.
    pub html: String,
    pub exercise: TaskDoc,
}

/// A task with where it came from and its story rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDoc {
    pub file: String,
    pub story_html: String,
    pub task: Task,
}

/// Everything the UI shows, in the index's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub tracks: Vec<Track>,
    pub lessons: Vec<Lesson>,
    /// Scenarios; `dir` is the folder under `lessons/scenarios/`.
    pub scenarios: Vec<(String, TaskDoc)>,
}

#[derive(Deserialize)]
struct RawDoc {
    file: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    story_html: Option<String>,
}

#[derive(Deserialize)]
struct RawLesson {
    dir: String,
    file: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    html: String,
    #[serde(default)]
    error: Option<String>,
    exercise: RawDoc,
}

#[derive(Deserialize)]
struct RawScenario {
    dir: String,
    scenario: RawDoc,
}

#[derive(Deserialize)]
struct RawBundle {
    index: RawDoc,
    lessons: Vec<RawLesson>,
    scenarios: Vec<RawScenario>,
}

impl Catalog {
    /// The content compiled into this build.
    pub fn embedded() -> Result<Catalog, Vec<LoadError>> {
        Catalog::from_bundle(BUNDLE)
    }

    /// Loads a bundle in build.rs's format; collects every error instead of stopping at one.
    pub fn from_bundle(json: &str) -> Result<Catalog, Vec<LoadError>> {
        let raw: RawBundle = serde_json::from_str(json).map_err(|e| {
            vec![LoadError { file: "bundle.json".into(), field: None, message: e.to_string() }]
        })?;
        let mut errors = Vec::new();
        let index: Option<Index> = decode_doc(&raw.index, &mut errors).map(|(i, _)| i);
        let mut lessons = Vec::new();
        for l in raw.lessons {
            if let Some(e) = l.error {
                errors.push(LoadError { file: l.file.clone(), field: None, message: e });
            }
            if l.title.trim().is_empty() {
                errors.push(err(&l.file, None, "the lesson needs a `# Title` heading"));
            }
            if let Some(exercise) = decode_task(&l.exercise, &mut errors) {
                lessons.push(Lesson { dir: l.dir, title: l.title, html: l.html, exercise });
            }
        }
        let mut scenarios = Vec::new();
        for s in raw.scenarios {
            if let Some(doc) = decode_task(&s.scenario, &mut errors) {
                scenarios.push((s.dir.trim_start_matches("scenarios/").to_string(), doc));
            }
        }
        let catalog = Catalog { tracks: index.map(|i| i.tracks).unwrap_or_default(), lessons, scenarios };
        errors.extend(validate::catalog(&catalog));
        if errors.is_empty() {
            Ok(catalog.ordered())
        } else {
            Err(errors)
        }
    }

    /// Lessons and scenarios sorted into the order of the index (tracks first to last).
    fn ordered(mut self) -> Catalog {
        let order: Vec<IndexItem> = self.tracks.iter().flat_map(|t| t.items.iter().cloned()).collect();
        let pos = |item: IndexItem| order.iter().position(|o| *o == item).unwrap_or(usize::MAX);
        self.lessons.sort_by_key(|l| pos(IndexItem::Lesson(l.dir.clone())));
        self.scenarios.sort_by_key(|(d, _)| pos(IndexItem::Scenario(d.clone())));
        self
    }

    pub fn lesson(&self, slug: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.exercise.task.slug == slug)
    }

    pub fn scenario(&self, slug: &str) -> Option<&TaskDoc> {
        self.scenarios.iter().map(|(_, d)| d).find(|d| d.task.slug == slug)
    }

    /// Lesson or scenario by slug (slugs are unique across both; validation enforces it).
    pub fn task(&self, slug: &str) -> Option<&TaskDoc> {
        self.lesson(slug).map(|l| &l.exercise).or_else(|| self.scenario(slug))
    }

    /// Slugs of a track's items, in order.
    pub fn track_slugs(&self, track_id: &str) -> Vec<String> {
        let Some(track) = self.tracks.iter().find(|t| t.id == track_id) else { return Vec::new() };
        track
            .items
            .iter()
            .filter_map(|item| match item {
                IndexItem::Lesson(dir) => self.lessons.iter().find(|l| &l.dir == dir).map(|l| l.exercise.task.slug.clone()),
                IndexItem::Scenario(dir) => self.scenarios.iter().find(|(d, _)| d == dir).map(|(_, t)| t.task.slug.clone()),
            })
            .collect()
    }
}

pub(crate) fn err(file: &str, field: Option<String>, message: impl Into<String>) -> LoadError {
    LoadError { file: file.to_string(), field, message: message.into() }
}

fn decode_task(doc: &RawDoc, errors: &mut Vec<LoadError>) -> Option<TaskDoc> {
    let (task, story_html) = decode_doc::<Task>(doc, errors)?;
    Some(TaskDoc { file: doc.file.clone(), story_html, task })
}

fn decode_doc<T: DeserializeOwned>(doc: &RawDoc, errors: &mut Vec<LoadError>) -> Option<(T, String)> {
    if let Some(e) = &doc.error {
        errors.push(err(&doc.file, None, e.clone()));
        return None;
    }
    let value = doc.value.clone().unwrap_or(Value::Null);
    match decode_value::<T>(&doc.file, value) {
        Ok(t) => Some((t, doc.story_html.clone().unwrap_or_default())),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Typed decoding of one file's JSON value; the error carries the failing field's path.
pub fn decode_value<T: DeserializeOwned>(file: &str, value: Value) -> Result<T, LoadError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() { None } else { Some(path) };
        err(file, field, e.into_inner().to_string())
    })
}

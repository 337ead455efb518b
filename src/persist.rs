//! What the browser remembers between visits, and how: each kind of data (editor files,
//! terminal history, the sandbox recording, settings, progress) is its own localStorage key
//! holding a versioned envelope `{"v": N, "data": …}`. Separate keys mean one damaged entry
//! costs only itself; a corrupt, older or newer entry is moved aside under a backup key (never
//! deleted) and reported to the learner in plain words. The storage is a trait so all of this
//! is tested natively with an in-memory map.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The envelope version this build writes.
pub const VERSION: u32 = 1;

/// A key-value store (localStorage in the browser, a map in tests).
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    /// Fails when the browser refuses (quota, private mode).
    fn set(&mut self, key: &str, value: &str) -> Result<(), String>;
}

/// The things Podlab stores, one key each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Files,
    History,
    Recording,
    Settings,
    Progress,
    /// The last lesson exercise or scenario attempt (its recording and editor files).
    Task,
    /// Panel sizes of the workspace.
    Layout,
}

impl Slot {
    pub fn key(self) -> &'static str {
        match self {
            Slot::Files => "podlab/files",
            Slot::History => "podlab/history",
            Slot::Recording => "podlab/recording",
            Slot::Settings => "podlab/settings",
            Slot::Progress => "podlab/progress",
            Slot::Task => "podlab/task",
            Slot::Layout => "podlab/layout",
        }
    }

    /// How the learner knows this data.
    pub fn label(self) -> &'static str {
        match self {
            Slot::Files => "editor files",
            Slot::History => "terminal history",
            Slot::Recording => "sandbox recording",
            Slot::Settings => "settings",
            Slot::Progress => "progress",
            Slot::Task => "exercise attempt",
            Slot::Layout => "panel sizes",
        }
    }

    pub fn backup_key(self) -> String {
        format!("{}.backup", self.key())
    }
}

/// A loaded value plus, when the saved entry could not be used, what to tell the learner.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded<T> {
    pub value: T,
    pub notice: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    v: u32,
    data: Value,
}

/// Loads one slot; anything unusable yields the default and a notice, after the raw text has
/// been copied to the slot's backup key.
pub fn load<T: DeserializeOwned + Default>(store: &mut dyn KeyValue, slot: Slot) -> Loaded<T> {
    let Some(raw) = store.get(slot.key()) else { return Loaded { value: T::default(), notice: None } };
    let problem = match serde_json::from_str::<Envelope>(&raw) {
        Err(_) => "it is not readable (damaged or edited by hand)".to_string(),
        Ok(env) if env.v > VERSION => format!("it was saved by a newer Podlab (format {} > {VERSION})", env.v),
        Ok(env) if env.v < VERSION => format!("it was saved by an older Podlab (format {})", env.v),
        Ok(env) => match serde_json::from_value::<T>(env.data) {
            Ok(value) => return Loaded { value, notice: None },
            Err(e) => format!("its contents do not fit ({e})"),
        },
    };
    let kept = match store.set(&slot.backup_key(), &raw) {
        Ok(()) => format!("The old data is kept in this browser under the key \"{}\".", slot.backup_key()),
        Err(_) => "The browser refused to keep a backup copy.".to_string(),
    };
    let notice = format!("Your saved {} could not be loaded: {problem}. Starting with fresh {}; everything else is unaffected. {kept}", slot.label(), slot.label());
    Loaded { value: T::default(), notice: Some(notice) }
}

/// Saves one slot in the current envelope version.
pub fn save<T: Serialize>(store: &mut dyn KeyValue, slot: Slot, value: &T) -> Result<(), String> {
    let data = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let text = serde_json::to_string(&Envelope { v: VERSION, data }).map_err(|e| e.to_string())?;
    store.set(slot.key(), &text).map_err(|e| format!("could not save your {}: {e}", slot.label()))
}

/// Every slot, for the "last good state" snapshot.
pub const ALL_SLOTS: [Slot; 7] = [Slot::Files, Slot::History, Slot::Recording, Slot::Settings, Slot::Progress, Slot::Task, Slot::Layout];

fn good_key(slot: Slot) -> String {
    format!("{}.good", slot.key())
}

/// Copies every slot to its `.good` key. Called once the page has run for a while after a
/// clean load, so the copy is state that is known to load and run without crashing.
pub fn snapshot_good(store: &mut dyn KeyValue) -> Result<(), String> {
    for slot in ALL_SLOTS {
        let Some(v) = store.get(slot.key()) else { continue };
        // Only entries this build reads: a damaged one left in place is not "good".
        if serde_json::from_str::<Envelope>(&v).is_ok_and(|e| e.v == VERSION) {
            store.set(&good_key(slot), &v)?;
        }
    }
    Ok(())
}

/// The panic overlay's "reload from last good state": puts the snapshot back over every slot
/// it holds (the current entries go to their backup keys first, never lost). Returns how many
/// slots were restored.
pub fn restore_good(store: &mut dyn KeyValue) -> usize {
    let mut restored = 0;
    for slot in ALL_SLOTS {
        let Some(good) = store.get(&good_key(slot)) else { continue };
        if let Some(current) = store.get(slot.key()) {
            if current != good && store.set(&slot.backup_key(), &current).is_err() {
                continue;
            }
        }
        if store.set(slot.key(), &good).is_ok() {
            restored += 1;
        }
    }
    restored
}

/// One editor tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorFile {
    pub name: String,
    pub text: String,
}

/// The editor's open files and which one is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorFiles {
    pub files: Vec<EditorFile>,
    pub active: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: Theme,
    /// Simulation speed multiplier (1, 5, 20 or 60).
    pub speed: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { theme: Theme::Dark, speed: 1 }
    }
}

/// The last task attempt: which task, what was done (replayed on return) and its files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSave {
    pub slug: String,
    pub recording: crate::timetravel::Recording,
    pub files: EditorFiles,
}

/// Workspace panel sizes in per-mille of the page (integers: no float drift across saves).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    /// Width of the lesson pane.
    pub lesson_permille: u32,
    /// Height of the editor row within the workspace.
    pub editor_permille: u32,
    /// Width of the terminal within its row.
    pub terminal_permille: u32,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout { lesson_permille: 280, editor_permille: 420, terminal_permille: 500 }
    }
}

/// An in-memory store for tests and for browsers without localStorage.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub map: std::collections::BTreeMap<String, String>,
    /// When set, every `set` fails (a full quota).
    pub full: bool,
}

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.map.get(key).cloned()
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        if self.full {
            return Err("quota exceeded".into());
        }
        self.map.insert(key.to_string(), value.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> EditorFiles {
        EditorFiles { files: vec![EditorFile { name: "pod.yaml".into(), text: "kind: Pod\n".into() }], active: 0 }
    }

    #[test]
    fn round_trip_each_slot() {
        let mut s = MemoryStore::default();
        save(&mut s, Slot::Files, &files()).unwrap();
        save(&mut s, Slot::History, &vec!["kubectl get pods".to_string()]).unwrap();
        let f: Loaded<EditorFiles> = load(&mut s, Slot::Files);
        assert_eq!(f, Loaded { value: files(), notice: None });
        let h: Loaded<Vec<String>> = load(&mut s, Slot::History);
        assert_eq!(h.value, ["kubectl get pods"]);
    }

    #[test]
    fn missing_data_is_default_without_notice() {
        let l: Loaded<Settings> = load(&mut MemoryStore::default(), Slot::Settings);
        assert_eq!(l, Loaded { value: Settings::default(), notice: None });
    }

    #[test]
    fn corrupt_entry_is_backed_up_reported_and_nothing_else_lost() {
        let mut s = MemoryStore::default();
        save(&mut s, Slot::History, &vec!["a".to_string()]).unwrap();
        s.map.insert(Slot::Files.key().into(), "{not json".into());
        let f: Loaded<EditorFiles> = load(&mut s, Slot::Files);
        assert_eq!(f.value, EditorFiles::default());
        let notice = f.notice.unwrap();
        assert!(notice.contains("editor files") && notice.contains("podlab/files.backup"), "{notice}");
        assert_eq!(s.map.get("podlab/files.backup").map(String::as_str), Some("{not json"));
        let h: Loaded<Vec<String>> = load(&mut s, Slot::History);
        assert_eq!((h.value, h.notice), (vec!["a".to_string()], None));
    }

    #[test]
    fn old_new_and_misshapen_versions_are_reported() {
        let mut s = MemoryStore::default();
        s.map.insert(Slot::Settings.key().into(), r#"{"v":0,"data":{}}"#.into());
        assert!(load::<Settings>(&mut s, Slot::Settings).notice.unwrap().contains("older Podlab"));
        s.map.insert(Slot::Settings.key().into(), r#"{"v":99,"data":{}}"#.into());
        assert!(load::<Settings>(&mut s, Slot::Settings).notice.unwrap().contains("newer Podlab"));
        s.map.insert(Slot::Files.key().into(), r#"{"v":1,"data":[1,2]}"#.into());
        assert!(load::<EditorFiles>(&mut s, Slot::Files).notice.unwrap().contains("do not fit"));
    }

    #[test]
    fn last_good_state_is_restored_and_the_bad_one_backed_up() {
        let mut s = MemoryStore::default();
        save(&mut s, Slot::Files, &files()).unwrap();
        s.map.insert(Slot::Settings.key().into(), "{damaged".into());
        snapshot_good(&mut s).unwrap();
        assert!(!s.map.contains_key("podlab/settings.good"), "damaged entries are not snapshotted");
        s.map.insert(Slot::Files.key().into(), "{crashes".into());
        s.map.insert(Slot::History.key().into(), "[]".into());
        assert_eq!(restore_good(&mut s), 1);
        assert_eq!(load::<EditorFiles>(&mut s, Slot::Files).value, files());
        assert_eq!(s.map.get("podlab/files.backup").map(String::as_str), Some("{crashes"));
        // Slots without a snapshot are left alone.
        assert_eq!(s.map.get("podlab/history").map(String::as_str), Some("[]"));
        assert_eq!(restore_good(&mut MemoryStore::default()), 0);
    }

    #[test]
    fn task_saves_and_layout_round_trip() {
        let mut s = MemoryStore::default();
        let mut rec = crate::timetravel::Recording::new(3);
        rec.record(10, crate::timetravel::Input::Eof);
        let t = TaskSave { slug: "missing-configmap".into(), recording: rec, files: files() };
        save(&mut s, Slot::Task, &t).unwrap();
        assert_eq!(load::<TaskSave>(&mut s, Slot::Task).value, t);
        s.map.insert(Slot::Layout.key().into(), r#"{"v":1,"data":{"lesson_permille":300}}"#.into());
        let l = load::<Layout>(&mut s, Slot::Layout).value;
        assert_eq!((l.lesson_permille, l.editor_permille), (300, Layout::default().editor_permille));
    }

    #[test]
    fn a_full_store_is_an_error_not_a_panic() {
        let mut s = MemoryStore { full: true, ..MemoryStore::default() };
        assert!(save(&mut s, Slot::Files, &files()).is_err());
        s.map.insert(Slot::Files.key().into(), "x".into());
        assert!(load::<EditorFiles>(&mut s, Slot::Files).notice.unwrap().contains("refused"));
    }
}

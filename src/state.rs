//! The page's shared state and the actions every panel uses: one `Ui` value (Copy handles to
//! signals and to the engine) provided as Leptos context. Actions — run a command, apply the
//! current file, travel in time, save — live here so the editor, terminal, cluster view and
//! keyboard shortcuts all do the same thing the same way.

use crate::clock::Clock;
use crate::diagnostics::{markers, Marker};
use crate::engine::Engine;
use crate::history::History;
use crate::persist::{self, EditorFile, EditorFiles, Layout, Settings, Slot, Theme};
use crate::storage::BrowserStore;
use crate::timetravel::Recording;
use leptos::prelude::*;
use crate::attempt::Origin;
use podlab_kubectl::output::CommandOutput;
use podlab_lessons::{GolfReport, Progress};
use podlab_sim::ClusterSpec;

/// Seed of the sandbox cluster (any fixed value: the simulation is deterministic per seed).
pub const SANDBOX_SEED: u64 = 20250101;
pub use crate::termbuf::{Scrollback, TERM_MAX_LINES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Prompt,
    Out,
    Err,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermLine {
    pub kind: LineKind,
    pub text: String,
}

pub const TEMPLATES: [(&str, &str); 3] = [
    ("multi-container-pod.yaml", include_str!("templates/multi-container-pod.yaml")),
    ("init-pod.yaml", include_str!("templates/init-pod.yaml")),
    ("pod.yaml", include_str!("templates/pod.yaml")),
];

/// Handles to everything the panels share.
#[derive(Clone, Copy)]
pub struct Ui {
    pub engine: StoredValue<Engine, LocalStorage>,
    pub store: StoredValue<BrowserStore, LocalStorage>,
    pub clock: StoredValue<Clock, LocalStorage>,
    pub history: StoredValue<History, LocalStorage>,
    /// Bumped whenever the cluster changed: every derived view tracks it.
    pub version: RwSignal<u64>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<u32>,
    pub theme: RwSignal<Theme>,
    pub term: RwSignal<Scrollback>,
    pub files: RwSignal<EditorFiles>,
    pub markers: RwSignal<Vec<Marker>>,
    pub selected: RwSignal<Option<(String, String)>>,
    pub notices: RwSignal<Vec<String>>,
    pub busy: RwSignal<bool>,
    /// Lessons and scenarios done, quiz answers, hints used, best golf.
    pub progress: RwSignal<Progress>,
    /// Slug of the lesson exercise or scenario being attempted (None: the sandbox).
    pub task: RwSignal<Option<String>>,
    /// Golf of the current attempt once its goal held.
    pub solved: RwSignal<Option<GolfReport>>,
    /// The sandbox's engine, files and terminal lines while a task has the workspace.
    pub(crate) stash: StoredValue<Option<(Engine, EditorFiles, Scrollback)>, LocalStorage>,
    pub layout: RwSignal<Layout>,
}

impl Ui {
    /// Loads what was saved and builds the engine (replaying a saved recording).
    pub fn load() -> Ui {
        let mut store = BrowserStore::open();
        let mut notices = Vec::new();
        if !store.is_persistent() {
            notices.push("This browser does not allow Podlab to save: your work lasts until the tab closes.".to_string());
        }
        let files: persist::Loaded<EditorFiles> = persist::load(&mut store, Slot::Files);
        let history: persist::Loaded<Vec<String>> = persist::load(&mut store, Slot::History);
        let recording: persist::Loaded<Option<Recording>> = persist::load(&mut store, Slot::Recording);
        let settings: persist::Loaded<Settings> = persist::load(&mut store, Slot::Settings);
        let progress: persist::Loaded<Progress> = persist::load(&mut store, Slot::Progress);
        let layout: persist::Loaded<Layout> = persist::load(&mut store, Slot::Layout);
        notices.extend([files.notice, history.notice, recording.notice, settings.notice, progress.notice, layout.notice].into_iter().flatten());
        let mut editor = files.value;
        if editor.files.is_empty() {
            editor.files.push(EditorFile { name: "pod.yaml".into(), text: TEMPLATES[0].1.to_string() });
        }
        editor.active = editor.active.min(editor.files.len() - 1);
        let engine = match recording.value {
            Some(rec) if !rec.inputs.is_empty() => Engine::from_recording(rec, Origin::Sandbox(ClusterSpec::default())).unwrap_or_else(|_| Engine::new(SANDBOX_SEED, ClusterSpec::default())),
            _ => Engine::new(SANDBOX_SEED, ClusterSpec::default()),
        };
        let s = settings.value;
        Ui {
            engine: StoredValue::new_local(engine),
            store: StoredValue::new_local(store),
            clock: StoredValue::new_local(Clock::new(s.speed)),
            history: StoredValue::new_local(History::from_entries(history.value)),
            version: RwSignal::new(0),
            playing: RwSignal::new(true),
            speed: RwSignal::new(Clock::new(s.speed).speed),
            theme: RwSignal::new(s.theme),
            term: RwSignal::new(Scrollback::default()),
            files: RwSignal::new(editor),
            markers: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            notices: RwSignal::new(notices),
            busy: RwSignal::new(false),
            progress: RwSignal::new(progress.value),
            task: RwSignal::new(None),
            solved: RwSignal::new(None),
            stash: StoredValue::new_local(None),
            layout: RwSignal::new(layout.value),
        }
    }

    pub fn changed(&self) {
        self.version.update(|v| *v += 1);
        self.check_solved();
    }

    /// Appends command output to the terminal, split into lines, in the order written.
    pub fn print(&self, out: &CommandOutput) {
        if out.is_empty() {
            return;
        }
        let shell = self.in_exec();
        self.term.update(|t| t.append(out, shell));
    }

    /// Echoes the commands a replay applied (the reference solution being played back).
    pub fn print_echoes(&self) {
        let echoes = self.engine.try_update_value(|e| e.take_echoes()).unwrap_or_default();
        for (line, out) in echoes {
            if self.in_exec() {
                self.term.update(|t| t.typed(&line));
            } else {
                self.echo(&line);
            }
            self.print(&out);
        }
    }

    /// True while the terminal is attached to a shell (lines go to it): a container's
    /// (`kubectl exec -it`) or a node's (`ssh node01`).
    pub fn in_exec(&self) -> bool {
        self.engine.try_with_value(|e| e.in_shell()).unwrap_or(false)
    }

    fn echo(&self, line: &str) {
        self.term.update(|t| t.push(LineKind::Prompt, line));
    }

    /// Runs a command line as if typed: echo, execute, print, remember.
    pub fn run(&self, line: &str, stdin: Option<&str>) {
        self.echo(line);
        if let Some(body) = stdin {
            self.term.update(|t| body.lines().for_each(|l| t.push(LineKind::Prompt, &format!("> {l}"))));
        }
        if line.trim() == "clear" {
            self.term.update(Scrollback::clear);
        }
        let out = self.engine.try_update_value(|e| e.run(line, stdin)).unwrap_or_default();
        self.print(&out);
        self.history.update_value(|h| h.push(line));
        self.after_input();
    }

    /// A line typed into an attached shell: it follows the shell's prompt on screen and goes
    /// to the shell's stdin; the shell's output (and next prompt) comes back.
    pub fn send_to_shell(&self, line: &str) {
        self.term.update(|t| t.typed(line));
        let out = self.engine.try_update_value(|e| e.run(line, None)).unwrap_or_default();
        self.print(&out);
        self.after_input();
    }

    /// Ctrl+D in an attached shell: end of input, the shell exits.
    pub fn shell_eof(&self) {
        self.term.update(|t| t.typed(""));
        let out = self.engine.try_update_value(|e| e.exec_eof()).unwrap_or_default();
        self.print(&out);
        self.term.update(Scrollback::flush);
        self.after_input();
    }

    fn after_input(&self) {
        if !self.in_exec() {
            self.term.update(Scrollback::flush);
        }
        self.save_history();
        self.save_recording();
        self.changed();
    }

    /// Ctrl/Cmd+Enter: the current file goes into the workspace and `kubectl apply -f` runs.
    pub fn apply_current(&self) {
        let files = self.files.get_untracked();
        let Some(file) = files.files.get(files.active).cloned() else { return };
        let result = self.engine.try_update_value(|e| e.apply_file(&file.name, &file.text));
        let Some((line, out)) = result else { return };
        self.echo(&line);
        self.print(&out);
        self.markers.set(if out.exit_code == 0 { Vec::new() } else { markers(&file.text, &out.stderr) });
        self.save_recording();
        self.changed();
    }

    /// Ctrl+C with `typed` on the input row. A container shell echoes `^C` itself and prompts
    /// again; a closed stream gets the `^C` the local terminal shows.
    pub fn interrupt(&self, typed: &str) {
        let in_shell = self.in_exec();
        let out = self.engine.try_update_value(|e| e.interrupt()).unwrap_or_default();
        if in_shell && !out.is_empty() {
            self.term.update(|t| t.partial.push_str(typed));
            self.print(&out);
        } else if in_shell {
            self.term.update(|t| t.cancel_line(typed));
        } else {
            self.term.update(|t| t.push(LineKind::Out, "^C"));
        }
        self.after_input();
    }

    /// The localhost panel's Fetch: one GET through a forwarded port, recorded like a command.
    pub fn fetch(&self, address: &str) {
        self.engine.update_value(|e| {
            e.fetch(address);
        });
        self.save_recording();
        self.changed();
    }

    /// Scrubs the cluster to simulated time `t` (replay from the recording).
    pub fn travel_to(&self, t: u64) {
        self.engine.update_value(|e| e.travel_to(t));
        let now = self.engine.with_value(|e| e.now());
        self.clock.update_value(|c| c.sync(now));
        self.changed();
    }

    /// Advances to the next scheduled thing in the cluster (the "step" button and `.` key).
    pub fn step(&self) {
        let next = self.engine.with_value(|e| e.next_event());
        if let Some(t) = next {
            let out = self.engine.try_update_value(|e| e.advance_to(t)).unwrap_or_default();
            self.print(&out);
            self.clock.update_value(|c| c.sync(t));
            self.changed();
        }
    }

    pub fn save_files(&self) {
        if self.task.get_untracked().is_some() {
            self.save_task();
            return;
        }
        let files = self.files.get_untracked();
        self.save(Slot::Files, &files);
    }

    pub fn save_history(&self) {
        let h = self.history.with_value(|h| h.entries().to_vec());
        self.save(Slot::History, &h);
    }

    pub fn save_recording(&self) {
        if self.task.get_untracked().is_some() {
            self.save_task();
            return;
        }
        let rec = self.engine.with_value(|e| e.recording.clone());
        self.save(Slot::Recording, &Some(rec));
    }

    pub fn save_settings(&self) {
        let s = Settings { theme: self.theme.get_untracked(), speed: self.speed.get_untracked() };
        self.save(Slot::Settings, &s);
    }

    pub(crate) fn save<T: serde::Serialize>(&self, slot: Slot, value: &T) {
        let result = self.store.try_update_value(|s| persist::save(s, slot, value));
        if let Some(Err(e)) = result {
            self.notices.update(|n| {
                if !n.contains(&e) {
                    n.push(e);
                }
            });
        }
    }

    /// Starts the sandbox over: a fresh cluster, an empty recording (editor files stay).
    pub fn reset_cluster(&self) {
        if self.task.get_untracked().is_some() {
            self.restart_task();
            return;
        }
        self.engine.set_value(Engine::new(SANDBOX_SEED, ClusterSpec::default()));
        self.clock.update_value(|c| c.sync(0));
        self.markers.set(Vec::new());
        self.selected.set(None);
        self.save_recording();
        self.changed();
    }
}

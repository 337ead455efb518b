//! The content schema: what a lesson exercise or troubleshooting scenario file may say, as serde
//! types with `deny_unknown_fields` so a misspelt key is a load error naming the field instead of
//! a silently ignored line. Exercises and scenarios share one `Task` type: both set up a cluster,
//! state a goal as predicates over cluster state and learner actions, and ship a reference
//! solution. `lessons/README.md` documents every field for authors.

use crate::duration::Dur;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `lessons/index.yaml`: the tracks in the order the home page shows them.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub tracks: Vec<Track>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Stable id used in progress data and in each task's `track` field.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub items: Vec<IndexItem>,
}

/// One entry of a track: `{lesson: 01-what-is-a-pod}` or `{scenario: image-tag-typo}`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum IndexItem {
    /// A folder directly under `lessons/`.
    Lesson(String),
    /// A folder under `lessons/scenarios/`.
    Scenario(String),
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

/// A lesson's live exercise (`exercise.yaml`) or a scenario (`scenario.yaml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub slug: String,
    pub title: String,
    pub track: String,
    pub difficulty: Difficulty,
    /// Markdown; for scenarios the interviewer's story, for exercises the instructions.
    pub story: String,
    /// The simulation's cluster spec for this task; absent means the default 3-node cluster.
    #[serde(default)]
    pub cluster: Option<Value>,
    /// Files the editor opens with (and the terminal workspace holds) when the task starts.
    #[serde(default)]
    pub files: Vec<EditorFile>,
    /// What happens before the learner gets the terminal; not counted as learner actions.
    #[serde(default)]
    pub setup: Vec<Step>,
    /// Every check must hold at once for the task to count as solved.
    pub goal: Vec<Check>,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// The hint ladder, from a nudge to nearly the answer.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Hints shown only while their condition holds ("you have not looked at the Events yet").
    #[serde(default)]
    pub state_hints: Vec<StateHint>,
    /// The reference solution: what an experienced engineer would type and edit.
    pub solution: Vec<Step>,
    /// Tempting fixes that must NOT satisfy the goal; replayed by the tests.
    #[serde(default)]
    pub wrong_fixes: Vec<WrongFix>,
    /// Interview mode's clock (wall time the UI counts down; the simulation never reads it).
    #[serde(default)]
    pub time_limit: Option<Dur>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EditorFile {
    pub name: String,
    pub content: String,
}

/// One step of setup, a solution or a wrong fix.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// A terminal line exactly as typed (kubectl, `cat > f <<EOF` heredocs, `sleep 30s`).
    Run(String),
    /// Replace a file's content in the editor/workspace (an editor change; apply it with `run`).
    Edit(EditorFile),
    /// Let simulated time pass without typing anything.
    Wait(Dur),
    /// Break something outside the API, as an outage would.
    Fault(Fault),
}

/// `fault: {stop_kubelet: node01, after: 2m}`: exactly one of `stop_kubelet` /
/// `start_kubelet` / `stop_node` / `start_node`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The machine powers off (a power loss, a crashed host): no heartbeats, no pod
    /// management, and its pods stop answering on the network; the cluster notices after the
    /// node-monitor grace period.
    #[serde(default)]
    pub stop_node: Option<String>,
    /// The machine powers on again; its kubelet starts and catches up.
    #[serde(default)]
    pub start_node: Option<String>,
    /// Only the node's kubelet stops (`systemctl stop kubelet`): no heartbeats, no pod
    /// management, but its containers keep running and answering on their pod IPs.
    #[serde(default)]
    pub stop_kubelet: Option<String>,
    /// The node's kubelet starts again (`systemctl start kubelet`) and catches up.
    #[serde(default)]
    pub start_kubelet: Option<String>,
    /// Simulated time from this step until the fault happens (absent: at once). A setup
    /// fault with `after` strikes while the learner works.
    #[serde(default)]
    pub after: Option<Dur>,
}

/// What a fault does to its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    StopNode,
    StartNode,
    StopKubelet,
    StartKubelet,
}

impl Fault {
    /// The action and its node when the fault names exactly one action.
    pub fn action(&self) -> Option<(FaultAction, &str)> {
        let named = [
            (FaultAction::StopNode, &self.stop_node),
            (FaultAction::StartNode, &self.start_node),
            (FaultAction::StopKubelet, &self.stop_kubelet),
            (FaultAction::StartKubelet, &self.start_kubelet),
        ];
        let mut set = named.iter().filter_map(|(a, n)| n.as_deref().map(|n| (*a, n)));
        let first = set.next()?;
        set.next().is_none().then_some(first)
    }
}

/// A checklist line: the text the learner sees and the predicate that decides it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub text: String,
    pub that: Predicate,
    /// The predicate must hold continuously (and about the same object) for this long.
    #[serde(default, rename = "for")]
    pub hold_for: Option<Dur>,
}

/// A declarative statement about the cluster or about what the learner did.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Predicate {
    /// `status.phase` of a pod equals `phase` (Pending, Running, Succeeded, Failed, Unknown).
    PodPhase { pod: String, #[serde(default)] namespace: Option<String>, phase: String },
    /// The pod's `Ready` condition is True (or False with `ready: false`).
    PodReady { pod: String, #[serde(default)] namespace: Option<String>, #[serde(default = "yes")] ready: bool },
    /// Facts about one container's status; every given field must match.
    Container(ContainerCheck),
    /// Every container of the pod is running and restartCount does not move (use with `for`).
    RestartsStable { pod: String, #[serde(default)] namespace: Option<String> },
    /// A value in the object as the API returns it, e.g. `spec.containers[0].ports[0].containerPort`.
    Field(FieldCheck),
    Exists(ObjectRef),
    Absent(ObjectRef),
    /// An event with this reason was seen since the task started (events expire after 1h).
    Event(EventCheck),
    /// The learner ran a kubectl subcommand (e.g. `describe`) since the task started.
    Ran { verb: String, #[serde(default)] args_contain: Option<String> },
    /// Before their first change to the cluster, the learner ran one of these subcommands.
    RanBeforeChange { any_of: Vec<String> },
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContainerCheck {
    pub pod: String,
    #[serde(default)]
    pub namespace: Option<String>,
    pub container: String,
    /// Look in `status.initContainerStatuses` instead of `status.containerStatuses`.
    #[serde(default)]
    pub init: bool,
    #[serde(default)]
    pub ready: Option<bool>,
    /// `running`, `waiting` or `terminated`.
    #[serde(default)]
    pub state: Option<String>,
    /// `state.waiting.reason` or `state.terminated.reason`, e.g. CrashLoopBackOff, OOMKilled.
    #[serde(default)]
    pub reason: Option<String>,
    /// `lastState.terminated.reason`, e.g. OOMKilled after a restart.
    #[serde(default)]
    pub last_reason: Option<String>,
    #[serde(default)]
    pub max_restarts: Option<u64>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FieldCheck {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    /// Dotted path with `[i]` indexes or `[name=value]` list selectors.
    pub path: String,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default)]
    pub one_of: Option<Vec<Value>>,
    #[serde(default)]
    pub not_equals: Option<Value>,
    /// `true`: the path must exist; `false`: it must not.
    #[serde(default)]
    pub present: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EventCheck {
    pub reason: String,
    /// `involvedObject.name`.
    #[serde(default)]
    pub object: Option<String>,
    /// Normal or Warning.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    #[serde(default)]
    pub message_contains: Option<String>,
}

/// Multiple choice when `choices` is given (`correct` lists the right indexes, 0-based),
/// otherwise a short answer matched against `accept` (case and spacing ignored).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub correct: Vec<usize>,
    #[serde(default)]
    pub accept: Vec<String>,
    /// Shown after answering, right or wrong.
    pub explain: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StateHint {
    pub when: Predicate,
    pub text: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WrongFix {
    pub name: String,
    pub steps: Vec<Step>,
    /// Why it does not work, for the learner who tries it.
    pub why: String,
}

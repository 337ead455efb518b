//! The shared informer against the private one it replaces: probe components, one reading a
//! private `Informer` and others reading `Registration`s of one `SharedInformer`, watch the same
//! random pod creates, relabels and deletions (with assumptions of their own, and a pair joining
//! late); every wake-up time, every pumped change and every read of the cache must be equal.

use crate::keys::NsName;
use super::*;
use crate::component::{Component, Wake};
use crate::controllers::Informer;
use crate::request::{ApiRequest, PatchType};
use crate::sim::Simulation;
use crate::time::SimDuration;
use crate::ClusterSpec;
use proptest::prelude::*;
use serde_json::json;

enum Source {
    Own(Informer),
    Shared(Registration),
}

struct Probe {
    source: Source,
    log: Rc<RefCell<Vec<String>>>,
    /// None: log every change. Some(alternate): log only how many changes came (a reader
    /// that does not look at them), taking them with `catch_up` on every other wake when
    /// `alternate`, with `pump` otherwise.
    condensed: Option<bool>,
    wakes: u64,
}

fn text(v: &Option<Arc<Value>>) -> String {
    v.as_deref().map_or_else(|| "-".to_string(), Value::to_string)
}

impl Probe {
    fn pump(&mut self, ctx: &mut Ctx<'_>) -> Vec<Change> {
        match &mut self.source {
            Source::Own(i) => i.pump(ctx),
            Source::Shared(r) => r.pump(ctx),
        }
    }

    fn assume(&mut self, obj: Value) {
        match &mut self.source {
            Source::Own(i) => i.assume(obj),
            Source::Shared(r) => r.assume(obj),
        }
    }

    /// Every read a controller makes, flattened to text.
    fn view(&self) -> String {
        let all: Vec<Arc<Value>> = match &self.source {
            Source::Own(i) => i.objs.values().cloned().collect(),
            Source::Shared(r) => r.values(),
        };
        let ns: Vec<Arc<Value>> = match &self.source {
            Source::Own(i) => i.in_namespace("team").cloned().collect(),
            Source::Shared(r) => r.in_namespace("team"),
        };
        let keys = [NsName::new("default", "p1"), NsName::new("team", "p2"), NsName::new("default", "p3")];
        let got: Vec<String> = keys
            .iter()
            .map(|k| match &self.source {
                Source::Own(i) => text(&i.lookup(k)),
                Source::Shared(r) => text(&r.lookup(k)),
            })
            .collect();
        let len = match &self.source {
            Source::Own(i) => i.objs.len(),
            Source::Shared(r) => r.len(),
        };
        let all: Vec<String> = all.iter().map(|v| v.to_string()).collect();
        let ns: Vec<String> = ns.iter().map(|v| v.to_string()).collect();
        format!("all={all:?} team={ns:?} got={got:?} len={len}")
    }
}

impl Component for Probe {
    fn name(&self) -> String {
        "probe".into()
    }
    fn user(&self) -> String {
        "system:admin".into()
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        match &mut self.source {
            Source::Own(i) => i.start(ctx),
            Source::Shared(r) => r.start(ctx, "Pod"),
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        if let Some(alternate) = self.condensed {
            self.condensed_wake(ctx, wake, alternate);
            return;
        }
        let changes = self.pump(ctx);
        let mut log = Vec::new();
        log.push(format!("wake {} {wake:?}", ctx.now().as_millis()));
        for c in &changes {
            log.push(format!("{:?} {} -> {}", c.key, text(&c.old), text(&c.new)));
            // What a controller does after writing an object: keep its own answer.
            if let Some(new) = c.new.as_deref().filter(|n| meta::name(n).ends_with('1')) {
                let mut mine = new.clone();
                meta::set_meta_str(&mut mine, "resourceVersion", "assumed");
                self.assume(mine);
            }
        }
        log.push(self.view());
        self.log.borrow_mut().extend(log);
    }
}

impl Probe {
    /// A reader of the cache only: counts the changes, then assumes its own copy of `p1`
    /// whenever the cache holds one (so the change that ends the assumption must be noticed
    /// by `catch_up` as by `pump`).
    fn condensed_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake, alternate: bool) {
        self.wakes += 1;
        let count = match &mut self.source {
            Source::Shared(r) if alternate && self.wakes % 2 == 1 => r.catch_up(ctx),
            _ => self.pump(ctx).len(),
        };
        let current = match &self.source {
            Source::Own(i) => i.lookup(&NsName::new("default", "p1")),
            Source::Shared(r) => r.lookup(&NsName::new("default", "p1")),
        };
        if let Some(p1) = current.filter(|p| meta::resource_version(p) != "assumed") {
            let mut mine = (*p1).clone();
            meta::set_meta_str(&mut mine, "resourceVersion", "assumed");
            self.assume(mine);
        }
        let line = format!("wake {} {wake:?}: {count} changes {}", ctx.now().as_millis(), self.view());
        self.log.borrow_mut().push(line);
    }
}

fn probe(sim: &mut Simulation, source: Source) -> Rc<RefCell<Vec<String>>> {
    probe_with(sim, source, None)
}

fn probe_with(sim: &mut Simulation, source: Source, condensed: Option<bool>) -> Rc<RefCell<Vec<String>>> {
    let log = Rc::new(RefCell::new(Vec::new()));
    sim.register_component(Box::new(Probe { source, log: Rc::clone(&log), condensed, wakes: 0 }));
    log
}

#[derive(Clone, Debug)]
enum Op {
    Create(u8, bool),
    Relabel(u8, bool),
    Delete(u8, bool),
    Advance(u16),
    JoinLate,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..4, any::<bool>()).prop_map(|(n, t)| Op::Create(n, t)),
        2 => (0u8..4, any::<bool>()).prop_map(|(n, t)| Op::Relabel(n, t)),
        2 => (0u8..4, any::<bool>()).prop_map(|(n, t)| Op::Delete(n, t)),
        3 => (0u16..3_000).prop_map(Op::Advance),
        1 => Just(Op::JoinLate),
    ]
}

fn apply(sim: &mut Simulation, op: &Op) {
    let ns = |team: bool| if team { "team" } else { "default" };
    let req = match op {
        Op::Create(n, team) => ApiRequest::create(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("p{n}"), "namespace": ns(*team)},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})),
        Op::Relabel(n, team) => ApiRequest::patch("Pod", ns(*team), &format!("p{n}"), PatchType::Merge, json!({"metadata": {"labels": {"v": n.to_string()}}})),
        Op::Delete(n, team) => ApiRequest::delete("Pod", ns(*team), &format!("p{n}")),
        Op::Advance(ms) => {
            let t = sim.now().plus(SimDuration(u64::from(*ms)));
            sim.advance_to(t);
            return;
        }
        Op::JoinLate => return,
    };
    let _ = sim.submit(req);
}

fn run(ops: &[Op]) {
    let mut sim = Simulation::new(7, ClusterSpec::workers(2));
    let _ = sim.submit(ApiRequest::create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})));
    apply(&mut sim, &Op::Create(3, false));
    let shared = SharedInformer::new("Pod");
    let own = probe(&mut sim, Source::Own(Informer::new("Pod")));
    let first = probe(&mut sim, Source::Shared(shared.register()));
    let second = probe(&mut sim, Source::Shared(shared.register()));
    // Readers that only count: always pumping, and taking every other batch with `catch_up`.
    let pumping = probe_with(&mut sim, Source::Shared(shared.register()), Some(false));
    let catching_up = probe_with(&mut sim, Source::Shared(shared.register()), Some(true));
    let mut late: Option<(Rc<RefCell<Vec<String>>>, Rc<RefCell<Vec<String>>>)> = None;
    for op in ops {
        if matches!(op, Op::JoinLate) && late.is_none() {
            late = Some((probe(&mut sim, Source::Own(Informer::new("Pod"))), probe(&mut sim, Source::Shared(shared.register()))));
        }
        apply(&mut sim, op);
    }
    let t = sim.now().plus(SimDuration(5_000));
    sim.advance_to(t);
    assert!(!own.borrow().is_empty());
    assert_eq!(*own.borrow(), *first.borrow());
    assert_eq!(*own.borrow(), *second.borrow());
    assert!(!pumping.borrow().is_empty());
    assert_eq!(*pumping.borrow(), *catching_up.borrow());
    if let Some((own_late, shared_late)) = late {
        assert_eq!(*own_late.borrow(), *shared_late.borrow());
    }
}

#[test]
fn shared_registrations_see_what_private_informers_see() {
    use Op::*;
    run(&[Create(1, false), Advance(5), Relabel(1, false), Create(2, true), JoinLate, Advance(2_000), Delete(1, false), Create(1, false), Advance(1), Relabel(2, true), Advance(40_000)]);
}

#[test]
fn merge_lets_assumed_objects_shadow_shared_ones() {
    let k = |n: &str| NsName::new("ns", n);
    let v = |s: &str| Arc::new(json!(s));
    let common: BTreeMap<Key, Arc<Value>> = [(k("a"), v("a")), (k("c"), v("c")), (k("d"), v("d"))].into_iter().collect();
    let mine: BTreeMap<Key, Arc<Value>> = [(k("b"), v("b'")), (k("c"), v("c'")), (k("e"), v("e'"))].into_iter().collect();
    let got: Vec<Value> = merge(common.iter(), mine.iter()).into_iter().map(Arc::unwrap_or_clone).collect();
    assert_eq!(got, vec![json!("a"), json!("b'"), json!("c'"), json!("d"), json!("e'")]);
    assert!(merge(std::iter::empty(), std::iter::empty()).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn shared_informer_matches_private_informers(ops in proptest::collection::vec(op(), 1..40)) {
        run(&ops);
    }
}

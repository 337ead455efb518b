//! client-go's `SharedInformerFactory` for the kinds many controllers watch (Pods): one watch
//! and one cache per kind, shared by every controller that registers an event handler on it,
//! instead of each controller keeping its own watch and its own copy of every pod (ten pod
//! informers made every pod write cost ten watch deliveries, ten map updates and ten key copies).
//!
//! A controller holds a `Registration` (client-go's `ResourceEventHandlerRegistration` plus the
//! lister): `pump` hands it every change since its last pump, in commit order, exactly as its
//! own informer would have — the shared watch wakes every registered controller, a change stays
//! in the shared log until every registration has seen it, and what a controller `assume`s
//! (its own write, before the watch brings it) stays private to it, shadowing the shared cache
//! until its next change arrives. A controller pumps before it reads and nobody else pumps
//! while it runs, so the shared cache it reads is the one its own informer would have held.

use super::queue::Key;
use super::Change;
use crate::component::Ctx;
use crate::meta;
use crate::store::{WatchFilter, WatchId};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// Reads a cache by key: a controller's own `Informer` or a shared `Registration`.
pub trait Lister {
    fn lookup(&self, key: &Key) -> Option<Arc<Value>>;
}

impl Lister for super::Informer {
    fn lookup(&self, key: &Key) -> Option<Arc<Value>> {
        self.objs.get(key).cloned()
    }
}

#[derive(Debug)]
struct Cache {
    kind: String,
    watch: Option<WatchId>,
    objs: BTreeMap<Key, Arc<Value>>,
    /// Changes some registration has not pumped yet, oldest first; `log[0]` is number `base`.
    log: VecDeque<Change>,
    base: u64,
    /// Per registration, the number of the first change it has not pumped.
    cursors: Vec<u64>,
}

impl Cache {
    fn head(&self) -> u64 {
        self.base + self.log.len() as u64
    }

    /// Applies the watch's pending events to the cache and appends them to the log, with the
    /// object before and after as every registration's own cache would have had them.
    fn fill(&mut self, ctx: &mut Ctx<'_>) {
        let Some(id) = self.watch else { return };
        for ev in ctx.drain(id) {
            if let Some(change) = super::apply_event(&mut self.objs, ev) {
                self.log.push_back(change);
            }
        }
    }

    /// Drops the changes every registration has pumped.
    fn trim(&mut self) {
        let seen = self.cursors.iter().copied().min().unwrap_or_else(|| self.head());
        let n = seen.saturating_sub(self.base).min(self.log.len() as u64);
        self.log.drain(..n as usize);
        self.base += n;
    }
}

/// One kind's shared watch and cache; cloning shares it.
#[derive(Clone, Debug)]
pub struct SharedInformer(Rc<RefCell<Cache>>);

impl SharedInformer {
    pub fn new(kind: &str) -> Self {
        let cache = Cache { kind: kind.to_string(), watch: None, objs: BTreeMap::new(), log: VecDeque::new(), base: 0, cursors: Vec::new() };
        SharedInformer(Rc::new(RefCell::new(cache)))
    }

    /// A handle for one controller; it joins the stream at its `start`.
    pub fn register(&self) -> Registration {
        Registration { shared: Some(self.clone()), ..Registration::default() }
    }
}

/// One controller's view of a shared informer: its place in the change stream and the objects
/// it assumed. A default one gets a private informer of its own at `start`.
#[derive(Debug, Default)]
pub struct Registration {
    shared: Option<SharedInformer>,
    slot: Option<usize>,
    /// The initial ADDED changes of a registration that joined a running informer.
    initial: Vec<Change>,
    /// What this controller assumed, until the watch brings a change of that object.
    assumed: BTreeMap<Key, Arc<Value>>,
}

impl Registration {
    /// Joins the stream: the first registration opens the watch (its initial ADDED events
    /// arrive through the log); a later one gets the cache's objects as ADDED, in key order
    /// — what a watch of its own, opened now, would list — and is woken by every delivery.
    pub fn start(&mut self, ctx: &mut Ctx<'_>, kind: &str) {
        if self.slot.is_some() {
            return;
        }
        let shared = self.shared.get_or_insert_with(|| SharedInformer::new(kind)).clone();
        let mut c = shared.0.borrow_mut();
        match c.watch {
            None => c.watch = ctx.watch(WatchFilter::kind(&c.kind), None).ok(),
            Some(id) => {
                c.fill(ctx);
                ctx.core.store.watches.add_owner(id, ctx.id);
                self.initial = c.objs.iter().map(|(k, v)| Change { key: k.clone(), old: None, new: Some(Arc::clone(v)) }).collect();
                if !self.initial.is_empty() {
                    ctx.core.wake_watchers(vec![ctx.id]);
                }
            }
        }
        self.slot = Some(c.cursors.len());
        let head = c.head();
        c.cursors.push(head);
    }

    /// Every change since the last pump, in order, with the object before (as this
    /// controller last knew it, assumptions included) and after.
    pub fn pump(&mut self, ctx: &mut Ctx<'_>) -> Vec<Change> {
        let (Some(shared), Some(slot)) = (&self.shared, self.slot) else { return Vec::new() };
        let mut c = shared.0.borrow_mut();
        c.fill(ctx);
        let from = c.cursors[slot].saturating_sub(c.base) as usize;
        let mut out = std::mem::take(&mut self.initial);
        out.reserve(c.log.len().saturating_sub(from));
        for change in c.log.range(from.min(c.log.len())..) {
            let mut change = change.clone();
            if !self.assumed.is_empty() {
                if let Some(mine) = self.assumed.remove(&change.key) {
                    change.old = Some(mine);
                }
            }
            out.push(change);
        }
        c.cursors[slot] = c.head();
        c.trim();
        out
    }

    /// `pump` for a controller that only reads the cache: the same bookkeeping (its place in
    /// the stream, the assumptions a change ends) without copying each change out for it. A
    /// pod write reaches ten registrations, and copying a change costs two key strings.
    /// Returns how many changes there were.
    pub fn catch_up(&mut self, ctx: &mut Ctx<'_>) -> usize {
        let (Some(shared), Some(slot)) = (&self.shared, self.slot) else { return 0 };
        let mut c = shared.0.borrow_mut();
        c.fill(ctx);
        let from = c.cursors[slot].saturating_sub(c.base) as usize;
        let initial = std::mem::take(&mut self.initial).len();
        let pending = c.log.range(from.min(c.log.len())..);
        let count = initial + pending.len();
        if !self.assumed.is_empty() {
            for change in pending {
                self.assumed.remove(&change.key);
            }
        }
        c.cursors[slot] = c.head();
        c.trim();
        count
    }

    /// Records this controller's own write before the watch delivers it (see `Informer::assume`).
    pub fn assume(&mut self, obj: impl Into<Arc<Value>>) {
        let obj = obj.into();
        let key = super::NsName::new(meta::namespace(&obj), meta::name(&obj));
        self.assumed.insert(key, obj);
    }

    pub fn get(&self, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.lookup(&super::NsName::new(ns, name))
    }

    /// The cached objects of one namespace, in name order.
    pub fn in_namespace(&self, ns: &str) -> Vec<Arc<Value>> {
        let lo = super::NsName::new(ns, "");
        let Some(shared) = &self.shared else { return Vec::new() };
        let c = shared.0.borrow();
        let common = c.objs.range(lo.clone()..).take_while(|(super::NsName(n, _), _)| n == ns);
        let mine = self.assumed.range(lo..).take_while(|(super::NsName(n, _), _)| n == ns);
        merge(common, mine)
    }

    /// Every cached object, in (namespace, name) order.
    pub fn values(&self) -> Vec<Arc<Value>> {
        let Some(shared) = &self.shared else { return Vec::new() };
        let c = shared.0.borrow();
        merge(c.objs.iter(), self.assumed.iter())
    }

    pub fn len(&self) -> usize {
        let Some(shared) = &self.shared else { return 0 };
        let c = shared.0.borrow();
        c.objs.len() + self.assumed.keys().filter(|k| !c.objs.contains_key(*k)).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Lister for Registration {
    fn lookup(&self, key: &Key) -> Option<Arc<Value>> {
        if let Some(mine) = self.assumed.get(key) {
            return Some(Arc::clone(mine));
        }
        self.shared.as_ref()?.0.borrow().objs.get(key).cloned()
    }
}

/// Two key-ordered runs merged by key, an assumed object shadowing the shared one.
fn merge<'a>(common: impl Iterator<Item = (&'a Key, &'a Arc<Value>)>, mine: impl Iterator<Item = (&'a Key, &'a Arc<Value>)>) -> Vec<Arc<Value>> {
    use std::cmp::Ordering;
    let mut out = Vec::new();
    let (mut a, mut b) = (common.peekable(), mine.peekable());
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
        };
        let next = match order {
            Ordering::Less => a.next(),
            Ordering::Greater => b.next(),
            Ordering::Equal => {
                a.next();
                b.next()
            }
        };
        out.extend(next.map(|(_, v)| Arc::clone(v)));
    }
    out
}

#[cfg(test)]
#[path = "shared_informer_tests.rs"]
mod tests;

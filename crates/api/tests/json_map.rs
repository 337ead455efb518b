//! The workspace builds serde_json from `vendor/serde_json`, whose `preserve_order` map is a
//! vector of entries (`vecmap.rs`) instead of upstream's IndexMap. Every object the project
//! stores, prints and compares goes through that map, so these tests hold it to IndexMap's
//! observable behaviour: random operation sequences run against a reference model (a plain
//! list of pairs with IndexMap's documented semantics), then iteration order, lookups,
//! equality, JSON text and round trips are compared. Keys are the vendored `map::Key`: up to
//! 22 bytes inline, longer ones boxed, so the pool has keys on both sides of that line.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// One operation on a map; keys come from a small pool so they collide often.
#[derive(Clone, Debug)]
enum Op {
    Insert(u8, i64),
    Remove(u8),
    ShiftRemove(u8),
    ShiftInsert(usize, u8, i64),
    EntryOrInsert(u8, i64),
    EntryRemove(u8),
    EntryShiftRemove(u8),
    RetainEven,
    SortKeys,
    Append(Vec<(u8, i64)>),
    Clear,
}

fn key(k: u8) -> String {
    // Keys of different lengths and shared prefixes, as Kubernetes field names have; 22 bytes
    // (the longest inline key), 23 and 24 (boxed) sharing their first 22; non-ASCII.
    const POOL: [&str; 14] = ["a", "ab", "abc", "name", "namespace", "labels", "spec", "status", "", "z", "terminationMessagePath", "terminationMessagePathX", "terminationMessagePolicy", "clé-ü"];
    POOL[usize::from(k) % POOL.len()].to_string()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..14, any::<i64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        1 => (0u8..14).prop_map(Op::Remove),
        1 => (0u8..14).prop_map(Op::ShiftRemove),
        1 => (0usize..12, 0u8..14, any::<i64>()).prop_map(|(i, k, v)| Op::ShiftInsert(i, k, v)),
        1 => (0u8..14, any::<i64>()).prop_map(|(k, v)| Op::EntryOrInsert(k, v)),
        1 => (0u8..14).prop_map(Op::EntryRemove),
        1 => (0u8..14).prop_map(Op::EntryShiftRemove),
        1 => Just(Op::RetainEven),
        1 => Just(Op::SortKeys),
        1 => proptest::collection::vec((0u8..14, any::<i64>()), 0..4).prop_map(Op::Append),
        1 => Just(Op::Clear),
    ]
}

/// IndexMap's semantics on a list of pairs.
fn model_apply(m: &mut Vec<(String, i64)>, op: &Op) {
    let pos = |m: &Vec<(String, i64)>, k: &str| m.iter().position(|(x, _)| x == k);
    let insert = |m: &mut Vec<(String, i64)>, k: String, v: i64| match m.iter().position(|(x, _)| *x == k) {
        Some(i) => m[i].1 = v,
        None => m.push((k, v)),
    };
    match op {
        Op::Insert(k, v) | Op::EntryOrInsert(k, v) if matches!(op, Op::Insert(..)) || pos(m, &key(*k)).is_none() => insert(m, key(*k), *v),
        Op::Insert(..) | Op::EntryOrInsert(..) => {}
        Op::Remove(k) | Op::EntryRemove(k) => {
            if let Some(i) = pos(m, &key(*k)) {
                m.swap_remove(i);
            }
        }
        Op::ShiftRemove(k) | Op::EntryShiftRemove(k) => {
            if let Some(i) = pos(m, &key(*k)) {
                m.remove(i);
            }
        }
        Op::ShiftInsert(i, k, v) => match pos(m, &key(*k)) {
            Some(at) if *i < m.len() => {
                m.remove(at);
                m.insert(*i, (key(*k), *v));
            }
            None if *i <= m.len() => m.insert(*i, (key(*k), *v)),
            _ => {}
        },
        Op::RetainEven => m.retain(|(_, v)| v % 2 == 0),
        Op::SortKeys => m.sort_by(|a, b| a.0.cmp(&b.0)),
        Op::Append(pairs) => pairs.iter().for_each(|(k, v)| insert(m, key(*k), *v)),
        Op::Clear => m.clear(),
    }
}

/// The same operation on a serde_json map; returns the value an operation hands back, to
/// compare with the model's view of it.
fn map_apply(m: &mut Map<String, Value>, op: &Op) -> Option<Value> {
    match op {
        Op::Insert(k, v) => m.insert(key(*k), json!(v)),
        Op::Remove(k) => m.remove(&key(*k)),
        Op::ShiftRemove(k) => m.shift_remove(&key(*k)),
        Op::ShiftInsert(i, k, v) => {
            // Out of range panics in IndexMap; the model skips those, so does this.
            let exists = m.contains_key(&key(*k));
            if (exists && *i < m.len()) || (!exists && *i <= m.len()) {
                m.shift_insert(*i, key(*k), json!(v))
            } else {
                None
            }
        }
        Op::EntryOrInsert(k, v) => Some(m.entry(key(*k)).or_insert(json!(v)).clone()),
        Op::EntryRemove(k) => match m.entry(key(*k)) {
            serde_json::map::Entry::Occupied(e) => Some(e.remove()),
            serde_json::map::Entry::Vacant(_) => None,
        },
        Op::EntryShiftRemove(k) => match m.entry(key(*k)) {
            serde_json::map::Entry::Occupied(e) => Some(e.shift_remove()),
            serde_json::map::Entry::Vacant(_) => None,
        },
        Op::RetainEven => {
            m.retain(|_, v| v.as_i64().is_some_and(|n| n % 2 == 0));
            None
        }
        Op::SortKeys => {
            m.sort_keys();
            None
        }
        Op::Append(pairs) => {
            let mut other: Map<String, Value> = pairs.iter().map(|(k, v)| (key(*k), json!(v))).collect();
            m.append(&mut other);
            assert!(other.is_empty());
            None
        }
        Op::Clear => {
            m.clear();
            None
        }
    }
}

fn pairs(m: &Map<String, Value>) -> Vec<(String, i64)> {
    m.iter().map(|(k, v)| (k.to_string(), v.as_i64().expect("an integer"))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any sequence of operations leaves the map with the model's entries in the model's order,
    /// and every lookup agrees.
    #[test]
    fn behaves_like_an_insertion_ordered_map(ops in proptest::collection::vec(op(), 0..40)) {
        let (mut m, mut model) = (Map::new(), Vec::new());
        for op in &ops {
            let before = model.clone();
            let got = map_apply(&mut m, op);
            model_apply(&mut model, op);
            // What remove/insert hand back is what the model held for that key.
            let held = |k: &u8| before.iter().find(|(x, _)| *x == key(*k)).map(|(_, v)| json!(v));
            match op {
                Op::Insert(k, _) | Op::Remove(k) | Op::ShiftRemove(k) | Op::EntryRemove(k) | Op::EntryShiftRemove(k) => prop_assert_eq!(got, held(k)),
                Op::EntryOrInsert(k, v) => prop_assert_eq!(got, Some(held(k).unwrap_or(json!(v)))),
                _ => {}
            }
            prop_assert_eq!(pairs(&m), model.clone());
        }
        prop_assert_eq!(m.len(), model.len());
        prop_assert_eq!(m.keys().cloned().collect::<Vec<_>>(), model.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>());
        prop_assert_eq!(m.values().rev().count(), model.len());
        for k in 0..10u8 {
            let want = model.iter().find(|(x, _)| *x == key(k)).map(|(_, v)| json!(v));
            prop_assert_eq!(m.get(&key(k)).cloned(), want.clone());
            prop_assert_eq!(m.contains_key(&key(k)), want.is_some());
        }
        // JSON text keeps the order; parsing it back gives an equal map in the same order.
        let text = serde_json::to_string(&m).expect("serialises");
        let back: Map<String, Value> = serde_json::from_str(&text).expect("parses");
        prop_assert_eq!(pairs(&back), model.clone());
        prop_assert_eq!(&back, &m);
    }

    /// Equality ignores order (as IndexMap's does) but not values or keys.
    #[test]
    fn equality_ignores_order_only(entries in proptest::collection::btree_map(0u8..14, any::<i64>(), 0..10), bump in 0u8..14) {
        let forward: Map<String, Value> = entries.iter().map(|(k, v)| (key(*k), json!(v))).collect();
        let backward: Map<String, Value> = entries.iter().rev().map(|(k, v)| (key(*k), json!(v))).collect();
        prop_assert_eq!(&forward, &backward);
        let mut changed = forward.clone();
        changed.insert(key(bump), json!("other"));
        prop_assert_ne!(&changed, &forward);
    }
}

/// Duplicate keys in JSON text: the last value wins, in the first one's place.
#[test]
fn duplicate_keys_keep_the_first_place_and_the_last_value() {
    let v: Value = serde_json::from_str(r#"{"a": 1, "b": 2, "a": 3}"#).expect("parses");
    assert_eq!(serde_json::to_string(&v).expect("serialises"), r#"{"a":3,"b":2}"#);
}

/// A map with thousands of keys still parses and answers lookups (linear search: bounded, not
/// fast; Kubernetes objects have small maps).
#[test]
fn large_maps_still_work() {
    let text = format!("{{{}}}", (0..5000).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(","));
    let v: Value = serde_json::from_str(&text).expect("parses");
    assert_eq!(v["k4999"], json!(4999));
    assert_eq!(v.as_object().map(Map::len), Some(5000));
}

/// The point of the change: a `Value` is a tag and a vector, not an inline hash map.
#[test]
fn a_value_is_four_words() {
    assert_eq!(std::mem::size_of::<Value>(), 32);
}

/// `Key` reads, compares, orders, hashes and prints exactly as the `str` it was made from, on
/// either side of the inline limit, whether made from a `&str` or a `String`.
#[test]
fn keys_behave_as_their_text() {
    use serde_json::map::Key;
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let texts: Vec<String> = (0..30).map(|n| "x".repeat(n)).chain(["é".repeat(11), "é".repeat(12), "a\u{0}b".to_string(), "kubectl.kubernetes.io/last-applied-configuration".to_string()]).collect();
    for a in &texts {
        let (ka, kb) = (Key::from(a.as_str()), Key::from(a.clone()));
        assert_eq!(ka.as_str(), a);
        assert_eq!(ka, kb);
        assert_eq!(&*ka.clone(), a.as_str());
        assert_eq!(ka.to_string(), *a);
        assert_eq!(format!("{ka:?}"), format!("{a:?}"));
        assert_eq!(hasher.hash_one(&ka), hasher.hash_one(a.as_str()));
        assert_eq!(ka.clone().into_string(), *a);
        for b in &texts {
            assert_eq!(ka.cmp(&Key::from(b.as_str())), a.as_str().cmp(b.as_str()), "{a:?} vs {b:?}");
            assert_eq!(ka == *b.as_str(), a == b);
        }
    }
}

proptest! {
    /// Any text as a key survives a map, JSON text and back, and is found by `get`.
    #[test]
    fn any_key_round_trips(keys in proptest::collection::vec(".{0,40}", 1..8)) {
        let mut m = Map::new();
        for (i, k) in keys.iter().enumerate() {
            m.insert(k.clone(), json!(i));
        }
        for k in &keys {
            prop_assert!(m.get(k).is_some());
            prop_assert!(m.get(k.as_str()).is_some());
        }
        let text = serde_json::to_string(&m).expect("serialises");
        let back: Map<String, Value> = serde_json::from_str(&text).expect("parses");
        prop_assert_eq!(&back, &m);
        let keys_back: Vec<String> = back.keys().map(|k| k.to_string()).collect();
        let keys_in: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        prop_assert_eq!(keys_back, keys_in);
    }
}

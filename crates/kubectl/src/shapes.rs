//! The key order of mapping "shapes" within one printed list: the YAML writer must emit every
//! mapping's keys sorted (go-yaml's order, plus a simple-key check per key), and the 200 pods of `get pods -o json|yaml` repeat a few
//! dozen key sequences (metadata, container, status, condition, ...) thousands of times. A
//! [`Shapes`] remembers, for each key sequence (in the map's own insertion order) met so far
//! in one command, the sorted order as a permutation and one flag per key (YAML: "simple key"),
//! so a mapping whose keys equal a remembered sequence skips collecting, sorting and key checks.
//!
//! A hit is decided by comparing every key with the remembered one (first eight bytes as a
//! number, length, then the rest of the bytes), never by the fingerprint alone, so the order
//! used is always the one the sort would give. Nothing outlives one writer (one command).
//! The JSON writer does without: its sort on key prefixes is cheaper than the check (measured).

/// Mixes one key (its first eight bytes as a number and its length in bytes) into a sequence's
/// fingerprint. Order-sensitive, so the same keys inserted differently are different shapes.
#[inline]
pub(crate) fn mix(fingerprint: u64, prefix: u64, len_bytes: usize) -> u64 {
    (fingerprint.rotate_left(9) ^ prefix ^ (len_bytes as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Fewest keys worth remembering: shorter maps sort in a couple of comparisons.
pub(crate) const MIN_KEYS: usize = 3;
/// Most keys worth remembering: larger maps (labels, annotations, data) rarely repeat exactly.
pub(crate) const MAX_KEYS: usize = 64;
/// Hash table size; also bounds the shapes remembered (half of it), so probes stay short.
const SLOTS: usize = 1024;
const MAX_SHAPES: usize = SLOTS / 2;

/// One remembered key sequence: its fingerprint and where its keys, order and flags start.
#[derive(Clone, Copy)]
struct Shape {
    fingerprint: u64,
    at: usize,
    len: usize,
}

/// Remembered shapes of one command's output. `keys`, `order` and `flags` are flat, one
/// region of `len` entries per shape.
pub(crate) struct Shapes<'v> {
    /// Shape index + 1 per slot, 0 when empty (open addressing, linear probing).
    slots: Vec<u32>,
    shapes: Vec<Shape>,
    /// Each shape's keys in insertion order with their first eight bytes as a number.
    keys: Vec<(u64, &'v str)>,
    /// Each shape's sorted order: the insertion index of the key at each sorted position.
    order: Vec<u32>,
    /// One flag per key, by insertion index (what the writer computed on the first meeting).
    flags: Vec<bool>,
}

/// A remembered shape found by [`Shapes::find`]: its sorted order and per-key flags.
pub(crate) struct Hit<'a> {
    pub order: &'a [u32],
    pub flags: &'a [bool],
}

impl<'v> Shapes<'v> {
    pub(crate) fn new() -> Self {
        Shapes { slots: Vec::new(), shapes: Vec::new(), keys: Vec::new(), order: Vec::new(), flags: Vec::new() }
    }

    /// The remembered shape whose keys are exactly `keys` (insertion order), if any.
    pub(crate) fn find(&self, fingerprint: u64, keys: impl ExactSizeIterator<Item = (u64, &'v str)>) -> Option<Hit<'_>> {
        let shape = self.slot_of(fingerprint).1?;
        if shape.len != keys.len() {
            return None;
        }
        let known = &self.keys[shape.at..shape.at + shape.len];
        for ((p, k), &(kp, kk)) in keys.zip(known) {
            // Equal prefixes and lengths leave only bytes past the eighth to compare. (An
            // inline word-by-word compare measured slower than this `memcmp`.)
            if p != kp || k.len() != kk.len() || (k.len() > 8 && k.as_bytes()[8..] != kk.as_bytes()[8..]) {
                return None;
            }
        }
        let range = shape.at..shape.at + shape.len;
        Some(Hit { order: &self.order[range.clone()], flags: &self.flags[range] })
    }

    /// Remembers a shape: its keys in insertion order, the sorted order (insertion indices)
    /// and one flag per key. Does nothing when full or when the fingerprint's slot is taken.
    pub(crate) fn insert(&mut self, fingerprint: u64, keys: impl Iterator<Item = (u64, &'v str)>, order: &[u32], flags: &[bool]) {
        if self.shapes.len() >= MAX_SHAPES {
            return;
        }
        if self.slots.is_empty() {
            self.slots = vec![0; SLOTS];
        }
        let (slot, found) = self.slot_of(fingerprint);
        if found.is_some() {
            // Same fingerprint, other keys: keep the first (the other sorts every time).
            return;
        }
        let at = self.keys.len();
        self.keys.extend(keys);
        let len = self.keys.len() - at;
        debug_assert!(len == order.len() && len == flags.len());
        self.order.extend_from_slice(order);
        self.flags.extend_from_slice(flags);
        self.shapes.push(Shape { fingerprint, at, len });
        self.slots[slot] = self.shapes.len() as u32;
    }

    /// The slot holding `fingerprint`'s shape, or the empty slot where it would go.
    fn slot_of(&self, fingerprint: u64) -> (usize, Option<Shape>) {
        if self.slots.is_empty() {
            return (0, None);
        }
        let mut slot = (fingerprint >> 54) as usize % SLOTS;
        // At most half the slots are used, so an empty one comes within SLOTS probes.
        for _ in 0..SLOTS {
            match self.slots[slot] {
                0 => return (slot, None),
                i => {
                    let shape = self.shapes[i as usize - 1];
                    if shape.fingerprint == fingerprint {
                        return (slot, Some(shape));
                    }
                }
            }
            slot = (slot + 1) % SLOTS;
        }
        (slot, None)
    }
}

/// `0..n` in the front of `buf` (`n <= MAX_KEYS`), the order a miss then sorts.
pub(crate) fn identity(buf: &mut [u32; MAX_KEYS], n: usize) -> &mut [u32] {
    let order = &mut buf[..n.min(MAX_KEYS)];
    for (i, o) in order.iter_mut().enumerate() {
        *o = i as u32;
    }
    order
}

/// Reorders `entries[start..]` (one mapping, insertion order) into `order` (the insertion index
/// of each sorted position), calling `each` with every moved entry and its insertion index.
/// The sorted copies go past the end, then move down over the originals: two copies per entry.
pub(crate) fn permute<T: Copy>(entries: &mut Vec<T>, start: usize, order: &[u32], mut each: impl FnMut(&mut T, usize)) {
    let end = entries.len();
    for &i in order {
        let mut e = entries[start + i as usize];
        each(&mut e, i as usize);
        entries.push(e);
    }
    entries.copy_within(end.., start);
    entries.truncate(end);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn fp(keys: &[&str]) -> u64 {
        keys.iter().fold(0, |f, k| mix(f, crate::jsonfmt::prefix8(k.as_bytes()), k.len()))
    }

    fn with_prefix<'a>(keys: &'a [&'a str]) -> impl ExactSizeIterator<Item = (u64, &'a str)> + 'a {
        keys.iter().map(|k| (crate::jsonfmt::prefix8(k.as_bytes()), *k))
    }

    #[test]
    fn only_the_same_keys_in_the_same_order_hit() {
        let mut shapes = Shapes::new();
        let keys = ["name", "image", "imagePullPolicy"];
        shapes.insert(fp(&keys), with_prefix(&keys), &[1, 2, 0], &[true, false, true]);
        let hit = shapes.find(fp(&keys), with_prefix(&keys)).map(|h| (h.order.to_vec(), h.flags.to_vec()));
        assert_eq!(hit, Some((vec![1, 2, 0], vec![true, false, true])));
        // Differences in the tail past eight bytes, the length, the order or the count miss,
        // even when forced to the remembered fingerprint.
        for other in [&["name", "image", "imagePullPolicz"][..], &["name", "image", "imagePullPolicyX"], &["image", "name", "imagePullPolicy"], &["name", "image"]] {
            assert!(shapes.find(fp(&keys), with_prefix(other)).is_none(), "{other:?}");
            assert!(shapes.find(fp(other), with_prefix(other)).is_none(), "{other:?}");
        }
    }

    #[test]
    fn a_full_cache_stays_correct_and_bounded() {
        let mut shapes = Shapes::new();
        let names: Vec<String> = (0..MAX_SHAPES + 50).map(|i| format!("key{i}")).collect();
        let all: Vec<[&str; 3]> = names.iter().map(|n| [n.as_str(), "a", "b"]).collect();
        for keys in &all {
            shapes.insert(fp(keys), with_prefix(keys), &[1, 2, 0], &[false; 3]);
        }
        assert_eq!(shapes.shapes.len(), MAX_SHAPES);
        let first = [names[0].as_str(), "a", "b"];
        assert!(shapes.find(fp(&first), with_prefix(&first)).is_some());
        let last = [names[names.len() - 1].as_str(), "a", "b"];
        assert!(shapes.find(fp(&last), with_prefix(&last)).is_none());
    }

    /// Key sequences for the writers' tests: keys sharing eight-byte prefixes, digits (go-yaml's
    /// number runs, not a total order), non-letters, non-ASCII, resolver words, keys that need
    /// quotes.
    const VOCABULARY: &[&str] = &["name", "image", "imagePullPolicy", "imagePullSecrets", "a1", "a10", "a2", "a-1", "_z", "Z", "é", "on", "x", "containerStatuses", "a: b", "*x", "#c", ""];

    /// Lists of objects that repeat a few shapes, some with the same keys inserted in another
    /// order, nested in maps and sequences: what the shape cache meets in `get -o json|yaml`.
    pub(crate) fn arb_shaped_list() -> impl proptest::strategy::Strategy<Value = Vec<serde_json::Value>> {
        use proptest::prelude::*;
        let shape = proptest::sample::subsequence(VOCABULARY.to_vec(), 1..VOCABULARY.len()).prop_shuffle();
        (proptest::collection::vec(shape, 1..4), proptest::collection::vec((any::<u8>(), any::<u8>(), any::<bool>()), 1..12)).prop_map(|(shapes, picks)| {
            let object = |keys: &[&str], reversed: bool, inner: Option<serde_json::Value>| {
                let mut map = serde_json::Map::new();
                let mut keys = keys.to_vec();
                if reversed {
                    keys.reverse();
                }
                for (i, k) in keys.iter().enumerate() {
                    let v = if i == 0 { inner.clone().unwrap_or(serde_json::json!(i)) } else { serde_json::json!(format!("v{i}")) };
                    map.insert(k.to_string(), v);
                }
                serde_json::Value::Object(map)
            };
            picks
                .iter()
                .map(|&(a, b, reversed)| {
                    let inner = &shapes[usize::from(b) % shapes.len()];
                    let list = serde_json::Value::Array(vec![object(inner, !reversed, None), object(inner, reversed, None)]);
                    object(&shapes[usize::from(a) % shapes.len()], reversed, Some(list))
                })
                .collect()
        })
    }
}

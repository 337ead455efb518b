//! The key order and printed keys of mapping "shapes" within one printed list: the writers must
//! emit every mapping's keys sorted (YAML: go-yaml's order and a quoting decision per key; JSON:
//! byte order and escaping), and the 200 pods of `get pods -o json|yaml` repeat a few dozen key
//! sequences (metadata, container, status, condition, ...) thousands of times. A [`Shapes`]
//! remembers, for each key sequence (in the map's own insertion order) met so far in one
//! command, the sorted order as a permutation and each key already printed as the writer prints
//! it (`name:`, `"80":`, `"name": `), so a mapping whose keys equal a remembered sequence skips
//! collecting flags, sorting, permuting and printing keys: per key it costs one comparison
//! and one copy.
//!
//! A hit is decided by comparing every key with the remembered one (first eight bytes as a
//! number, length, then the rest of the bytes), never by the fingerprint alone, so the order
//! and text used are always the ones the full path would give. Nothing outlives one writer.

/// Mixes one key (its first eight bytes as a number and its length in bytes) into a sequence's
/// fingerprint. Order-sensitive, so the same keys inserted differently are different shapes.
#[inline]
pub(crate) fn mix(fingerprint: u64, prefix: u64, len_bytes: usize) -> u64 {
    (fingerprint.rotate_left(9) ^ prefix ^ (len_bytes as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Are `a` and `b` the same text, given their [`crate::jsonfmt::prefix8`]s? Equal prefixes and
/// lengths leave only the bytes past the eighth to compare: up to 24 bytes (nearly every key
/// and most repeated values) as one or two eight-byte words, the last one overlapping, instead
/// of a `memcmp` call (which was ~9 % of `-o yaml`, called per key of every shape check).
#[inline]
pub(crate) fn same_text(prefix_a: u64, a: &str, prefix_b: u64, b: &str) -> bool {
    if prefix_a != prefix_b || a.len() != b.len() {
        return false;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match a.len() {
        0..=8 => true,
        9..=16 => last8(a) == last8(b),
        17..=24 => word8(a, 8) == word8(b, 8) && last8(a) == last8(b),
        _ => a.get(8..) == b.get(8..),
    }
}

/// The last eight bytes of `b` (at least eight long) as a number.
#[inline(always)]
fn last8(b: &[u8]) -> u64 {
    b.last_chunk::<8>().map_or(0, |w| u64::from_ne_bytes(*w))
}

/// Bytes `at..at + 8` of `b` as a number (0 past the end, which callers never reach).
#[inline(always)]
fn word8(b: &[u8], at: usize) -> u64 {
    b.get(at..).and_then(<[u8]>::first_chunk::<8>).map_or(0, |w| u64::from_ne_bytes(*w))
}

/// Fewest keys worth remembering: even one-key maps (labels, requests) gain from printed keys
/// and remembered values (measured: 8 % fewer instructions for `-o yaml` than from three keys).
pub(crate) const MIN_KEYS: usize = 1;
/// Most keys worth remembering: larger maps (labels, annotations, data) rarely repeat exactly.
pub(crate) const MAX_KEYS: usize = 64;
/// The bytes `Shapes::write_key` copies at once: longer printed keys (deep and long) are
/// copied by length.
const SLOT_BYTES: usize = 64;
/// Hash table size; also bounds the shapes remembered (half of it), so probes stay short.
const SLOTS: usize = 1024;
const MAX_SHAPES: usize = SLOTS / 2;

/// One remembered key sequence: its fingerprint and where its keys, order and flags start.
#[derive(Clone, Copy)]
struct Shape {
    fingerprint: u64,
    at: usize,
    len: usize,
    indent: usize,
}

/// Remembered shapes of one command's output. `keys`, `order`, `printed` and `memos` are flat,
/// one region of `len` entries per shape, and only ever grow, so a [`ShapeId`] stays valid
/// while the writer recurses and remembers more. `M` is what a writer keeps per sorted key
/// between meetings of a shape (YAML: the last string value written there and its style).
pub(crate) struct Shapes<'v, M = ()> {
    /// Shape index + 1 per slot, 0 when empty (open addressing, linear probing).
    slots: Vec<u32>,
    shapes: Vec<Shape>,
    /// Each shape's keys in insertion order with their first eight bytes as a number.
    keys: Vec<(u64, &'v str)>,
    /// Each shape's sorted order: the insertion index of the key at each sorted position.
    order: Vec<u32>,
    /// Each sorted position's key as printed: a range of `text` and its width in columns.
    printed: Vec<Printed>,
    text: String,
    memos: Vec<M>,
}

/// One key as the writer prints it: `text[at..at + len]`, `width` columns wide.
#[derive(Clone, Copy)]
struct Printed {
    at: u32,
    len: u32,
    width: u32,
}

/// A remembered shape found by [`Shapes::find`]: where its regions start and how many keys.
#[derive(Clone, Copy)]
pub(crate) struct ShapeId {
    at: usize,
    pub len: usize,
    /// The spaces every printed key of this shape starts with (the indentation the shape was
    /// first met at, so a mapping at that indentation copies each line's start whole).
    pub indent: usize,
}

impl<'v, M: Copy + Default> Shapes<'v, M> {
    pub(crate) fn new() -> Self {
        Shapes { slots: Vec::new(), shapes: Vec::new(), keys: Vec::new(), order: Vec::new(), printed: Vec::new(), text: String::new(), memos: Vec::new() }
    }

    /// The remembered shape whose keys are exactly `keys` (insertion order), if any.
    pub(crate) fn find(&self, fingerprint: u64, keys: impl ExactSizeIterator<Item = (u64, &'v str)>) -> Option<ShapeId> {
        let shape = self.slot_of(fingerprint).1?;
        if shape.len != keys.len() {
            return None;
        }
        let known = &self.keys[shape.at..shape.at + shape.len];
        for ((p, k), &(kp, kk)) in keys.zip(known) {
            if !same_text(p, k, kp, kk) {
                return None;
            }
        }
        Some(ShapeId { at: shape.at, len: shape.len, indent: shape.indent })
    }

    /// Appends the `j`th key in sorted order of shape `id` to `out`, leaving out the first
    /// `skip` bytes of its printed text (its indentation, see [`ShapeId::indent`]); returns
    /// the key's insertion index and its width in columns.
    #[inline]
    pub(crate) fn write_key(&self, id: ShapeId, j: usize, skip: usize, out: &mut String) -> (usize, usize) {
        let Some(p) = self.printed.get(id.at + j) else { return (0, 0) };
        let (at, len) = (p.at as usize + skip, (p.len as usize).saturating_sub(skip));
        match self.text.get(at..at + SLOT_BYTES) {
            // A fixed-size copy (a few vector moves) cut back to the key, instead of a
            // `memcpy` call per key line: `text` holds at least SLOT_BYTES from every key on.
            Some(slot) if len <= SLOT_BYTES => {
                let end = out.len() + len;
                out.push_str(slot);
                out.truncate(end);
            }
            _ => out.push_str(self.text.get(at..at + len).unwrap_or_default()),
        }
        (self.order[id.at + j] as usize, p.width as usize)
    }

    /// What the writer left at the `j`th sorted key of shape `id` ([`Self::set_memo`]).
    #[inline]
    pub(crate) fn memo(&self, id: ShapeId, j: usize) -> M {
        self.memos.get(id.at + j).copied().unwrap_or_default()
    }

    #[inline]
    pub(crate) fn set_memo(&mut self, id: ShapeId, j: usize, memo: M) {
        if let Some(m) = self.memos.get_mut(id.at + j) {
            *m = memo;
        }
    }

    /// Remembers a shape: its keys in insertion order, the sorted order (insertion indices) and
    /// each sorted key as `indent` spaces followed by what `print` writes (appending to the
    /// string it is given, returning the key's width). None when full or when the fingerprint's
    /// slot is taken (the caller then takes the uncached path).
    pub(crate) fn insert(
        &mut self,
        fingerprint: u64,
        keys: impl Iterator<Item = (u64, &'v str)>,
        order: &[u32],
        indent: usize,
        mut print: impl FnMut(&mut String, usize) -> usize,
    ) -> Option<ShapeId> {
        if self.shapes.len() >= MAX_SHAPES {
            return None;
        }
        if self.slots.is_empty() {
            self.slots = vec![0; SLOTS];
        }
        let (slot, found) = self.slot_of(fingerprint);
        if found.is_some() {
            // Same fingerprint, other keys: keep the first (the other sorts every time).
            return None;
        }
        let at = self.keys.len();
        self.keys.extend(keys);
        let len = self.keys.len() - at;
        debug_assert!(len == order.len());
        self.order.extend_from_slice(order);
        for &i in order {
            let from = self.text.len();
            push_spaces(&mut self.text, indent);
            let width = print(&mut self.text, i as usize);
            let to = self.text.len();
            self.printed.push(Printed { at: from as u32, len: (to - from) as u32, width: width as u32 });
            // Room for `write_key`'s fixed-size copy (spaces, never part of a key).
            push_spaces(&mut self.text, (from + SLOT_BYTES).saturating_sub(to));
        }
        self.memos.resize(at + len, M::default());
        self.shapes.push(Shape { fingerprint, at, len, indent });
        self.slots[slot] = self.shapes.len() as u32;
        Some(ShapeId { at, len, indent })
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

/// Appends `n` spaces, a slice of a run of them at a time.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    // Bounded: each pass takes at least one space off `n`.
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
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
        let mut shapes: Shapes<'_> = Shapes::new();
        let keys = ["name", "image", "imagePullPolicy"];
        let print = |out: &mut String, i: usize| {
            out.push_str(&keys[i].to_uppercase());
            i * 10
        };
        assert!(shapes.insert(fp(&keys), with_prefix(&keys), &[1, 2, 0], 2, print).is_some());
        let sorted = |id: ShapeId| {
            let written = |j: usize| {
                let mut out = String::from(">");
                let (i, w) = shapes.write_key(id, j, 0, &mut out);
                (i, out, w)
            };
            (0..id.len).map(written).collect::<Vec<_>>()
        };
        let hit = shapes.find(fp(&keys), with_prefix(&keys)).map(sorted);
        let want = vec![(1, ">  IMAGE".to_string(), 10), (2, ">  IMAGEPULLPOLICY".to_string(), 20), (0, ">  NAME".to_string(), 0)];
        assert_eq!(hit, Some(want));
        // Leaving out the indentation, and a key longer than one fixed-size copy.
        let mut out = String::new();
        let id = shapes.find(fp(&keys), with_prefix(&keys)).unwrap_or_else(|| panic!("remembered"));
        assert_eq!(shapes.write_key(id, 2, 2, &mut out), (0, 0));
        let long = ["a".repeat(100), "b".repeat(3), "c".repeat(64)];
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        let id = shapes.insert(fp(&long), with_prefix(&long), &[0, 1, 2], 1, |out, i| {
            out.push_str(long[i]);
            0
        });
        let id = id.unwrap_or_else(|| panic!("remembered"));
        for j in 0..3 {
            shapes.write_key(id, j, 1, &mut out);
        }
        assert_eq!(out, format!("NAME{}{}{}", long[0], long[1], long[2]));
        // Differences in the tail past eight bytes, the length, the order or the count miss,
        // even when forced to the remembered fingerprint.
        for other in [&["name", "image", "imagePullPolicz"][..], &["name", "image", "imagePullPolicyX"], &["image", "name", "imagePullPolicy"], &["name", "image"]] {
            assert!(shapes.find(fp(&keys), with_prefix(other)).is_none(), "{other:?}");
            assert!(shapes.find(fp(other), with_prefix(other)).is_none(), "{other:?}");
        }
    }

    proptest::proptest! {
        /// `same_text` is string equality, for every length across its word cases (8, 16, 24)
        /// and for texts that differ in one byte anywhere, most of them sharing their prefix.
        #[test]
        fn same_text_is_equality(a in "[ab]{0,40}", at in 0usize..40, other in proptest::sample::select(vec![b'a', b'b', b'c'])) {
            let mut b = a.clone().into_bytes();
            if let Some(x) = b.get_mut(at) {
                *x = other;
            }
            let b = String::from_utf8(b).unwrap_or_default();
            let p = |s: &str| crate::jsonfmt::prefix8(s.as_bytes());
            proptest::prop_assert_eq!(same_text(p(&a), &a, p(&b), &b), a == b);
            proptest::prop_assert!(same_text(p(&a), &a, p(&a), &a.clone()));
            let longer = format!("{a}a");
            proptest::prop_assert!(!same_text(p(&a), &a, p(&longer), &longer));
        }
    }

    #[test]
    fn a_full_cache_stays_correct_and_bounded() {
        let mut shapes: Shapes<'_> = Shapes::new();
        let names: Vec<String> = (0..MAX_SHAPES + 50).map(|i| format!("key{i}")).collect();
        let all: Vec<[&str; 3]> = names.iter().map(|n| [n.as_str(), "a", "b"]).collect();
        for keys in &all {
            shapes.insert(fp(keys), with_prefix(keys), &[1, 2, 0], 0, |_, _| 0);
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

    /// String values for the writers' tests: the same or other text at a remembered shape's
    /// key, in each quick style, not quick at all (line breaks), and text with one space near
    /// column 80 that folds or not depending on the column it starts at (one per threshold, so
    /// some land between the columns one shape's key has at two depths).
    fn values() -> Vec<String> {
        // Three of one length with the same first eight bytes: only their ninth tells them
        // apart (and decides YAML's style, `abcdefgh:` is quoted, and JSON's escaping of `<`).
        let fixed = ["v1", "on", "a: b", "*x", "", "80", "'q'", " lead", "x\ny", "abcdefgh1", "abcdefgh:", "abcdefgh<"].map(String::from);
        fixed.into_iter().chain((56..80).map(|at| format!("{} b", "a".repeat(at)))).collect()
    }

    /// Lists of objects that repeat a few shapes, some with the same keys inserted in another
    /// order, nested in maps and sequences, their values repeating or not from object to
    /// object: what the shape cache meets in `get -o json|yaml`.
    pub(crate) fn arb_shaped_list() -> impl proptest::strategy::Strategy<Value = Vec<serde_json::Value>> {
        use proptest::prelude::*;
        let shape = proptest::sample::subsequence(VOCABULARY.to_vec(), 1..VOCABULARY.len()).prop_shuffle();
        let values = values();
        (proptest::collection::vec(shape, 1..4), proptest::collection::vec((any::<u8>(), any::<u8>(), any::<bool>(), any::<u8>()), 1..12)).prop_map(move |(shapes, picks)| {
            let object = |keys: &[&str], reversed: bool, inner: Option<serde_json::Value>, salt: usize| {
                let mut map = serde_json::Map::new();
                let mut keys = keys.to_vec();
                if reversed {
                    keys.reverse();
                }
                for (i, k) in keys.iter().enumerate() {
                    let v = if i == 0 { inner.clone().unwrap_or(serde_json::json!(i)) } else { serde_json::json!(values[(i + salt) % values.len()]) };
                    map.insert(k.to_string(), v);
                }
                serde_json::Value::Object(map)
            };
            picks
                .iter()
                .map(|&(a, b, reversed, salt)| {
                    let salt = usize::from(salt);
                    let inner = &shapes[usize::from(b) % shapes.len()];
                    let list = serde_json::Value::Array(vec![object(inner, !reversed, None, salt), object(inner, reversed, None, salt / 2)]);
                    object(&shapes[usize::from(a) % shapes.len()], reversed, Some(list), salt)
                })
                .collect()
        })
    }
}

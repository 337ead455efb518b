//! Keys of the simulation's B-trees, ordered exactly as `str::cmp` orders their strings but
//! compared inline, eight bytes at a time. `str::cmp` hands every comparison to libc's
//! `memcmp`, and the B-trees of the store, the scheduler and the controllers' caches compare
//! keys made of short strings (`Pod`, `default`, `web-7d4f9`) some twenty times per lookup:
//! at 10 000 pods those calls were an eighth of the scheduling benchmark's time, more than the
//! comparisons themselves. Iteration order is observable (lists come out in it), so these
//! keys keep the byte order the derived `Ord` of their strings gave.

use std::cmp::Ordering;

/// `a.cmp(b)` for byte strings: the first differing byte decides, else the shorter is less.
/// Whole eight-byte words first; the tail is one more word read overlapping the last one
/// compared (the bytes before it are known equal), and a tail under eight bytes is two
/// overlapping four-byte halves, so no key costs a byte loop.
#[inline]
pub fn bytes_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    let (a, b, lens) = (&a[..n], &b[..n], a.len().cmp(&b.len()));
    let mut at = 0;
    while at + 8 <= n {
        let (x, y) = (word(&a[at..at + 8]), word(&b[at..at + 8]));
        if x != y {
            return x.cmp(&y);
        }
        at += 8;
    }
    let (x, y) = if at == n {
        return lens;
    } else if n >= 8 {
        (word(&a[n - 8..]), word(&b[n - 8..]))
    } else if n >= 4 {
        (halves(a), halves(b))
    } else {
        (short(a), short(b))
    };
    x.cmp(&y).then(lens)
}

/// `a.cmp(b)` for strings (UTF-8 byte order is code point order, as `str::cmp` has it).
#[inline]
pub fn str_cmp(a: &str, b: &str) -> Ordering {
    bytes_cmp(a.as_bytes(), b.as_bytes())
}

/// A namespaced object's namespace and name, as the pod keys of the scheduler and the
/// controllers' caches hold them: ordered by namespace, then name (as the tuple it replaces).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NsName(pub String, pub String);

impl NsName {
    pub fn new(namespace: &str, name: &str) -> Self {
        NsName(namespace.to_string(), name.to_string())
    }
}

impl Ord for NsName {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        str_cmp(&self.0, &other.0).then_with(|| str_cmp(&self.1, &other.1))
    }
}

impl PartialOrd for NsName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for NsName {
    /// `namespace/name`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

/// Eight bytes as a big-endian number (the first byte most significant).
#[inline]
fn word(chunk: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    u64::from_be_bytes(w)
}

/// Four to seven bytes as one number: the first four above the last four (they overlap in
/// the middle when there are fewer than eight, which keeps the order: those bytes are
/// compared twice, equal or not, in the same significance order).
#[inline]
fn halves(s: &[u8]) -> u64 {
    let quad = |q: &[u8]| {
        let mut w = [0u8; 4];
        w.copy_from_slice(q);
        u64::from(u32::from_be_bytes(w))
    };
    (quad(&s[..4]) << 32) | quad(&s[s.len() - 4..])
}

/// One to three bytes as one number, first byte most significant.
#[inline]
fn short(s: &[u8]) -> u64 {
    s.iter().fold(0, |w, &b| (w << 8) | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Prefixes, equal words with a differing tail, a difference in the last byte of a word,
    /// high bytes (which a signed comparison would get wrong) and non-ASCII text.
    #[test]
    fn table_agrees_with_str_cmp() {
        let words = ["", "a", "Pod", "Pods", "default", "default1", "default12345678", "default12345679", "pod-00001", "pod-00010", "web-7d4f9c-abcde", "web-7d4f9c-abcdf", "\u{e9}t\u{e9}", "\u{7f}", "\u{80}", "zzzzzzzz", "zzzzzzzy"];
        for a in words {
            for b in words {
                assert_eq!(str_cmp(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Random byte strings sharing a random prefix: the same order as `[u8]::cmp`.
        #[test]
        fn agrees_with_slice_cmp(prefix in proptest::collection::vec(any::<u8>(), 0..20), a in proptest::collection::vec(any::<u8>(), 0..20), b in proptest::collection::vec(any::<u8>(), 0..20)) {
            let (x, y) = ([prefix.clone(), a].concat(), [prefix, b].concat());
            prop_assert_eq!(bytes_cmp(&x, &y), x.cmp(&y));
            prop_assert_eq!(bytes_cmp(&x, &x), Ordering::Equal);
        }
    }
}

//! Byte order of two strings (exactly `str::cmp`), compared inline eight bytes at a time.
//! `str::cmp` hands every comparison to libc's `memcmp`, and the B-trees of the store and the
//! controllers' caches compare keys made of short strings (`Pod`, `default`, `web-7d4f9`)
//! some twenty times per lookup: at 10 000 pods those calls were an eighth of the scheduling
//! benchmark's time, more than the comparisons themselves. Keys whose order must stay the
//! byte order (iteration order is observable: lists come out in it) implement `Ord` with this.

use std::cmp::Ordering;

/// `a.cmp(b)` for byte strings: the first differing byte decides, else the shorter is less.
#[inline]
pub fn bytes_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    let (a_head, b_head) = (&a[..n], &b[..n]);
    let mut words = a_head.chunks_exact(8).zip(b_head.chunks_exact(8));
    for (x, y) in &mut words {
        // Big-endian, so the first differing byte is the most significant difference.
        let (x, y) = (word(x), word(y));
        if x != y {
            return x.cmp(&y);
        }
    }
    let done = n - n % 8;
    for (x, y) in a_head[done..].iter().zip(&b_head[done..]) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// `a.cmp(b)` for strings (UTF-8 byte order is code point order, as `str::cmp` has it).
#[inline]
pub fn str_cmp(a: &str, b: &str) -> Ordering {
    bytes_cmp(a.as_bytes(), b.as_bytes())
}

#[inline]
fn word(chunk: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    u64::from_be_bytes(w)
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

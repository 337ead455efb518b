//! Deterministic randomness. Every random choice in the cluster (UIDs, generateName suffixes,
//! pod IPs, container IDs, jitter) comes from a SplitMix64 stream derived from the simulation
//! seed and a stream *name*, so each component owns an independent stream: adding a random draw
//! to the kubelet can never shift what the scheduler or the API server draws.

/// Kubernetes' `utilrand` alphabet for generated name suffixes (no vowels, no 0/1/3 lookalikes).
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A small, fast, seedable PRNG (SplitMix64). Not cryptographic; it only needs to be
/// reproducible on every platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a stream name: stable across platforms and Rust versions (unlike `Hash`).
fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: mix64(seed ^ 0x5851_f42d_4c95_7f2d) }
    }

    /// An independent stream for `name` derived from `seed` only (never from draws made so
    /// far), so the order in which components are created does not matter.
    pub fn stream(seed: u64, name: &str) -> Self {
        Rng::new(mix64(seed) ^ fnv1a(name))
    }

    /// A child stream derived from this stream's current state and a label.
    pub fn fork(&mut self, label: &str) -> Rng {
        let base = self.next_u64();
        Rng::new(base ^ fnv1a(label))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0). Uses the multiply-high reduction: no rejection
    /// loop, so the cost is constant; the bias is below 2^-32 for the small `n` used here.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    /// An RFC 4122 version-4 UID in its canonical 8-4-4-4-12 lower-case form.
    pub fn uid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        // One exact-size buffer written digit by digit (a UID is made for every object and
        // Event; the 17 `format!`s it took cost ~10k instructions).
        let mut out = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            push_hex_byte(&mut out, *x);
        }
        out
    }

    /// `n` characters from Kubernetes' name-suffix alphabet (generateName uses 5).
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| NAME_SUFFIX_ALPHABET[self.below(NAME_SUFFIX_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// `n` random bytes as lower-case hex (container IDs use 32 bytes = 64 hex digits).
    pub fn hex(&mut self, n_bytes: usize) -> String {
        let mut b = vec![0u8; n_bytes.min(1024)];
        self.fill(&mut b);
        let mut out = String::with_capacity(b.len() * 2);
        for x in &b {
            push_hex_byte(&mut out, *x);
        }
        out
    }
}

/// Appends a byte as two lower-case hex digits (what `format!("{x:02x}")` writes).
fn push_hex_byte(out: &mut String, x: u8) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(DIGITS[usize::from(x >> 4)]));
    out.push(char::from(DIGITS[usize::from(x & 0x0f)]));
}

#[cfg(test)]
mod tests {
    use super::Rng;
    use super::NAME_SUFFIX_ALPHABET;
    use proptest::prelude::{any, prop_assert, prop_assert_eq, proptest, ProptestConfig};

    #[test]
    fn streams_are_independent_and_reproducible() {
        let mut a1 = Rng::stream(7, "scheduler");
        let mut a2 = Rng::stream(7, "scheduler");
        let mut b = Rng::stream(7, "kubelet/node01");
        let xs: Vec<u64> = (0..4).map(|_| a1.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| a2.next_u64()).collect();
        let zs: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        assert_ne!(Rng::stream(8, "scheduler").next_u64(), xs[0]);
    }

    #[test]
    fn uid_has_v4_shape() {
        let mut r = Rng::new(1);
        for _ in 0..50 {
            let u = r.uid();
            let parts: Vec<&str> = u.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
            assert!(parts[2].starts_with('4'), "{u}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{u}");
        }
    }

    /// `uid` and `hex` as first written, with `format!`: the digit-by-digit versions must
    /// give the same text from the same stream.
    fn reference_uid(r: &mut Rng) -> String {
        let mut b = [0u8; 16];
        r.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    fn reference_hex(r: &mut Rng, n_bytes: usize) -> String {
        let mut b = vec![0u8; n_bytes.min(1024)];
        r.fill(&mut b);
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn uid_and_hex_equal_formatting(seed in any::<u64>(), n in 0usize..40) {
            let (mut fast, mut slow) = (Rng::new(seed), Rng::new(seed));
            prop_assert_eq!(fast.uid(), reference_uid(&mut slow));
            prop_assert_eq!(fast.hex(n), reference_hex(&mut slow, n));
            prop_assert_eq!(fast, slow);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn below_stays_in_range(seed in any::<u64>(), n in 0u64..1000) {
            let mut r = Rng::new(seed);
            let x = r.below(n);
            prop_assert!(n == 0 && x == 0 || x < n);
        }
        #[test]
        fn suffix_uses_alphabet(seed in any::<u64>()) {
            let s = Rng::new(seed).name_suffix(5);
            prop_assert_eq!(s.len(), 5);
            prop_assert!(s.bytes().all(|c| NAME_SUFFIX_ALPHABET.contains(&c)));
        }
    }
}

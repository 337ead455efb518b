//! `pod-template-hash`: how the Deployment controller names ReplicaSets (`web-6d4b8f7c9d`).
//! Kubernetes' `controller.ComputeHash` feeds a deep print of the PodTemplateSpec (plus the
//! collisionCount, little-endian) to FNV-32a and passes the decimal digits of the sum through
//! `rand.SafeEncodeString`, whose alphabet has no vowels (no accidental words) and no
//! look-alike characters. The simulation feeds the template's canonical JSON instead of Go's
//! spew dump — the one input Rust cannot reproduce — so the hash is stable, changes exactly
//! when the template does, and has the real shape (up to 10 characters from that alphabet).

use serde_json::Value;

/// `k8s.io/apimachinery/pkg/util/rand` alphanums: consonants and digits without 0, 1, 3.
pub const SAFE_ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a, 32 bits (`hash/fnv.New32a`).
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `rand.SafeEncodeString`: every byte mapped to `SAFE_ALPHABET[byte % 27]`.
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()] as char).collect()
}

/// `controller.ComputeHash(template, collisionCount)`. The template's own
/// `pod-template-hash` label is ignored so a ReplicaSet's template hashes like its
/// Deployment's.
pub fn compute_hash(template: &Value, collision_count: Option<u32>) -> String {
    let mut t = template.clone();
    if let Some(labels) = t.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        labels.shift_remove("pod-template-hash");
    }
    let mut data = serde_json::to_vec(&t).unwrap_or_default();
    if let Some(c) = collision_count {
        data.extend_from_slice(&c.to_le_bytes());
    }
    safe_encode(&fnv32a(&data).to_string())
}

/// `EqualIgnoreHash`: two templates are the same rollout target when they differ at most in
/// the `pod-template-hash` label.
pub fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut t = v.clone();
        if let Some(labels) = t.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
            labels.shift_remove("pod-template-hash");
            if labels.is_empty() {
                if let Some(m) = t.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                    m.shift_remove("labels");
                }
            }
        }
        t
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fnv32a_matches_reference_vectors() {
        // Vectors from the FNV reference (draft-eastlake-fnv) for FNV-1a 32.
        let cases: [(&str, u32); 4] = [("", 0x811c_9dc5), ("a", 0xe40c_292c), ("foobar", 0xbf9c_f968), ("hello", 0x4f9f_2cab)];
        for (input, want) in cases {
            assert_eq!(fnv32a(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn safe_encode_maps_digits_like_apimachinery() {
        // '0' = 48 -> 48 % 27 = 21 -> '4'; '9' = 57 -> 3 -> 'f'.
        let cases = [("0", "4"), ("9", "f"), ("1234567890", "56789bcdf4"), ("", "")];
        for (input, want) in cases {
            assert_eq!(safe_encode(input), want, "{input:?}");
        }
    }

    #[test]
    fn hash_shape_and_sensitivity() {
        let t1 = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}});
        let t2 = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}});
        let h1 = compute_hash(&t1, None);
        assert!(!h1.is_empty() && h1.len() <= 10, "{h1}");
        assert!(h1.bytes().all(|b| SAFE_ALPHABET.contains(&b)), "{h1}");
        assert_eq!(h1, compute_hash(&t1, None), "stable");
        assert_ne!(h1, compute_hash(&t2, None), "template change changes the hash");
        assert_ne!(h1, compute_hash(&t1, Some(1)), "collisionCount changes the hash");
        let mut labelled = t1.clone();
        labelled["metadata"]["labels"]["pod-template-hash"] = json!(h1.clone());
        assert_eq!(compute_hash(&labelled, None), h1, "own hash label ignored");
        assert!(equal_ignore_hash(&labelled, &t1));
        assert!(!equal_ignore_hash(&t1, &t2));
    }
}

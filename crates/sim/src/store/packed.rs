//! `Packed`: a JSON value frozen into one byte buffer, for what the simulation keeps but rarely
//! reads — superseded object versions in the store's history (a watch replayed from an old
//! resourceVersion reads them) and the JSON details of trace entries (the UI's journey reads a
//! few). A `serde_json::Value` spends an `IndexMap`, a hash table and a heap string per key on
//! every object: a stored pod is ~1.7 KB of JSON text but 11-15 KB of heap as a `Value`, and a
//! 10 000-pod run keeps tens of thousands of them. Packed, it is about its JSON text's size.
//!
//! The encoding is exact, not JSON text: numbers keep their kind (unsigned, negative, float by
//! its bits, so a float reads back bit for bit without depending on a float parser), object
//! keys keep their order, and `unpack` gives a value equal to the packed one that serialises to
//! the same bytes (a property test checks both).

use serde_json::{Map, Number, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
/// A non-negative integer (`Number::as_u64`), as a varint.
const UINT: u8 = 3;
/// A negative integer `i`, as the varint of `!i` (0 for -1).
const NEG: u8 = 4;
/// A float, as its eight little-endian bytes.
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// A JSON value in its packed form. Immutable; compares by its bytes (equal values pack to
/// equal bytes, since the encoding is a pure function of the value and its key order).
#[derive(Clone, PartialEq, Eq)]
pub struct Packed(Box<[u8]>);

impl Packed {
    /// Packs `v`, using `buf` as scratch space (a caller packing many values reuses one buffer
    /// so each value costs one exactly sized allocation).
    pub fn pack_with(v: &Value, buf: &mut Vec<u8>) -> Packed {
        buf.clear();
        encode(v, buf);
        Packed(Box::from(&buf[..]))
    }

    pub fn pack(v: &Value) -> Packed {
        Packed::pack_with(v, &mut Vec::new())
    }

    /// The value again, with every map and array sized exactly. Only bytes `pack` wrote are
    /// ever unpacked; should they be damaged anyway, the answer is `null`, never a panic.
    pub fn unpack(&self) -> Value {
        let mut r = Reader { bytes: &self.0, at: 0 };
        r.value().unwrap_or(Value::Null)
    }

    /// Size of the packed form in bytes.
    pub fn len_bytes(&self) -> usize {
        self.0.len()
    }
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.unpack(), f)
    }
}

/// A packed value with one string in it left open: `fill` gives the packing of the value with
/// that string replaced by another of the same byte length, with one copy of the bytes instead
/// of building and encoding the value (the ServiceAccount plugin's patch values differ per pod
/// only in the volume's generated name). Exact because a string's encoding is its length and
/// its bytes, nothing else depending on them.
#[derive(Debug)]
pub struct PackedTemplate {
    bytes: Box<[u8]>,
    at: usize,
    len: usize,
}

impl PackedTemplate {
    /// `v` with the string `placeholder` left open; None unless `placeholder` is encoded
    /// exactly once in `v` (as a key or a value).
    pub fn new(v: &Value, placeholder: &str) -> Option<PackedTemplate> {
        let bytes = Packed::pack(v).0;
        let mut needle = Vec::new();
        put_str(placeholder, &mut needle);
        let mut hits = bytes.windows(needle.len()).enumerate().filter(|(_, w)| *w == &needle[..]).map(|(i, _)| i);
        let (first, again) = (hits.next()?, hits.next());
        let len = placeholder.len();
        again.is_none().then(|| PackedTemplate { at: first + needle.len() - len, len, bytes })
    }

    /// The packing of the template's value with `s` in the open string; None when `s` is not
    /// of the placeholder's byte length.
    pub fn fill(&self, s: &str) -> Option<Packed> {
        if s.len() != self.len {
            return None;
        }
        let mut bytes = self.bytes.clone();
        bytes.get_mut(self.at..self.at + self.len)?.copy_from_slice(s.as_bytes());
        Some(Packed(bytes))
    }
}

fn put_varint(mut n: u64, out: &mut Vec<u8>) {
    // Seven bits a byte, high bit set on all but the last: at most ten bytes.
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(s: &str, out: &mut Vec<u8>) {
    put_varint(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn encode(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => encode_number(n, out),
        Value::String(s) => {
            out.push(STRING);
            put_str(s, out);
        }
        Value::Array(a) => {
            out.push(ARRAY);
            put_varint(a.len() as u64, out);
            for item in a {
                encode(item, out);
            }
        }
        Value::Object(m) => {
            out.push(OBJECT);
            put_varint(m.len() as u64, out);
            for (k, item) in m {
                put_str(k, out);
                encode(item, out);
            }
        }
    }
}

fn encode_number(n: &Number, out: &mut Vec<u8>) {
    if let Some(u) = n.as_u64() {
        out.push(UINT);
        put_varint(u, out);
    } else if let Some(i) = n.as_i64() {
        // `as_u64` failed, so `i` is negative and `!i` is its magnitude less one.
        out.push(NEG);
        put_varint(!i as u64, out);
    } else {
        out.push(FLOAT);
        out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_bits().to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn take(&mut self, len: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(len)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn string(&mut self) -> Option<String> {
        let len = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.take(len)?).ok().map(str::to_string)
    }

    /// A length that cannot exceed the bytes left (each element takes at least one), so a
    /// damaged length never reserves more than the buffer could hold.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn value(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UINT => Value::Number(Number::from(self.varint()?)),
            NEG => Value::Number(Number::from(!(self.varint()? as i64))),
            FLOAT => {
                let bits: [u8; 8] = self.take(8)?.try_into().ok()?;
                Value::Number(Number::from_f64(f64::from_bits(u64::from_le_bytes(bits)))?)
            }
            STRING => Value::String(self.string()?),
            ARRAY => {
                let n = self.count()?;
                let mut a = Vec::with_capacity(n);
                for _ in 0..n {
                    a.push(self.value()?);
                }
                Value::Array(a)
            }
            OBJECT => {
                let n = self.count()?;
                let mut m = Map::with_capacity(n);
                for _ in 0..n {
                    let k = self.string()?;
                    m.insert(k, self.value()?);
                }
                Value::Object(m)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// A filled template is the packing of the value with the string in place; a placeholder
    /// that is absent, repeated or of another length gives none.
    #[test]
    fn templates_fill_as_packing_gives() {
        let with = |name: &str| json!({"name": name, "list": [{"name": name, "readOnly": true}], name: 1, "other": "x"});
        let t = PackedTemplate::new(&json!({"name": "#####", "list": [true], "n": 3}), "#####").expect("once");
        assert_eq!(t.fill("abcde"), Some(Packed::pack(&json!({"name": "abcde", "list": [true], "n": 3}))));
        assert_eq!(t.fill("abcd"), None);
        assert!(PackedTemplate::new(&with("#####"), "#####").is_none());
        assert!(PackedTemplate::new(&json!({"a": "b"}), "#####").is_none());
        let key = PackedTemplate::new(&json!({"#####": [1], "z": "y"}), "#####").expect("once, as a key");
        assert_eq!(key.fill("k-123"), Some(Packed::pack(&json!({"k-123": [1], "z": "y"}))));
    }

    #[test]
    fn packs_and_unpacks_every_kind_of_value() {
        let cases = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(127),
            json!(128),
            json!(u64::MAX),
            json!(-1),
            json!(i64::MIN),
            json!(0.5),
            json!(-0.0),
            json!(1e300),
            json!(1.0),
            json!(""),
            json!("ünïcödé ✓"),
            json!([]),
            json!({}),
            json!({"z": 1, "a": [1, "x", {"m": null}], "": {"nested": {"deeper": [true, false]}}}),
        ];
        for v in cases {
            let p = Packed::pack(&v);
            let back = p.unpack();
            assert_eq!(back, v, "{v}");
            assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&v).unwrap());
            // Number kinds survive: 1.0 stays a float, 1 an integer.
            assert_eq!(back.is_f64(), v.is_f64());
            assert_eq!(back.is_i64(), v.is_i64());
        }
    }

    #[test]
    fn damaged_bytes_read_as_null_without_panicking() {
        let good = Packed::pack(&json!({"a": [1, 2, "three"], "b": -4.5}));
        for cut in 0..good.0.len() {
            let _ = Packed(Box::from(&good.0[..cut])).unpack();
        }
        for bad in [vec![9u8], vec![ARRAY, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], vec![STRING, 2, 0xc3, 0x28], vec![FLOAT, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]] {
            assert_eq!(Packed(bad.into_boxed_slice()).unpack(), Value::Null);
        }
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec((".{0,8}", inner), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn unpack_gives_back_the_same_value_and_bytes(v in any_value()) {
            let p = Packed::pack(&v);
            let back = p.unpack();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&v).unwrap());
            prop_assert_eq!(Packed::pack(&back), p);
        }
    }
}

//! Small accessors over objects in their wire form (`serde_json::Value`). The store keeps every
//! kind as JSON exactly as the API serves it, so generic machinery (store, watches, admission
//! patches, RBAC) reads `metadata` and friends through these helpers instead of typed structs.

use serde_json::{Map, Value};

pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path)?.as_str()
}

pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = member(cur, p)?;
    }
    Some(cur)
}

/// How many keys a map may have for `member` to scan it instead of hashing the key.
const SCAN_MAX: usize = 16;

/// `v.get(key)` for an object (None for anything else, as `get`). serde_json's `Map` hashes
/// every key it is asked for (SipHash in the web build, ~250 instructions a lookup with the
/// probe and the compare; foldhash natively, still several times a short scan); the maps hot
/// readers walk (`apiVersion, kind, metadata, spec, status`; `name,
/// namespace, uid, ...`) have a handful of keys, and comparing those in order, length first,
/// costs a fraction of that. Larger maps still hash.
pub fn member<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let map = v.as_object()?;
    if map.len() > SCAN_MAX {
        return map.get(key);
    }
    map.iter().find(|(k, _)| k.as_str() == key).map(|(_, x)| x)
}

/// The string at `member(v, key)`, if it is one.
pub fn member_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    member(v, key)?.as_str()
}

pub fn kind(v: &Value) -> &str {
    str_at(v, &["kind"]).unwrap_or("")
}
pub fn name(v: &Value) -> &str {
    str_at(v, &["metadata", "name"]).unwrap_or("")
}
pub fn namespace(v: &Value) -> &str {
    str_at(v, &["metadata", "namespace"]).unwrap_or("")
}
pub fn uid(v: &Value) -> &str {
    str_at(v, &["metadata", "uid"]).unwrap_or("")
}
pub fn resource_version(v: &Value) -> &str {
    str_at(v, &["metadata", "resourceVersion"]).unwrap_or("")
}
pub fn node_name(v: &Value) -> &str {
    str_at(v, &["spec", "nodeName"]).unwrap_or("")
}

/// `metadata` as a mutable map, created (and type-corrected) when missing.
pub fn metadata_mut(v: &mut Value) -> &mut Map<String, Value> {
    object_mut(v, "metadata")
}

/// The child object `key` of `v`, created when missing or not an object. `v` itself becomes an
/// object if it was not one, so callers never have to handle a shape error.
pub fn object_mut<'a>(v: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let map = v.as_object_mut().expect("just made an object");
    let child = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    child.as_object_mut().expect("just made an object")
}

/// The array `key` of `v`, created when missing or of the wrong type.
pub fn array_mut<'a>(v: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let map = v.as_object_mut().expect("just made an object");
    let child = map.entry(key.to_string()).or_insert_with(|| Value::Array(Vec::new()));
    if !child.is_array() {
        *child = Value::Array(Vec::new());
    }
    child.as_array_mut().expect("just made an array")
}

/// Labels as ordered (key, value) pairs; non-string values are ignored.
pub fn labels(v: &Value) -> Vec<(&str, &str)> {
    string_map(v, &["metadata", "labels"])
}

pub fn string_map<'a>(v: &'a Value, path: &[&str]) -> Vec<(&'a str, &'a str)> {
    at(v, path)
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, x)| x.as_str().map(|s| (k.as_str(), s))).collect())
        .unwrap_or_default()
}

pub fn label<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    str_at(v, &["metadata", "labels", key])
}

pub fn finalizers(v: &Value) -> Vec<&str> {
    at(v, &["metadata", "finalizers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub fn deletion_timestamp(v: &Value) -> Option<&str> {
    str_at(v, &["metadata", "deletionTimestamp"])
}

/// Sets (or replaces) a string field of `metadata`.
pub fn set_meta_str(v: &mut Value, key: &str, value: &str) {
    metadata_mut(v).insert(key.to_string(), Value::String(value.to_string()));
}

/// Moves `status` to the end of the object: the API always serialises it last.
pub fn status_last(v: &mut Value) {
    if let Some(map) = v.as_object_mut() {
        if let Some(status) = map.shift_remove("status") {
            map.insert("status".to_string(), status);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_tolerate_bad_shapes() {
        let mut v = json!({"metadata": "oops", "kind": 3});
        assert_eq!(name(&v), "");
        assert_eq!(kind(&v), "");
        set_meta_str(&mut v, "name", "web");
        assert_eq!(name(&v), "web");
        let mut not_obj = json!([1, 2]);
        array_mut(&mut not_obj, "items").push(json!(1));
        assert_eq!(not_obj, json!({"items": [1]}));
    }

    proptest::proptest! {
        /// `member` answers exactly what `Value::get` answers, on both sides of `SCAN_MAX`, for
        /// present and absent keys (same-length and prefix keys included) and non-objects.
        #[test]
        fn member_equals_get(keys in proptest::collection::vec("[a-c]{0,3}", 0..20), probe in "[a-c]{0,3}", array in proptest::bool::ANY) {
            let map: Map<String, Value> = keys.iter().enumerate().map(|(i, k)| (k.clone(), json!(i))).collect();
            let v = if array { json!([map]) } else { Value::Object(map) };
            for key in keys.iter().map(String::as_str).chain([probe.as_str(), ""]) {
                proptest::prop_assert_eq!(member(&v, key), v.get(key));
                proptest::prop_assert_eq!(member_str(&v, key), v.get(key).and_then(Value::as_str));
            }
        }
    }

    #[test]
    fn at_follows_the_path() {
        let v = json!({"kind": "Pod", "metadata": {"name": "web", "labels": {"app": "a"}}, "spec": {"nodeName": "n1"}});
        assert_eq!(str_at(&v, &["metadata", "labels", "app"]), Some("a"));
        assert_eq!(node_name(&v), "n1");
        assert_eq!(at(&v, &["metadata", "name", "x"]), None);
        assert_eq!(at(&v, &[]), Some(&v));
    }

    #[test]
    fn status_moves_last() {
        let mut v = json!({"status": {}, "kind": "Pod", "spec": {}});
        status_last(&mut v);
        let keys: Vec<&serde_json::map::Key> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "spec", "status"]);
    }
}

/// Decodes a stored object (wire form, with `apiVersion` and `kind`) into an api-crate type,
/// whose strict structs do not carry those two fields — without cloning the object.
pub fn typed<'a, T: serde::Deserialize<'a>>(v: &'a Value) -> Option<T> {
    let map = v.as_object()?;
    T::deserialize(TopLevel(map, None)).ok()
}

/// `typed` of `v` with its `key` field replaced by `replacement` (appended when `v` has no
/// such field) — the decoding of that edited copy, without making it: a pod's status write
/// decodes the stored pod with the new status this way instead of deep-copying the pod first.
pub fn typed_with<'a, T: serde::Deserialize<'a>>(v: &'a Value, key: &'a str, replacement: &'a Value) -> Option<T> {
    let map = v.as_object()?;
    T::deserialize(TopLevel(map, Some((key, replacement)))).ok()
}

/// An object's fields, optionally with one (key, value) substituted or appended.
struct TopLevel<'a>(&'a Map<String, Value>, Option<(&'a str, &'a Value)>);

struct TopLevelMap<'a, I: Iterator<Item = (&'a str, &'a Value)>> {
    iter: I,
    value: Option<&'a Value>,
}

impl<'de> serde::Deserializer<'de> for TopLevel<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let TopLevel(map, replace) = self;
        let fields = map.iter().map(move |(k, v)| match replace {
            Some((rk, rv)) if rk == k.as_str() => (k.as_str(), rv),
            _ => (k.as_str(), v),
        });
        let appended = replace.filter(|(rk, _)| !map.contains_key(*rk));
        let iter = fields.chain(appended).filter(|(k, _)| *k != "apiVersion" && *k != "kind");
        visitor.visit_map(TopLevelMap { iter, value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, I: Iterator<Item = (&'de str, &'de Value)>> serde::de::MapAccess<'de> for TopLevelMap<'de, I> {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(k)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: serde::de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Self::Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(v),
            None => Err(serde::de::Error::custom("value requested before key")),
        }
    }
}

#[cfg(test)]
mod typed_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_skips_type_meta() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": []}});
        let p: podlab_api::Pod = typed(&v).expect("decodes");
        assert_eq!(p.metadata.name(), "web");
        assert!(typed::<podlab_api::Pod>(&json!({"kind": "Pod", "bogus": 1})).is_none());
        assert!(typed::<podlab_api::Pod>(&json!([1])).is_none());
    }

    /// `typed_with` decodes exactly what `typed` of the edited copy decodes.
    #[test]
    fn typed_with_equals_typed_of_the_edited_copy() {
        let pods = [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": []}, "status": {"phase": "Pending"}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": []}}),
            json!({"kind": "Pod", "status": {"phase": "Pending"}, "metadata": {"name": "a"}}),
        ];
        let statuses = [json!({"phase": "Running", "podIP": "10.0.0.1"}), json!({}), json!({"phase": 3}), json!({"bogus": true})];
        for pod in &pods {
            for status in &statuses {
                let mut edited = pod.clone();
                edited["status"] = status.clone();
                let want = typed::<podlab_api::Pod>(&edited).map(|p| serde_json::to_string(&p).unwrap());
                let got = typed_with::<podlab_api::Pod>(pod, "status", status).map(|p| serde_json::to_string(&p).unwrap());
                assert_eq!(got, want, "{pod} {status}");
            }
        }
        assert!(typed_with::<podlab_api::Pod>(&json!("x"), "status", &json!({})).is_none());
    }
}

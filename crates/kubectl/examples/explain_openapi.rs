//! Writes Podlab's explain documentation as the OpenAPI v3 documents a real API server serves
//! (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`, ...), one JSON file per group/version, so
//! the real kubectl's `explain` can be run against them (through a throwaway fake server) and
//! its output compared byte for byte with Podlab's layout. A verification tool, not part of
//! the page: `cargo run -p podlab-kubectl --example explain_openapi -- OUT_DIR`.

use podlab_api::explain::{schema, Field};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const KINDS: &[&str] = &["pod", "deployment", "replicaset", "job", "service", "configmap", "secret", "node", "namespace", "pvc", "pv", "serviceaccount", "event"];

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The OpenAPI shape of explain's type notation: `[]X`, `map[string]X`, primitives, refs.
fn shape(type_name: &str, schema_name: Option<&str>, schemas: &mut BTreeMap<String, Value>) -> Value {
    if let Some(inner) = type_name.strip_prefix("[]") {
        return json!({"type": "array", "items": shape(inner, schema_name, schemas)});
    }
    if let Some(inner) = type_name.strip_prefix("map[string]") {
        return json!({"type": "object", "additionalProperties": shape(inner, schema_name, schemas)});
    }
    match (type_name, schema_name) {
        ("string" | "integer" | "boolean" | "number", None) => json!({"type": type_name}),
        ("Object", _) => json!({"type": "object"}),
        (prim @ ("string" | "integer" | "boolean" | "number"), Some(s)) => {
            add_schema(s, Some(prim), schemas);
            json!({"allOf": [reference(s)]})
        }
        (named, _) => {
            add_schema(named, None, schemas);
            json!({"allOf": [reference(named)]})
        }
    }
}

fn property(f: &Field, schemas: &mut BTreeMap<String, Value>) -> Value {
    let mut p = shape(f.type_name, f.schema, schemas);
    let obj = p.as_object_mut().expect("shape is an object");
    obj.insert("description", json!(f.description));
    if !f.enums.is_empty() {
        let values: Vec<Value> = f.enums.iter().map(|e| if *e == "\"\"" { json!("") } else { json!(e) }).collect();
        obj.insert("enum", Value::Array(values));
    }
    p
}

/// Adds a documented schema (or an undocumented object type by name) with its fields.
fn add_schema(name: &str, primitive: Option<&str>, schemas: &mut BTreeMap<String, Value>) {
    if schemas.contains_key(name) {
        return;
    }
    schemas.insert(name.to_string(), json!({}));
    let doc = schema(name);
    let mut s = Map::new();
    if let Some(d) = doc.map(|d| d.description).filter(|d| !d.is_empty()) {
        s.insert("description", json!(d));
    }
    if let Some(t) = primitive {
        s.insert("type", json!(t));
    } else if doc.is_some_and(|d| !d.fields.is_empty()) || doc.is_none() {
        s.insert("type", json!("object"));
    }
    let fields = doc.map_or(&[][..], |d| d.fields);
    if !fields.is_empty() {
        let mut props = Map::new();
        for f in fields {
            props.insert(f.name, property(f, schemas));
        }
        s.insert("properties", Value::Object(props));
        let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
        if !required.is_empty() {
            s.insert("required", json!(required));
        }
    }
    schemas.insert(name.to_string(), Value::Object(s));
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut docs: BTreeMap<String, (BTreeMap<String, Value>, Map<String, Value>)> = BTreeMap::new();
    for k in KINDS {
        let info = podlab_api::registry::lookup(k).expect("registered kind");
        let gv = if info.group.is_empty() { format!("api/{}", info.version) } else { format!("apis/{}/{}", info.group, info.version) };
        let (schemas, paths) = docs.entry(gv.clone()).or_default();
        add_schema(info.kind, None, schemas);
        let gvk = json!({"group": info.group, "kind": info.kind, "version": info.version});
        if let Some(Value::Object(s)) = schemas.get_mut(info.kind) {
            s.insert("x-kubernetes-group-version-kind", json!([gvk.clone()]));
        }
        let path = if info.namespaced { format!("/{gv}/namespaces/{{namespace}}/{}", info.plural) } else { format!("/{gv}/{}", info.plural) };
        paths.insert(path, json!({"get": {"x-kubernetes-group-version-kind": gvk}}));
    }
    for (gv, (schemas, paths)) in docs {
        let doc = json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.33.1"}, "paths": paths, "components": {"schemas": schemas}});
        let file = format!("{out}/{}.json", gv.replace('/', "_"));
        std::fs::write(&file, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
        println!("{file}");
    }
}

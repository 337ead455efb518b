//! The Go struct diff ValidatePodUpdate appends to "pod updates may not change fields other
//! than ...": `cmp.Diff(oldPod.Spec, mungedPodSpec)` of the internal `core.PodSpec`, as go-cmp
//! reports it. Learners read this diff to find the field they changed, so it keeps go-cmp's
//! layout: Go field names in the internal struct order, `- `/`+ ` lines for what changed,
//! nested `core.Container{...}` blocks, two identical fields of context around a change and
//! `... // N identical fields` for the rest, values in Go syntax (`&30`, `nil`, `{Name: "x"}`)
//! and the keys of consecutive one-line records aligned. It works from the v1 JSON of both
//! specs: the fields of PodSpec, Container and ResourceRequirements are listed here with their
//! Go types; deeper values are rendered from their JSON keys (pointer fields, embedded
//! structs and quantities by name). go-cmp's output is randomised between regular and
//! non-breaking spaces; this always uses regular ones (its deterministic mode).

mod gosyntax;
mod types;

use gosyntax::{go_node, go_quote, Node};
use serde_json::Value;
use types::{Elem, Field, Ty, CONTAINER, HOST_FLAGS, POD_SPEC, RESOURCES};

/// go-cmp keeps this many identical records around a difference.
const CONTEXT_RECORDS: usize = 2;
/// A removed or inserted value longer than this is laid out over several lines.
const MAX_COLUMN_LENGTH: usize = 80;
/// Nesting beyond this is not expanded (bounds the recursion on any input).
const MAX_DEPTH: usize = 12;

/// `cmp.Diff(old, new)` of two v1 PodSpecs, ending in a newline.
pub fn pod_spec_diff(old: &Value, new: &Value) -> String {
    let (old, new) = (internal_spec(old), internal_spec(new));
    let mut out = Out::default();
    out.line(' ', 0, "core.PodSpec{");
    struct_body(&mut out, POD_SPEC, &old, &new, 1);
    out.line(' ', 0, "}");
    out.text
}

/// Moves v1's host namespace flags into `securityContext`, where the internal type has them.
fn internal_spec(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(m) = spec.as_object_mut() {
        let mut sc = m
            .remove("securityContext")
            .unwrap_or(Value::Object(Default::default()));
        for (from, to) in HOST_FLAGS {
            if let (Some(v), Some(sc)) = (m.remove(*from), sc.as_object_mut()) {
                sc.insert((*to).to_string(), v);
            }
        }
        m.insert("securityContext", sc);
    }
    spec
}

#[derive(Default)]
struct Out {
    text: String,
}

impl Out {
    /// One output line: the diff mark (` `, `-`, `+`) and a space, then a tab per level.
    fn line(&mut self, mark: char, depth: usize, body: &str) {
        self.text.push(mark);
        self.text.push(' ');
        self.text.extend(std::iter::repeat_n('\t', depth));
        self.text.push_str(body);
        self.text.push('\n');
    }
}

/// One record of a struct, slice or map being diffed.
struct Record {
    key: String,
    /// The JSON field the value sits under, for the by-name rules of [`go_value`].
    json: String,
    old: Option<Value>,
    new: Option<Value>,
    ty: Option<Ty>,
}

impl Record {
    fn equal(&self) -> bool {
        normalized(self.old.as_ref()) == normalized(self.new.as_ref())
    }
}

/// Absent, null, `[]` and `{}` are the same zero value to Go once decoded.
pub(super) fn normalized(v: Option<&Value>) -> Option<&Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::Object(o)) if o.is_empty() => None,
        other => other,
    }
}

fn struct_body(out: &mut Out, fields: &[Field], old: &Value, new: &Value, depth: usize) {
    let records: Vec<Record> = fields
        .iter()
        .map(|(json, go, ty)| Record {
            key: (*go).to_string(),
            json: (*json).to_string(),
            old: old.get(*json).cloned(),
            new: new.get(*json).cloned(),
            ty: Some(*ty),
        })
        .collect();
    list_body(out, records, "field", depth);
}

/// go-cmp's formatDiffList: groups of identical records keep two records of context on each
/// side of a change and collapse the rest into `... // N identical <what>s`.
fn list_body(out: &mut Out, records: Vec<Record>, what: &str, depth: usize) {
    let mut groups: Vec<Vec<Record>> = Vec::new();
    for r in records {
        match groups.last_mut() {
            Some(g) if g[0].equal() == r.equal() => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    let last = groups.len().saturating_sub(1);
    let mut lines: Vec<(char, String, Option<String>)> = Vec::new();
    for (i, group) in groups.into_iter().enumerate() {
        if !group[0].equal() {
            for r in group {
                changed_record(out, &mut lines, r, depth);
            }
            continue;
        }
        let n = group.len();
        let lo = if i == 0 { 0 } else { CONTEXT_RECORDS.min(n) };
        let mut hi = if i == last {
            0
        } else {
            CONTEXT_RECORDS.min(n - lo)
        };
        if n - (lo + hi) == 1 {
            hi += 1;
        }
        for (j, r) in group.iter().enumerate() {
            if j < lo || j >= n - hi {
                lines.push((
                    ' ',
                    r.key.clone(),
                    Some(compact(r.new.as_ref(), r.ty, false, &r.json)),
                ));
            } else if j == lo {
                let count = n - lo - hi;
                let plural = if count == 1 {
                    what.to_string()
                } else if let Some(stem) = what.strip_suffix('y') {
                    format!("{stem}ies")
                } else {
                    format!("{what}s")
                };
                lines.push((
                    ' ',
                    String::new(),
                    Some(format!("... // {count} identical {plural}")),
                ));
            }
        }
    }
    flush(out, &mut lines, depth);
}

/// Prints pending one-line records with go-cmp's key alignment: consecutive records with a
/// key pad their values to the longest key among them. A `None` value is a line already
/// printed (a nested block), which ends an alignment run.
fn flush(out: &mut Out, lines: &mut Vec<(char, String, Option<String>)>, depth: usize) {
    let mut start = 0;
    while start < lines.len() {
        let mut end = start;
        while end < lines.len() && !lines[end].1.is_empty() && lines[end].2.is_some() {
            end += 1;
        }
        let width = lines[start..end]
            .iter()
            .map(|l| l.1.chars().count())
            .max()
            .unwrap_or(0);
        for (mark, key, value) in &lines[start..end.max(start + 1)] {
            let Some(value) = value else { continue };
            if key.is_empty() {
                // An ellipsis has no comma after it; a slice element has no key.
                let comma = if value.starts_with("...") { "" } else { "," };
                out.line(*mark, depth, &format!("{value}{comma}"));
            } else {
                let pad = " ".repeat(width - key.chars().count());
                out.line(*mark, depth, &format!("{key}: {pad}{value},"));
            }
        }
        start = end.max(start + 1);
    }
    lines.clear();
}

/// A record whose old and new values differ: nested blocks for two present structs or
/// slices of them, else a `-` line and a `+` line.
fn changed_record(
    out: &mut Out,
    lines: &mut Vec<(char, String, Option<String>)>,
    r: Record,
    depth: usize,
) {
    if r.new.as_ref().and_then(Value::as_str) == Some(REMOVED) {
        let node =
            value_node(r.old.as_ref(), None, false, &r.json).unwrap_or(Node::Line("{}".into()));
        return removed_or_inserted(out, lines, '-', &r.key, node, depth);
    }
    if r.old.as_ref().and_then(Value::as_str) == Some(INSERTED) {
        let node =
            value_node(r.new.as_ref(), None, false, &r.json).unwrap_or(Node::Line("{}".into()));
        return removed_or_inserted(out, lines, '+', &r.key, node, depth);
    }
    let key_prefix = if r.key.is_empty() {
        String::new()
    } else {
        format!("{}: ", r.key)
    };
    let nested = nested_of(&r, depth);
    let Some((name, nested)) = nested else {
        for (mark, v) in [('-', r.old.as_ref()), ('+', r.new.as_ref())] {
            let node =
                value_node(v, r.ty, true, &r.json).unwrap_or_else(|| Node::Line(zero(r.ty, v)));
            removed_or_inserted(out, lines, mark, &r.key, node, depth);
        }
        return;
    };
    flush(out, lines, depth);
    out.line(' ', depth, &format!("{key_prefix}{name}{{"));
    match nested {
        Nested::Struct(fields, o, n) => struct_body(out, fields, &o, &n, depth + 1),
        Nested::Container(o, n) => struct_body(out, CONTAINER, &o, &n, depth + 1),
        Nested::Slice(elem, o, n) => slice_body(out, elem, &r.json, &o, &n, depth + 1),
        Nested::Map(o, n) => map_body(out, name, &o, &n, depth + 1),
    }
    out.line(' ', depth, "},");
}

/// How a changed record recurses, if it does: structs field by field, slices element by
/// element, maps entry by entry, each under its Go type.
fn nested_of(r: &Record, depth: usize) -> Option<(&'static str, Nested)> {
    match (r.ty, normalized(r.old.as_ref()), normalized(r.new.as_ref())) {
        // A struct held by value is never nil: go-cmp compares it field by field.
        (Some(Ty::Struct(name, fields)), o, n) if depth < MAX_DEPTH => {
            let empty = Value::Object(Default::default());
            Some((
                name,
                Nested::Struct(
                    fields,
                    o.unwrap_or(&empty).clone(),
                    n.unwrap_or(&empty).clone(),
                ),
            ))
        }
        (Some(Ty::Ptr(name)), Some(o @ Value::Object(_)), Some(n @ Value::Object(_)))
            if depth < MAX_DEPTH && name == "&core.ResourceRequirements" =>
        {
            Some((name, Nested::Struct(RESOURCES, o.clone(), n.clone())))
        }
        (Some(Ty::Slice(name, elem)), Some(Value::Array(o)), Some(Value::Array(n)))
            if depth < MAX_DEPTH =>
        {
            Some((name, Nested::Slice(elem, o.clone(), n.clone())))
        }
        (Some(Ty::Map(name)), Some(Value::Object(o)), Some(Value::Object(n)))
            if depth < MAX_DEPTH =>
        {
            Some((name, Nested::Map(o.clone(), n.clone())))
        }
        (None, Some(o @ Value::Object(_)), Some(n @ Value::Object(_)))
            if depth < MAX_DEPTH && matches!(r.json.as_str(), "containers" | "initContainers") =>
        {
            Some(("", Nested::Container(o.clone(), n.clone())))
        }
        _ => None,
    }
}

/// A map's entries, keyed as go-cmp prints them.
fn map_body(
    out: &mut Out,
    name: &str,
    o: &serde_json::Map<String, Value>,
    n: &serde_json::Map<String, Value>,
    depth: usize,
) {
    let keys: std::collections::BTreeSet<&serde_json::map::Key> = o.keys().chain(n.keys()).collect();
    // A ResourceList's keys are the named type ResourceName, which go-cmp marks `s"cpu"`.
    let quantities = name == "core.ResourceList";
    let json = if quantities { "limits" } else { "" };
    let records = keys
        .into_iter()
        .map(|k| Record {
            key: if quantities {
                format!("s{}", go_quote(k))
            } else {
                go_quote(k)
            },
            json: json.into(),
            old: o.get(k).cloned(),
            new: n.get(k).cloned(),
            ty: None,
        })
        .collect();
    list_body(out, records, "entry", depth);
}

enum Nested {
    Struct(&'static [Field], Value, Value),
    Container(Value, Value),
    Slice(Elem, Vec<Value>, Vec<Value>),
    Map(
        serde_json::Map<String, Value>,
        serde_json::Map<String, Value>,
    ),
}

/// A slice's elements: a common head and tail are identical, the middle pairs up as
/// modified elements (containers recurse field by field, others print as a removed and an
/// inserted element) and the rest are removed or inserted.
fn slice_body(out: &mut Out, elem: Elem, json: &str, old: &[Value], new: &[Value], depth: usize) {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (om, nm) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let paired = om.len().min(nm.len());
    let record = |old: Value, new: Value| Record {
        key: String::new(),
        json: json.to_string(),
        old: Some(old),
        new: Some(new),
        ty: None,
    };
    let mut records: Vec<Record> = old[..head]
        .iter()
        .map(|v| record(v.clone(), v.clone()))
        .collect();
    for i in 0..om.len().max(nm.len()) {
        match (om.get(i), nm.get(i)) {
            (Some(o), Some(n)) if matches!(elem, Elem::Container) && i < paired => {
                records.push(record(o.clone(), n.clone()))
            }
            (o, n) => {
                if let Some(o) = o {
                    records.push(record(o.clone(), Value::String(REMOVED.into())));
                }
                if let Some(n) = n {
                    records.push(record(Value::String(INSERTED.into()), n.clone()));
                }
            }
        }
    }
    records.extend(
        old[old.len() - tail..]
            .iter()
            .map(|v| record(v.clone(), v.clone())),
    );
    list_body(out, records, "element", depth);
}

/// Markers for a removed or inserted slice element (never a real Go value).
const REMOVED: &str = "\u{0}removed";
const INSERTED: &str = "\u{0}inserted";

/// A value on one line in Go syntax. `typed` prints a composite's type first, as go-cmp does
/// for a removed or inserted record (`[]core.ContainerPort{{...}}`).
fn compact(v: Option<&Value>, ty: Option<Ty>, typed: bool, key: &str) -> String {
    match value_node(v, ty, typed, key) {
        Some(node) => node.compact(),
        None => zero(ty, v),
    }
}

/// How a zero value of `ty` prints.
fn zero(ty: Option<Ty>, v: Option<&Value>) -> String {
    match ty {
        Some(Ty::Str) => "\"\"".into(),
        Some(Ty::Bool) => "false".into(),
        Some(Ty::Struct(..)) => "{}".into(),
        _ => match v {
            Some(Value::Bool(false)) => "false".into(),
            _ => "nil".into(),
        },
    }
}

/// The text tree of a present value, with its type in front when `typed`.
fn value_node(v: Option<&Value>, ty: Option<Ty>, typed: bool, key: &str) -> Option<Node> {
    let v = normalized(v)?;
    let node = go_node(v, key, 0);
    let with_type = |name: &str, node: Node| match node {
        Node::List(_, items) => Node::List(name.to_string(), items),
        line => line,
    };
    Some(match ty {
        Some(Ty::Ptr(name)) if typed && v.is_object() => with_type(name, node),
        Some(Ty::Ptr(_)) => node.pointer(),
        Some(Ty::Slice(name, _) | Ty::Map(name) | Ty::Struct(name, _)) if typed => {
            with_type(name, node)
        }
        _ => node,
    })
}

/// A removed or inserted record: on one line while its records fit in 80 columns, else one
/// record per line, each laid out the same way.
fn removed_or_inserted(
    out: &mut Out,
    lines: &mut Vec<(char, String, Option<String>)>,
    mark: char,
    key: &str,
    node: Node,
    depth: usize,
) {
    let fits = match &node {
        Node::Line(_) => true,
        Node::List(_, items) => {
            Node::inner(items).chars().count() <= MAX_COLUMN_LENGTH || depth >= MAX_DEPTH
        }
    };
    if fits {
        lines.push((mark, key.to_string(), Some(node.compact())));
        return;
    }
    let Node::List(prefix, items) = node else {
        return;
    };
    flush(out, lines, depth);
    let head = if key.is_empty() {
        format!("{prefix}{{")
    } else {
        format!("{key}: {prefix}{{")
    };
    out.line(mark, depth, &head);
    let mut inner = Vec::new();
    for (k, child) in items {
        removed_or_inserted(out, &mut inner, mark, &k, child, depth + 1);
    }
    flush(out, &mut inner, depth + 1);
    out.line(mark, depth, "},");
}

//! Values in Go syntax as go-cmp prints them: `"x"`, `&30`, `nil`, `{Name: "x"}`, quantities
//! as their struct dump, named map keys as `s"cpu"`, and JSON field names turned into Go's
//! (`hostIP` -> `HostIP`). Values are built from v1 JSON, so pointer fields, embedded structs
//! and volume sources are recognised by their JSON names.

use super::{normalized, MAX_DEPTH};
use serde_json::Value;

/// Keys whose Go field is a pointer (`&value` inside a compact value).
pub(super) const POINTER_KEYS: &[&str] = &[
    "defaultMode",
    "mode",
    "optional",
    "fieldRef",
    "resourceFieldRef",
    "configMap",
    "secret",
    "downwardAPI",
    "serviceAccountToken",
    "emptyDir",
    "projected",
    "persistentVolumeClaim",
    "hostPath",
    "sizeLimit",
    "readOnlyRootFilesystem",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "allowPrivilegeEscalation",
    "privileged",
    "capabilities",
    "seccompProfile",
    "seLinuxOptions",
    "exec",
    "httpGet",
    "tcpSocket",
    "grpc",
    "configMapKeyRef",
    "secretKeyRef",
    "valueFrom",
    "lifecycle",
    "postStart",
    "preStop",
    "sleep",
    "terminationGracePeriodSeconds",
    "configMapRef",
    "secretRef",
    "tolerationSeconds",
    "nodeAffinity",
    "podAffinity",
    "podAntiAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "labelSelector",
    "fsGroup",
    "shareProcessNamespace",
    "hostUsers",
    "appArmorProfile",
    "localhostProfile",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "securityContext",
    "restartPolicy",
    "ephemeral",
    "csi",
    "nfs",
];

/// Objects whose `name` is the embedded LocalObjectReference.
pub(super) const NAME_BY_REFERENCE: &[&str] = &[
    "configMap",
    "configMapRef",
    "secretRef",
    "configMapKeyRef",
    "secretKeyRef",
];
/// The v1 fields whose value is a volume source, embedded as `VolumeSource` in core.Volume.
pub(super) const VOLUME_SOURCES: &[&str] = &[
    "emptyDir",
    "configMap",
    "secret",
    "projected",
    "persistentVolumeClaim",
    "hostPath",
    "downwardAPI",
    "ephemeral",
    "csi",
    "nfs",
    "image",
];

/// A value as go-cmp's text tree: one line, or a `{...}` list of (key, value) records whose
/// prefix is the type (or `&`) before the brace.
pub(super) enum Node {
    Line(String),
    List(String, Vec<(String, Node)>),
}

impl Node {
    pub(super) fn compact(&self) -> String {
        match self {
            Node::Line(s) => s.clone(),
            Node::List(prefix, items) => format!("{prefix}{{{}}}", Node::inner(items)),
        }
    }

    /// The records between the braces on one line (what go-cmp measures against 80 columns).
    pub(super) fn inner(items: &[(String, Node)]) -> String {
        items
            .iter()
            .map(|(k, v)| {
                if k.is_empty() {
                    v.compact()
                } else {
                    format!("{k}: {}", v.compact())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn pointer(self) -> Node {
        match self {
            Node::Line(s) => Node::Line(format!("&{s}")),
            Node::List(prefix, items) => Node::List(format!("&{prefix}"), items),
        }
    }
}

pub(super) fn go_node(v: &Value, key: &str, depth: usize) -> Node {
    if depth > MAX_DEPTH {
        return Node::Line("{...}".into());
    }
    let entries = |m: &serde_json::Map<String, Value>, mark: &str, inner: &str| -> Node {
        Node::List(
            String::new(),
            m.iter()
                .map(|(k, q)| {
                    (
                        format!("{mark}{}", go_quote(k)),
                        go_node(q, inner, depth + 1),
                    )
                })
                .collect(),
        )
    };
    match v {
        Value::Null => Node::Line("nil".into()),
        Value::Bool(b) => Node::Line(b.to_string()),
        Value::Number(n) => Node::Line(n.to_string()),
        Value::String(s)
            if matches!(
                key,
                "limits" | "requests" | "overhead" | "sizeLimit" | "storage"
            ) =>
        {
            Node::Line(quantity(s))
        }
        Value::String(s) if matches!(key, "port" | "targetPort") => {
            Node::Line(format!("{{Type: 1, StrVal: {}}}", go_quote(s)))
        }
        Value::String(s) => Node::Line(go_quote(s)),
        Value::Array(items) => Node::List(
            String::new(),
            items
                .iter()
                .map(|i| (String::new(), go_node(i, key, depth + 1)))
                .collect(),
        ),
        Value::Object(m) if matches!(key, "limits" | "requests" | "overhead") => {
            entries(m, "s", key)
        }
        Value::Object(m)
            if matches!(
                key,
                "nodeSelector" | "labels" | "annotations" | "matchLabels"
            ) =>
        {
            entries(m, "", "")
        }
        Value::Object(m) => struct_node(m, key, depth),
    }
}

/// A struct printed whole: its non-zero fields under their Go names, with the embedded
/// LocalObjectReference and VolumeSource of the internal types put back.
fn struct_node(m: &serde_json::Map<String, Value>, key: &str, depth: usize) -> Node {
    let mut fields: Vec<(String, Node)> = Vec::new();
    let mut source: Vec<(String, Node)> = Vec::new();
    for (k, val) in m {
        // go-cmp leaves out zero-valued fields of a struct it prints whole.
        let zero = normalized(Some(val)).is_none()
            || matches!(val, Value::Bool(false))
            || (val.is_number() && val.as_i64() == Some(0));
        if zero {
            continue;
        }
        let mut shown = go_node(val, k, depth + 1);
        if POINTER_KEYS.contains(&k.as_str()) {
            shown = shown.pointer();
        }
        if k == "name" && NAME_BY_REFERENCE.contains(&key) {
            fields.insert(
                0,
                (
                    "LocalObjectReference".into(),
                    Node::List(String::new(), vec![("Name".into(), shown)]),
                ),
            );
        } else if key == "volumes" && VOLUME_SOURCES.contains(&k.as_str()) {
            source.push((go_name(k), shown));
        } else {
            fields.push((go_name(k), shown));
        }
    }
    if !source.is_empty() {
        fields.push(("VolumeSource".into(), Node::List(String::new(), source)));
    }
    Node::List(String::new(), fields)
}

/// A JSON field name as the Go field name: `containerPort` -> `ContainerPort`, with Go's
/// initialisms (`hostIP` -> `HostIP`, `apiVersion` -> `APIVersion`, `tty` -> `TTY`).
pub(super) fn go_name(json: &str) -> String {
    const INITIALISMS: &[&str] = &[
        "api", "ip", "ips", "tcp", "udp", "http", "grpc", "dns", "uid", "fs", "tty", "os", "url",
        "cidr", "id", "se",
    ];
    let mut words: Vec<String> = Vec::new();
    for c in json.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(w) = words.last_mut() {
            w.push(c);
        }
    }
    words
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            if INITIALISMS.contains(&lower.as_str()) {
                if lower == "ips" {
                    "IPs".to_string()
                } else {
                    lower.to_ascii_uppercase()
                }
            } else {
                let mut cs = w.chars();
                cs.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// resource.Quantity as go-cmp dumps it: `{i: resource.int64Amount{value: 500, scale: -3},
/// s: "500m", Format: "DecimalSI"}`.
pub(super) fn quantity(text: &str) -> String {
    let q = crate::quantity::Quantity::parse(text);
    let (digits, suffix) = text.split_at(
        text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(text.len()),
    );
    let format = match suffix {
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => "BinarySI",
        s if s.starts_with(['e', 'E']) => "DecimalExponent",
        _ => "DecimalSI",
    };
    let (value, scale) = match (q, format) {
        (Ok(q), "BinarySI") => (q.value(), 0),
        _ => {
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let exp: i64 = match suffix {
                "m" => -3,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                "E" => 18,
                _ => 0,
            };
            let value: i64 = format!("{int}{frac}").parse().unwrap_or(0);
            (value, exp - frac.len() as i64)
        }
    };
    let amount = if scale == 0 {
        format!("value: {value}")
    } else {
        format!("value: {value}, scale: {scale}")
    };
    format!(
        "{{i: resource.int64Amount{{{amount}}}, s: {}, Format: {}}}",
        go_quote(text),
        go_quote(format)
    )
}

/// Go's `%q` of a string.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

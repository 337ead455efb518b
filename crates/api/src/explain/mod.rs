//! Field documentation for `kubectl explain`, as data: for each schema its fields, their
//! types in explain's notation (`<string>`, `<[]Container>`, `<map[string]string>`), whether
//! the API marks them required, their enum values, and a description written in Podlab's own
//! words. The field names, types, required markers and enums follow the Kubernetes v1.33
//! OpenAPI document so a learner sees the same structure as on a real cluster. The kubectl
//! crate lays it out; this module only resolves paths like `pod.spec.containers.ports`.
//!
//! The schemas live in one file per area (`meta`, `pod`, `container`, `volume`, `workloads`,
//! `daemonset`, `availability`, `service`, `cluster`) to keep each file small.

mod availability;
mod cluster;
mod container;
mod daemonset;
mod meta;
mod pod;
mod service;
mod volume;
mod workloads;

/// One documented field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Explain's type notation without brackets: `string`, `[]Container`, `Object`.
    pub type_name: &'static str,
    pub required: bool,
    pub description: &'static str,
    /// The schema documenting this field's type (its fields and its own description).
    pub schema: Option<&'static str>,
    /// The allowed values the OpenAPI document lists (`enum: Always, Never, OnFailure`).
    pub enums: &'static [&'static str],
}

/// A documented object type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schema {
    pub name: &'static str,
    pub description: &'static str,
    /// Alphabetical, as explain lists them. Empty for types documented only by their
    /// description (`Quantity`, `IntOrString`, `Time`).
    pub fields: &'static [Field],
}

/// What `kubectl explain <path>` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    /// The field explained (None for the kind itself).
    pub field: Option<Field>,
    /// The paragraphs of DESCRIPTION: the field's own text, then its type's (what explain
    /// prints when it follows the field's `$ref`).
    pub description: Vec<&'static str>,
    pub fields: &'static [Field],
}

/// Why a path could not be explained, worded as kubectl does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExplainError {
    /// `the server doesn't have a resource type "pood"`
    UnknownResource(String),
    /// `field "imagee" does not exist`
    UnknownField(String),
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExplainError::UnknownResource(r) => write!(f, "the server doesn't have a resource type {r:?}"),
            ExplainError::UnknownField(n) => write!(f, "field {n:?} does not exist"),
        }
    }
}

/// `f!(name, type, required, schema, description)` with an optional trailing `[enum values]`.
macro_rules! f {
    ($name:literal, $ty:literal, $req:literal, $schema:expr, $desc:literal) => {
        $crate::explain::Field { name: $name, type_name: $ty, required: $req, description: $desc, schema: $schema, enums: &[] }
    };
    ($name:literal, $ty:literal, $req:literal, $schema:expr, $desc:literal, [$($e:literal),*]) => {
        $crate::explain::Field { name: $name, type_name: $ty, required: $req, description: $desc, schema: $schema, enums: &[$($e),*] }
    };
}
pub(crate) use f;

/// The standard `apiVersion`, `kind`, `metadata`, `spec`, `status` of a top-level kind.
macro_rules! top_level {
    ($spec:literal, $spec_desc:literal, $status:literal, $status_desc:literal) => {
        &[
            $crate::explain::f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
            $crate::explain::f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
            $crate::explain::f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
            $crate::explain::f!("spec", $spec, false, Some($spec), $spec_desc),
            $crate::explain::f!("status", $status, false, Some($status), $status_desc),
        ]
    };
}
pub(crate) use top_level;

/// Every documented schema, per area.
fn areas() -> [&'static [Schema]; 9] {
    [meta::SCHEMAS, pod::SCHEMAS, container::SCHEMAS, volume::SCHEMAS, workloads::SCHEMAS, daemonset::SCHEMAS, availability::SCHEMAS, service::SCHEMAS, cluster::SCHEMAS]
}

/// The documentation of a named schema (`PodSpec`, `Container` ...).
pub fn schema(name: &str) -> Option<&'static Schema> {
    areas().into_iter().flat_map(|a| a.iter()).find(|s| s.name == name)
}

/// Resolves `pod`, `pods.spec`, `po.spec.containers.ports` ... A kind Podlab serves but does
/// not document resolves with an empty description and no fields.
pub fn explain(path: &str) -> Result<Explanation, ExplainError> {
    let mut parts = path.split('.');
    let resource = parts.next().unwrap_or("");
    let info = crate::registry::lookup(resource).ok_or_else(|| ExplainError::UnknownResource(resource.to_string()))?;
    let root = schema(info.kind);
    let mut out = Explanation {
        kind: info.kind,
        group: info.group,
        version: info.version,
        field: None,
        description: root.map(|s| s.description).into_iter().filter(|d| !d.is_empty()).collect(),
        fields: root.map_or(&[], |s| s.fields),
    };
    for name in parts {
        let field = out.fields.iter().find(|f| f.name == name).copied().ok_or_else(|| ExplainError::UnknownField(name.to_string()))?;
        let child = field.schema.and_then(schema);
        out.field = Some(field);
        out.description = std::iter::once(field.description).chain(child.map(|c| c.description)).filter(|d| !d.is_empty()).collect();
        out.fields = child.map_or(&[], |s| s.fields);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths() {
        let cases: &[(&str, Result<(&str, &str, Option<&str>), &str>)] = &[
            ("po.spec.containers", Ok(("Pod", "v1", Some("[]Container")))),
            ("pods", Ok(("Pod", "v1", None))),
            ("deploy.spec.strategy.type", Ok(("Deployment", "v1", Some("string")))),
            ("svc.spec.ports.targetPort", Ok(("Service", "v1", Some("IntOrString")))),
            ("pvc.spec.resources", Ok(("PersistentVolumeClaim", "v1", Some("VolumeResourceRequirements")))),
            ("pod.spec.containers.imagee", Err("field \"imagee\" does not exist")),
            ("pod.spec.restartPolicy.foo", Err("field \"foo\" does not exist")),
            ("pood", Err("the server doesn't have a resource type \"pood\"")),
            ("ds.spec.updateStrategy.type", Ok(("DaemonSet", "v1", Some("string")))),
            ("pdb.spec.minAvailable", Ok(("PodDisruptionBudget", "v1", Some("IntOrString")))),
            ("lease.spec.renewTime", Ok(("Lease", "v1", Some("string")))),
            ("controllerrevision.revision", Ok(("ControllerRevision", "v1", Some("integer")))),
            ("lease.status", Err("field \"status\" does not exist")),
        ];
        for (path, want) in cases {
            let got = explain(path).map(|e| (e.kind, e.version, e.field.map(|f| f.type_name))).map_err(|e| e.to_string());
            assert_eq!(got, want.map_err(str::to_string), "{path}");
        }
        let c = explain("pod.spec.containers").unwrap();
        assert_eq!(c.description.len(), 2, "the field's text, then Container's");
        assert!(c.fields.iter().any(|f| f.name == "image"));
    }

    #[test]
    fn every_schema_reference_resolves_and_fields_are_sorted() {
        let mut names = Vec::new();
        for area in areas() {
            for s in area {
                assert!(!names.contains(&s.name), "{} documented twice", s.name);
                names.push(s.name);
                let fields: Vec<_> = s.fields.iter().map(|f| f.name).collect();
                let mut sorted = fields.clone();
                sorted.sort_unstable();
                assert_eq!(fields, sorted, "{} fields are listed in byte order like kubectl explain", s.name);
                for f in s.fields {
                    if let Some(child) = f.schema {
                        assert!(schema(child).is_some(), "{}.{} -> {child}", s.name, f.name);
                    }
                    assert!(!f.description.is_empty(), "{}.{}", s.name, f.name);
                }
            }
        }
    }

    #[test]
    fn every_workload_kind_a_learner_meets_is_documented() {
        for r in ["pod", "deployment", "replicaset", "job", "service", "configmap", "secret", "node", "namespace", "pvc", "pv", "serviceaccount", "event", "daemonset", "pdb", "lease", "controllerrevision"] {
            let e = explain(r).unwrap();
            assert!(!e.description.is_empty() && !e.fields.is_empty(), "{r}");
        }
    }
}

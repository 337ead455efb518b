//! Data-defined admission that scenarios switch on. Two mechanisms are modelled with their
//! real observable behaviour: a mutating webhook that injects a sidecar container into pods of
//! namespaces carrying a label (how service meshes such as Istio do it), and a
//! ValidatingAdmissionPolicy + binding that requires a label, whose denial is worded exactly
//! as the API server's CEL admission plugin words it
//! (`ValidatingAdmissionPolicy '<policy>' with binding '<binding>' denied request: <message>`,
//! reason Invalid unless the validation sets one).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum AdmissionPolicy {
    /// MutatingAdmissionWebhook-style sidecar injection.
    #[serde(rename_all = "camelCase")]
    InjectSidecar {
        /// The webhook's name, e.g. `sidecar-injector.istio.io`.
        name: String,
        /// Pods are mutated only in namespaces with all these labels.
        namespace_labels: BTreeMap<String, String>,
        /// The container to add, in wire form (`{"name": "istio-proxy", "image": ...}`).
        container: Value,
        /// Add it as a native sidecar (init container with `restartPolicy: Always`).
        #[serde(default)]
        native_sidecar: bool,
        /// Annotations the injector stamps on the pod.
        #[serde(default)]
        annotations: BTreeMap<String, String>,
    },
    /// ValidatingAdmissionPolicy requiring a label on pods.
    #[serde(rename_all = "camelCase")]
    RequireLabel {
        /// ValidatingAdmissionPolicy name.
        name: String,
        /// ValidatingAdmissionPolicyBinding name.
        binding: String,
        label: String,
        /// Only namespaces with all these labels are checked (empty: all namespaces).
        #[serde(default)]
        namespace_labels: BTreeMap<String, String>,
        /// `validations[].message`; when empty the API server says `failed expression: <expr>`.
        #[serde(default)]
        message: String,
        /// `validations[].reason` (`Invalid` when empty, as the API server defaults it).
        #[serde(default)]
        reason: String,
    },
}

impl AdmissionPolicy {
    pub fn name(&self) -> &str {
        match self {
            AdmissionPolicy::InjectSidecar { name, .. } | AdmissionPolicy::RequireLabel { name, .. } => name,
        }
    }

    fn namespace_matches(selector: &BTreeMap<String, String>, ns_labels: &[(&str, &str)]) -> bool {
        selector.iter().all(|(k, v)| ns_labels.iter().any(|(lk, lv)| lk == k && lv == v))
    }

    /// Mutates a pod (wire form); returns whether it changed.
    pub fn mutate_pod(&self, pod: &mut Value, ns_labels: &[(&str, &str)]) -> bool {
        let AdmissionPolicy::InjectSidecar { container, namespace_labels, native_sidecar, annotations, .. } = self else {
            return false;
        };
        if !Self::namespace_matches(namespace_labels, ns_labels) {
            return false;
        }
        let cname = container.get("name").and_then(Value::as_str).unwrap_or("");
        let spec = crate::meta::object_mut(pod, "spec");
        let already = ["containers", "initContainers"].iter().any(|list| {
            spec.get(*list)
                .and_then(Value::as_array)
                .is_some_and(|cs| cs.iter().any(|c| c.get("name").and_then(Value::as_str) == Some(cname)))
        });
        if already {
            return false;
        }
        let mut c = container.clone();
        let list = if *native_sidecar {
            if let Some(m) = c.as_object_mut() {
                m.insert("restartPolicy", Value::String("Always".into()));
            }
            "initContainers"
        } else {
            "containers"
        };
        let entry = spec.entry(list.to_string()).or_insert_with(|| Value::Array(Vec::new()));
        if let Some(a) = entry.as_array_mut() {
            if *native_sidecar {
                a.insert(0, c);
            } else {
                a.push(c);
            }
        }
        let meta = crate::meta::metadata_mut(pod);
        if !annotations.is_empty() {
            let ann = meta.entry("annotations".to_string()).or_insert_with(|| Value::Object(Default::default()));
            if let Some(m) = ann.as_object_mut() {
                for (k, v) in annotations {
                    m.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        true
    }

    /// Validates a pod; Err((reason, cause)) with the exact denial text.
    pub fn validate_pod(&self, pod: &Value, ns_labels: &[(&str, &str)]) -> Result<(), (String, String)> {
        let AdmissionPolicy::RequireLabel { name, binding, label, namespace_labels, message, reason } = self else {
            return Ok(());
        };
        if !Self::namespace_matches(namespace_labels, ns_labels) || crate::meta::label(pod, label).is_some() {
            return Ok(());
        }
        let msg = if message.is_empty() {
            format!("failed expression: has(object.metadata.labels) && '{label}' in object.metadata.labels")
        } else {
            message.clone()
        };
        let reason = if reason.is_empty() { "Invalid".to_string() } else { reason.clone() };
        Err((reason, format!("ValidatingAdmissionPolicy '{name}' with binding '{binding}' denied request: {msg}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn require_env() -> AdmissionPolicy {
        serde_json::from_value(json!({"type": "RequireLabel", "name": "require-environment", "binding": "require-environment-binding", "label": "environment", "message": "pods must carry an environment label"})).unwrap()
    }

    #[test]
    fn validating_policy_table() {
        let p = require_env();
        let with = json!({"metadata": {"name": "web", "labels": {"environment": "dev"}}});
        let without = json!({"metadata": {"name": "web"}});
        assert_eq!(p.validate_pod(&with, &[]), Ok(()));
        assert_eq!(
            p.validate_pod(&without, &[]),
            Err(("Invalid".into(), "ValidatingAdmissionPolicy 'require-environment' with binding 'require-environment-binding' denied request: pods must carry an environment label".into()))
        );
    }

    #[test]
    fn sidecar_injection_only_in_labelled_namespaces() {
        let p: AdmissionPolicy = serde_json::from_value(json!({
            "type": "InjectSidecar", "name": "sidecar-injector.istio.io",
            "namespaceLabels": {"istio-injection": "enabled"},
            "container": {"name": "istio-proxy", "image": "istio/proxyv2:1.25.0"}, "nativeSidecar": true
        })).unwrap();
        let mut pod = json!({"metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}});
        assert!(!p.mutate_pod(&mut pod, &[]));
        assert!(p.mutate_pod(&mut pod, &[("istio-injection", "enabled")]));
        assert_eq!(pod["spec"]["initContainers"][0]["name"], "istio-proxy");
        assert_eq!(pod["spec"]["initContainers"][0]["restartPolicy"], "Always");
        assert!(!p.mutate_pod(&mut pod, &[("istio-injection", "enabled")]), "idempotent");
    }
}

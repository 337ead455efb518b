//! describe.go's `describeVolumes` for the volume sources Podlab pods use (projected
//! service-account tokens, configMap, secret, emptyDir, hostPath, persistentVolumeClaim,
//! downwardAPI); any other source prints `<unknown>` as kubectl does for unknown ones.

use super::writer::{Writer, L0, L1, L2, L3};
use crate::value::{arr, at, b, i, s};
use serde_json::Value;

/// `describeVolumes`; `space` is "  " inside a pod template.
pub fn volumes(w: &mut Writer, space: &str, list: &[Value]) {
    if list.is_empty() {
        w.write(L0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(L0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        w.write(L1, &format!("{name_indent}{}:\n", s(v, "name")));
        volume_source(w, v);
    }
}

fn volume_source(w: &mut Writer, v: &Value) {
    if let Some(h) = at(v, "hostPath") {
        let t = if s(h, "type").is_empty() && at(h, "type").is_none() { "<none>" } else { s(h, "type") };
        w.write(L2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n", s(h, "path")));
    } else if let Some(e) = at(v, "emptyDir") {
        let limit = s(e, "sizeLimit");
        let limit = if limit.is_empty() || limit.trim_start_matches('0').is_empty() { "<unset>" } else { limit };
        w.write(L2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n", s(e, "medium")));
    } else if let Some(sec) = at(v, "secret") {
        w.write(L2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s(sec, "secretName"), b(sec, "optional")));
    } else if let Some(cm) = at(v, "configMap") {
        w.write(L2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", s(cm, "name"), b(cm, "optional")));
    } else if let Some(pvc) = at(v, "persistentVolumeClaim") {
        w.write(L2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", s(pvc, "claimName"), b(pvc, "readOnly")));
    } else if let Some(p) = at(v, "projected") {
        projected(w, p);
    } else if let Some(d) = at(v, "downwardAPI") {
        w.write(L2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
        downward_items(w, d);
    } else {
        w.write(L1, "<unknown>\n");
    }
}

fn downward_items(w: &mut Writer, d: &Value) {
    for item in arr(d, "items") {
        if let Some(f) = at(item, "fieldRef") {
            w.write(L3, &format!("{} -> {}\n", s(f, "fieldPath"), s(item, "path")));
        }
        if let Some(r) = at(item, "resourceFieldRef") {
            w.write(L3, &format!("{} -> {}\n", s(r, "resource"), s(item, "path")));
        }
    }
}

fn projected(w: &mut Writer, p: &Value) {
    w.write(L2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
    for src in arr(p, "sources") {
        if let Some(sec) = at(src, "secret") {
            w.write(L2, &format!("SecretName:\t{}\n    Optional:\t{}\n", s(sec, "name"), b(sec, "optional")));
        } else if at(src, "downwardAPI").is_some() {
            w.write(L2, "DownwardAPI:\ttrue\n");
        } else if let Some(cm) = at(src, "configMap") {
            w.write(L2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", s(cm, "name"), b(cm, "optional")));
        } else if let Some(t) = at(src, "serviceAccountToken") {
            w.write(L2, &format!("TokenExpirationSeconds:\t{}\n", i(t, "expirationSeconds")));
        }
    }
}

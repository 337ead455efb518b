//! `kubectl describe pv`: a port of describe.go's `describePersistentVolume` (identity, class,
//! phase, claim, reclaim policy, modes, capacity, node affinity, message, then the volume
//! source the way `printCSIPersistentVolumeSource`, `printHostPathVolumeSource` and
//! `printLocalVolumeSource` write it). Kept apart from `kinds.rs` because the volume source
//! printers are a family of their own.

use super::common::{annotations, events, go_slice, labels};
use super::kinds::short_mode;
use super::writer::{L0, L1, L2, Writer};
use crate::value::{arr, at, b, map, s, scalar_text};
use serde_json::Value;

/// describe.go's `maxAnnotationLen`: longer attribute lines are cut with `...`.
const MAX_ATTRIBUTE_LEN: usize = 140;

pub fn describe_pv(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    w.write(L0, &format!("Name:\t{}\n", s(obj, "metadata.name")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(
        L0,
        &format!("Finalizers:\t{}\n", go_slice(obj, "metadata.finalizers")),
    );
    w.write(
        L0,
        &format!("StorageClass:\t{}\n", s(obj, "spec.storageClassName")),
    );
    if at(obj, "spec.volumeAttributesClassName").is_some_and(|v| !v.is_null()) {
        w.write(
            L0,
            &format!(
                "VolumeAttributesClass:\t{}\n",
                s(obj, "spec.volumeAttributesClassName")
            ),
        );
    }
    if s(obj, "metadata.deletionTimestamp").is_empty() {
        w.write(L0, &format!("Status:\t{}\n", s(obj, "status.phase")));
    } else {
        let lasts = crate::printers::pod::since(obj, "metadata.deletionTimestamp", now);
        w.write(L0, &format!("Status:\tTerminating (lasts {lasts})\n"));
    }
    let claim = match at(obj, "spec.claimRef") {
        Some(r) if !r.is_null() => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        _ => String::new(),
    };
    w.write(L0, &format!("Claim:\t{claim}\n"));
    w.write(
        L0,
        &format!(
            "Reclaim Policy:\t{}\n",
            s(obj, "spec.persistentVolumeReclaimPolicy")
        ),
    );
    let modes: Vec<String> = arr(obj, "spec.accessModes")
        .iter()
        .map(scalar_text)
        .map(|m| short_mode(&m))
        .collect();
    w.write(L0, &format!("Access Modes:\t{}\n", modes.join(",")));
    if !s(obj, "spec.volumeMode").is_empty() {
        w.write(L0, &format!("VolumeMode:\t{}\n", s(obj, "spec.volumeMode")));
    }
    w.write(
        L0,
        &format!("Capacity:\t{}\n", s(obj, "spec.capacity.storage")),
    );
    node_affinity(&mut w, at(obj, "spec.nodeAffinity.required"));
    w.write(L0, &format!("Message:\t{}\n", s(obj, "status.message")));
    w.write(L0, "Source:\n");
    source(&mut w, obj);
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// `printVolumeNodeAffinity` + `printNodeSelectorTermsMultilineWithIndent`.
fn node_affinity(w: &mut Writer, required: Option<&Value>) {
    w.write(L0, "Node Affinity:\t");
    let Some(required) = required.filter(|r| !r.is_null()) else {
        w.line("<none>");
        return;
    };
    w.line("");
    w.write(L1, "Required Terms:\t");
    let terms = arr(required, "nodeSelectorTerms");
    if terms.is_empty() {
        w.line("<none>");
        return;
    }
    w.line("");
    for (idx, term) in terms.iter().enumerate() {
        w.write(L2, &format!("Term {idx}:\t"));
        let exprs = arr(term, "matchExpressions");
        if exprs.is_empty() {
            w.line("<none>");
        }
        for (n, e) in exprs.iter().enumerate() {
            if n > 0 {
                w.write(L2, "\t");
            }
            let mut text = format!("{} {}", s(e, "key"), s(e, "operator").to_lowercase());
            let values: Vec<String> = arr(e, "values").iter().map(scalar_text).collect();
            if !values.is_empty() {
                text = format!("{text} [{}]", values.join(", "));
            }
            w.write(L0, &format!("{text}\n"));
        }
    }
}

/// The volume source block under `Source:` (the sources Podlab's volumes use).
fn source(w: &mut Writer, obj: &Value) {
    if let Some(csi) = at(obj, "spec.csi").filter(|v| !v.is_null()) {
        w.write(L2, &format!(
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
            s(csi, "driver"), s(csi, "fsType"), s(csi, "volumeHandle"), b(csi, "readOnly")
        ));
        csi_attributes(w, csi);
    } else if let Some(hp) = at(obj, "spec.hostPath").filter(|v| !v.is_null()) {
        w.write(L2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", s(hp, "path"), s(hp, "type")));
    } else if let Some(local) = at(obj, "spec.local").filter(|v| !v.is_null()) {
        w.write(L2, &format!("Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n", s(local, "path")));
    }
}

/// `printCSIPersistentVolumeAttributesMultiline`: sorted `key=value` lines, cut at 140.
fn csi_attributes(w: &mut Writer, csi: &Value) {
    w.write(L2, "VolumeAttributes:\t");
    let mut attrs = map(csi, "volumeAttributes");
    attrs.sort();
    if attrs.is_empty() {
        w.line("<none>");
        return;
    }
    for (idx, (k, v)) in attrs.iter().enumerate() {
        if idx > 0 {
            w.write(L2, "\t");
        }
        let line = format!("{k}={v}");
        match line.char_indices().nth(MAX_ATTRIBUTE_LEN) {
            Some((cut, _)) => w.write(L2, &format!("{}...\n", &line[..cut])),
            None => w.write(L2, &format!("{line}\n")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected texts are the real kubectl 1.33's (kubectl-oracle) for the same objects.
    #[test]
    fn local_and_host_path_volumes_match_real_kubectl() {
        let cases = [
            (
                r#"{"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "local-pv"}, "spec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany"], "capacity": {"storage": "10Gi"}, "local": {"path": "/mnt/disks/ssd1"}, "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["node01", "node02"]}, {"key": "disk", "operator": "Exists"}]}]}}, "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "local-storage", "volumeMode": "Filesystem"}, "status": {"phase": "Available"}}"#,
                r#"Name:              local-pv
Labels:            <none>
Annotations:       <none>
Finalizers:        []
StorageClass:      local-storage
Status:            Available
Claim:             
Reclaim Policy:    Retain
Access Modes:      RWO,ROX
VolumeMode:        Filesystem
Capacity:          10Gi
Node Affinity:     
  Required Terms:  
    Term 0:        kubernetes.io/hostname in [node01, node02]
                   disk exists
Message:           
Source:
    Type:  LocalVolume (a persistent volume backed by local storage on a node)
    Path:  /mnt/disks/ssd1
Events:    <none>
"#,
            ),
            (
                r#"{"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "host-pv"}, "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "hostPath": {"path": "/data/host", "type": "DirectoryOrCreate"}, "volumeMode": "Filesystem"}, "status": {"phase": "Available"}}"#,
                r#"Name:            host-pv
Labels:          <none>
Annotations:     <none>
Finalizers:      []
StorageClass:    
Status:          Available
Claim:           
Reclaim Policy:  
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        1Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /data/host
    HostPathType:  DirectoryOrCreate
Events:            <none>
"#,
            ),
        ];
        for (obj, want) in cases {
            let pv: Value = serde_json::from_str(obj).unwrap();
            assert_eq!(
                describe_pv(&pv, Some(&[]), 0),
                want,
                "{}",
                s(&pv, "metadata.name")
            );
        }
    }
}

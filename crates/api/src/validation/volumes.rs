//! Pod volume validation (ValidateVolumes / validateVolumeSource): unique DNS-label names,
//! exactly one source, and each modelled source's own required fields, with Go's wording
//! (including its `downwarAPI` typo in the "more than 1 volume type" path).

use super::container::{validate_local_descending_path, VolumeNames};
use super::env::{validate_object_field_selector, validate_resource_field_selector};
use super::field::{Error, ErrorList, Path};
use super::names::is_dns1123_label;
use crate::core::volume::*;

const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";
const VOLUME_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// Returns the names of the volumes that validated, and the errors.
pub fn validate_volumes(volumes: &[Volume], path: &Path) -> (VolumeNames, ErrorList) {
    let mut names = VolumeNames::new();
    let mut errs = ErrorList::new();
    for (i, v) in volumes.iter().enumerate() {
        let p = path.index(i);
        let mut el = validate_source(v, &p);
        if v.name.is_empty() {
            el.push(Error::required(p.child("name"), ""));
        } else {
            for m in is_dns1123_label(&v.name) {
                el.push(Error::invalid(p.child("name"), &v.name, m));
            }
        }
        if names.contains(&v.name) {
            el.push(Error::duplicate(p.child("name"), &v.name));
        }
        if el.is_empty() {
            names.insert(v.name.clone());
        } else {
            errs.extend(el);
        }
    }
    (names, errs)
}

fn mode(errs: &mut ErrorList, path: Path, m: Option<i32>) {
    if let Some(m) = m.filter(|m| !(0..=0o777).contains(m)) {
        errs.push(Error::invalid(path, m, FILE_MODE_MSG));
    }
}

fn key_to_path(kp: &KeyToPath, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if kp.key.is_empty() {
        errs.push(Error::required(path.child("key"), ""));
    }
    if kp.path.is_empty() {
        errs.push(Error::required(path.child("path"), ""));
    }
    errs.extend(local_non_reserved_path(&kp.path, &path.child("path")));
    mode(&mut errs, path.child("mode"), kp.mode);
    errs
}

/// ValidateLocalNonReservedPath: a descending path that does not start with "..".
fn local_non_reserved_path(target: &str, path: &Path) -> ErrorList {
    let mut errs = validate_local_descending_path(target, path);
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(Error::invalid(path, target, "must not start with '..'"));
    }
    errs
}

fn downward_file(f: &DownwardAPIVolumeFile, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if f.path.is_empty() {
        errs.push(Error::required(path.child("path"), ""));
    }
    errs.extend(local_non_reserved_path(&f.path, &path.child("path")));
    match (&f.field_ref, &f.resource_field_ref) {
        (Some(fr), r) => {
            errs.extend(validate_object_field_selector(
                fr,
                VOLUME_FIELD_PATHS,
                &path.child("fieldRef"),
            ));
            if r.is_some() {
                errs.push(Error::invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                ));
            }
        }
        (None, Some(r)) => errs.extend(validate_resource_field_selector(
            r,
            true,
            &path.child("resourceFieldRef"),
        )),
        (None, None) => errs.push(Error::required(
            path,
            "one of fieldRef and resourceFieldRef is required",
        )),
    }
    mode(&mut errs, path.child("mode"), f.mode);
    errs
}

/// Counts a present source; a second one is Forbidden and not validated further.
fn take<'a, T>(
    n: &mut u32,
    errs: &mut ErrorList,
    source: Option<&'a T>,
    path: &Path,
    field: &str,
) -> Option<&'a T> {
    let s = source?;
    if *n > 0 {
        errs.push(Error::forbidden(
            path.child(field),
            "may not specify more than 1 volume type",
        ));
        return None;
    }
    *n += 1;
    Some(s)
}

/// validateVolumeSource over the sources Podlab models, in Go's order.
fn validate_source(v: &Volume, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut n = 0u32;
    if let Some(e) = take(&mut n, &mut errs, v.empty_dir.as_ref(), path, "emptyDir") {
        if e.size_limit.is_some_and(|q| q.is_negative()) {
            errs.push(Error::forbidden(
                path.child("emptyDir").child("sizeLimit"),
                "SizeLimit field must be a valid resource quantity",
            ));
        }
    }
    if let Some(h) = take(&mut n, &mut errs, v.host_path.as_ref(), path, "hostPath") {
        errs.extend(host_path(h, &path.child("hostPath")));
    }
    if let Some(s) = take(&mut n, &mut errs, v.secret.as_ref(), path, "secret") {
        let sp = path.child("secret");
        if s.secret_name.is_empty() {
            errs.push(Error::required(sp.child("secretName"), ""));
        }
        mode(&mut errs, sp.child("defaultMode"), s.default_mode);
        for (i, kp) in s.items.iter().enumerate() {
            errs.extend(key_to_path(kp, &sp.child("items").index(i)));
        }
    }
    if let Some(nfs) = take(&mut n, &mut errs, v.nfs.as_ref(), path, "nfs") {
        let np = path.child("nfs");
        if nfs.server.is_empty() {
            errs.push(Error::required(np.child("server"), ""));
        }
        if nfs.path.is_empty() {
            errs.push(Error::required(np.child("path"), ""));
        }
        if !nfs.path.starts_with('/') {
            errs.push(Error::invalid(
                np.child("path"),
                &nfs.path,
                "must be an absolute path",
            ));
        }
    }
    if take(
        &mut n,
        &mut errs,
        v.persistent_volume_claim.as_ref(),
        path,
        "persistentVolumeClaim",
    )
    .is_some_and(|c| c.claim_name.is_empty())
    {
        errs.push(Error::required(
            path.child("persistentVolumeClaim").child("claimName"),
            "",
        ));
    }
    if let Some(d) = take(
        &mut n,
        &mut errs,
        v.downward_api.as_ref(),
        path,
        "downwarAPI",
    ) {
        let dp = path.child("downwardAPI");
        mode(&mut errs, dp.child("defaultMode"), d.default_mode);
        for f in &d.items {
            errs.extend(downward_file(f, &dp));
        }
    }
    if let Some(c) = take(&mut n, &mut errs, v.config_map.as_ref(), path, "configMap") {
        let cp = path.child("configMap");
        if c.name.is_empty() {
            errs.push(Error::required(cp.child("name"), ""));
        }
        mode(&mut errs, cp.child("defaultMode"), c.default_mode);
        for (i, kp) in c.items.iter().enumerate() {
            errs.extend(key_to_path(kp, &cp.child("items").index(i)));
        }
    }
    if let Some(p) = take(&mut n, &mut errs, v.projected.as_ref(), path, "projected") {
        errs.extend(projected(p, &path.child("projected")));
    }
    if take(&mut n, &mut errs, v.csi.as_ref(), path, "csi").is_some_and(|c| c.driver.is_empty()) {
        errs.push(Error::required(path.child("csi").child("driver"), ""));
    }
    take(&mut n, &mut errs, v.ephemeral.as_ref(), path, "ephemeral");
    if n == 0 {
        errs.push(Error::required(path, "must specify a volume type"));
    }
    errs
}

fn host_path(h: &HostPathVolumeSource, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if h.path.is_empty() {
        errs.push(Error::required(path.child("path"), ""));
        return errs;
    }
    if h.path.split('/').any(|p| p == "..") {
        errs.push(Error::invalid(
            path.child("path"),
            &h.path,
            "must not contain '..'",
        ));
    }
    const TYPES: &[&str] = &[
        "",
        "BlockDevice",
        "CharDevice",
        "Directory",
        "DirectoryOrCreate",
        "File",
        "FileOrCreate",
        "Socket",
    ];
    if let Some(t) = h.type_.as_deref().filter(|t| !TYPES.contains(t)) {
        errs.push(Error::not_supported(path.child("type"), t, TYPES));
    }
    errs
}

fn projected(p: &ProjectedVolumeSource, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut all_paths = std::collections::BTreeSet::new();
    for (i, s) in p.sources.iter().enumerate() {
        let sp = path.child("sources").index(i);
        let mut n = 0;
        for (field, name, items) in [
            (
                "secret",
                s.secret.as_ref().map(|x| &x.name),
                s.secret.as_ref().map(|x| &x.items),
            ),
            (
                "configMap",
                s.config_map.as_ref().map(|x| &x.name),
                s.config_map.as_ref().map(|x| &x.items),
            ),
        ] {
            let (Some(name), Some(items)) = (name, items) else {
                continue;
            };
            n += 1;
            let pp = sp.child(field);
            if name.is_empty() {
                errs.push(Error::required(pp.child("name"), ""));
            }
            for (k, kp) in items.iter().enumerate() {
                errs.extend(key_to_path(kp, &pp.child("items").index(k)));
                if !kp.path.is_empty() && !all_paths.insert(kp.path.clone()) {
                    errs.push(Error::invalid(
                        path,
                        name.as_str(),
                        "conflicting duplicate paths",
                    ));
                }
            }
        }
        if let Some(d) = &s.downward_api {
            n += 1;
            for f in &d.items {
                errs.extend(downward_file(f, &sp.child("downwardAPI")));
                if !f.path.is_empty() && !all_paths.insert(f.path.clone()) {
                    errs.push(Error::invalid(
                        path,
                        "downwardAPI",
                        "conflicting duplicate paths",
                    ));
                }
            }
        }
        if let Some(t) = &s.service_account_token {
            n += 1;
            let tp = sp.child("serviceAccountToken");
            let secs = t.expiration_seconds.unwrap_or(3600);
            if secs < 600 {
                errs.push(Error::invalid(
                    tp.child("expirationSeconds"),
                    secs,
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if secs > 1 << 32 {
                errs.push(Error::invalid(
                    tp.child("expirationSeconds"),
                    secs,
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            if t.path.is_empty() {
                errs.push(Error::required(path.child("path"), ""));
            }
        }
        if n > 1 {
            errs.push(Error::forbidden(
                &sp,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}

//! A container's view of the filesystem: its mount table (root layer at `/`, volumes at their
//! mount points, read-only flags, subPaths) resolved over the shared `Volumes` arena, with the
//! file operations the shell and programs use.

use super::{components, resolve_path, FsError, FsTree, Meta, Volumes, VolumeId};

/// One entry of a container's mount table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Absolute mount point inside the container ("/" for the root layer).
    pub target: String,
    pub volume: VolumeId,
    /// Directory inside the volume that appears at `target` ("" = the volume root).
    pub sub_path: String,
    pub read_only: bool,
}

/// A container's mounts; later, deeper mounts shadow earlier ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountTable {
    pub mounts: Vec<Mount>,
}

impl MountTable {
    /// A table with just the root layer.
    pub fn with_root(root: VolumeId) -> Self {
        MountTable { mounts: vec![Mount { target: "/".into(), volume: root, sub_path: String::new(), read_only: false }] }
    }

    pub fn add(&mut self, target: &str, volume: VolumeId, sub_path: &str, read_only: bool) {
        let target = resolve_path("/", target);
        let sub_path = components(&resolve_path("/", sub_path)).join("/");
        self.mounts.push(Mount { target, volume, sub_path, read_only });
    }

    /// The mount that owns `path` and the path's components inside that volume.
    fn locate(&self, path: &str) -> Option<(&Mount, Vec<String>)> {
        let comps = components(path);
        let mut best: Option<(&Mount, usize)> = None;
        for m in &self.mounts {
            let mc = components(&m.target);
            if mc.len() <= comps.len() && mc[..] == comps[..mc.len()] && best.is_none_or(|(_, n)| mc.len() >= n) {
                best = Some((m, mc.len()));
            }
        }
        let (m, depth) = best?;
        let mut inner: Vec<String> = components(&m.sub_path).iter().map(|s| s.to_string()).collect();
        inner.extend(comps[depth..].iter().map(|s| s.to_string()));
        Some((m, inner))
    }

    /// Names of mount points directly inside directory `path` (so `ls` shows them).
    fn child_mounts(&self, path: &str) -> Vec<String> {
        let comps = components(path);
        self.mounts
            .iter()
            .filter_map(|m| {
                let mc = components(&m.target);
                (mc.len() == comps.len() + 1 && mc[..comps.len()] == comps[..]).then(|| mc[comps.len()].to_string())
            })
            .collect()
    }
}

/// A container's view of the filesystem: its mount table over the shared arena.
pub struct FsView<'a> {
    pub volumes: &'a mut Volumes,
    pub mounts: &'a MountTable,
}

impl<'a> FsView<'a> {
    pub fn new(volumes: &'a mut Volumes, mounts: &'a MountTable) -> Self {
        FsView { volumes, mounts }
    }

    fn with_tree<T>(&self, path: &str, f: impl FnOnce(&FsTree, &[&str]) -> Result<T, FsError>) -> Result<T, FsError> {
        let (m, inner) = self.mounts.locate(path).ok_or(FsError::NotFound)?;
        let tree = self.volumes.get(m.volume).ok_or(FsError::NotFound)?;
        let refs: Vec<&str> = inner.iter().map(String::as_str).collect();
        f(tree, &refs)
    }

    fn with_tree_mut<T>(&mut self, path: &str, f: impl FnOnce(&mut FsTree, &[&str]) -> Result<T, FsError>) -> Result<T, FsError> {
        let (m, inner) = self.mounts.locate(path).ok_or(FsError::NotFound)?;
        if m.read_only {
            return Err(FsError::ReadOnly);
        }
        let tree = self.volumes.get_mut(m.volume).ok_or(FsError::NotFound)?;
        let refs: Vec<&str> = inner.iter().map(String::as_str).collect();
        f(tree, &refs)
    }

    fn is_mount_point(&self, path: &str) -> bool {
        let p = resolve_path("/", path);
        self.mounts.mounts.iter().any(|m| m.target == p)
    }

    pub fn stat(&self, path: &str) -> Result<Meta, FsError> {
        self.with_tree(path, |t, c| t.stat(c))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.stat(path).is_ok()
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.stat(path).map(|m| m.is_dir).unwrap_or(false)
    }

    pub fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        self.with_tree(path, |t, c| t.read(c).map(<[u8]>::to_vec))
    }

    /// Bytes of a file from `offset` on (for `tail -f`), without copying the head.
    pub fn read_from(&self, path: &str, offset: usize) -> Result<Vec<u8>, FsError> {
        self.with_tree(path, |t, c| t.read(c).map(|d| d.get(offset..).unwrap_or(&[]).to_vec()))
    }

    pub fn read_string(&self, path: &str) -> Result<String, FsError> {
        self.read(path).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    pub fn write(&mut self, path: &str, data: &[u8], now_ms: u64) -> Result<(), FsError> {
        self.with_tree_mut(path, |t, c| t.write(c, data, false, now_ms))
    }

    pub fn append(&mut self, path: &str, data: &[u8], now_ms: u64) -> Result<(), FsError> {
        self.with_tree_mut(path, |t, c| t.write(c, data, true, now_ms))
    }

    pub fn mkdir(&mut self, path: &str, now_ms: u64) -> Result<(), FsError> {
        if self.is_mount_point(path) {
            return Err(FsError::Exists);
        }
        self.with_tree_mut(path, |t, c| t.mkdir(c, now_ms))
    }

    /// `mkdir -p` across mounts: each level is created in the tree that owns it.
    pub fn mkdir_all(&mut self, path: &str, now_ms: u64) -> Result<(), FsError> {
        let comps = components(path);
        for i in 1..=comps.len() {
            let p = format!("/{}", comps[..i].join("/"));
            match self.stat(&p) {
                Ok(m) if m.is_dir => continue,
                Ok(_) => return Err(FsError::NotDir),
                Err(FsError::NotFound) => self.mkdir(&p, now_ms)?,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Entries of a directory, including mount points that live directly inside it.
    pub fn list(&self, path: &str) -> Result<Vec<(String, Meta)>, FsError> {
        let mut entries = self.with_tree(path, |t, c| t.list(c))?;
        for name in self.mounts.child_mounts(path) {
            let child = resolve_path(path, &name);
            if let Ok(meta) = self.stat(&child) {
                entries.retain(|(n, _)| *n != name);
                entries.push((name, meta));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        if self.is_mount_point(path) {
            return Err(FsError::Busy);
        }
        self.with_tree_mut(path, |t, c| t.remove(c, recursive).map(|_| ()))
    }

    /// `mv`: move a file or subtree (works across mounts by copying).
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        if self.is_mount_point(from) {
            return Err(FsError::Busy);
        }
        let node = self.with_tree(from, |t, c| t.get_node(c))?;
        self.with_tree_mut(to, |t, c| t.insert(c, node))?;
        self.with_tree_mut(from, |t, c| t.remove(c, true).map(|_| ()))
    }

    /// `cp -r` of a subtree or file.
    pub fn copy(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let node = self.with_tree(from, |t, c| t.get_node(c))?;
        self.with_tree_mut(to, |t, c| t.insert(c, node))
    }

    pub fn set_mode(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.with_tree_mut(path, |t, c| t.set_mode(c, mode))
    }
}

//! The in-memory filesystem a container sees. A `FsTree` is one directory tree (an image's root
//! layer, an emptyDir, a configMap volume, ...). All trees of a node live in a `Volumes` arena
//! owned by the caller and are referenced by `VolumeId`, so two containers of a pod that mount
//! the same emptyDir really share its files. A container's view is a `MountTable` (the root
//! layer at `/` plus volume mounts, read-only flags and subPaths) resolved through `FsView`.
//! Paths are always absolute and normalized before they reach a tree; errors carry the errno
//! text the real tools print ("No such file or directory", "Read-only file system", ...).

use std::collections::BTreeMap;
use std::fmt;

/// Index of one tree in the `Volumes` arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VolumeId(pub usize);

/// One node of a tree: a directory or a regular file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Dir(Dir),
    File(File),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dir {
    pub entries: BTreeMap<String, Node>,
    pub mode: u32,
    pub mtime_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    pub data: Vec<u8>,
    pub mode: u32,
    pub mtime_ms: u64,
}

/// What `stat` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub is_dir: bool,
    pub size_bytes: u64,
    pub mode: u32,
    pub mtime_ms: u64,
}

/// Filesystem errors, displayed as the errno strings the real tools print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotDir,
    IsDir,
    ReadOnly,
    Exists,
    NotEmpty,
    Busy,
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotDir => "Not a directory",
            FsError::IsDir => "Is a directory",
            FsError::ReadOnly => "Read-only file system",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::Busy => "Resource busy",
        })
    }
}

/// One directory tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsTree {
    pub root: Dir,
}

impl Default for FsTree {
    fn default() -> Self {
        FsTree::new()
    }
}

/// Split a normalized absolute path into components ("/" -> []).
pub fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

/// Join `path` onto `cwd` and normalize `.`/`..`/duplicate slashes ("/a/../b//c" -> "/b/c").
pub fn resolve_path(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    let mut out: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    format!("/{}", out.join("/"))
}

impl FsTree {
    pub fn new() -> Self {
        FsTree { root: Dir { entries: BTreeMap::new(), mode: 0o755, mtime_ms: 0 } }
    }

    fn node(&self, comps: &[&str]) -> Result<&Node, FsError> {
        let mut dir = &self.root;
        for (i, c) in comps.iter().enumerate() {
            let node = dir.entries.get(*c).ok_or(FsError::NotFound)?;
            if i + 1 == comps.len() {
                return Ok(node);
            }
            match node {
                Node::Dir(d) => dir = d,
                Node::File(_) => return Err(FsError::NotDir),
            }
        }
        Err(FsError::NotFound)
    }

    fn dir(&self, comps: &[&str]) -> Result<&Dir, FsError> {
        if comps.is_empty() {
            return Ok(&self.root);
        }
        match self.node(comps)? {
            Node::Dir(d) => Ok(d),
            Node::File(_) => Err(FsError::NotDir),
        }
    }

    fn dir_mut(&mut self, comps: &[&str]) -> Result<&mut Dir, FsError> {
        let mut dir = &mut self.root;
        for c in comps {
            match dir.entries.get_mut(*c) {
                Some(Node::Dir(d)) => dir = d,
                Some(Node::File(_)) => return Err(FsError::NotDir),
                None => return Err(FsError::NotFound),
            }
        }
        Ok(dir)
    }

    pub fn stat(&self, comps: &[&str]) -> Result<Meta, FsError> {
        if comps.is_empty() {
            return Ok(dir_meta(&self.root));
        }
        Ok(match self.node(comps)? {
            Node::Dir(d) => dir_meta(d),
            Node::File(f) => Meta { is_dir: false, size_bytes: f.data.len() as u64, mode: f.mode, mtime_ms: f.mtime_ms },
        })
    }

    pub fn read(&self, comps: &[&str]) -> Result<&[u8], FsError> {
        if comps.is_empty() {
            return Err(FsError::IsDir);
        }
        match self.node(comps)? {
            Node::File(f) => Ok(&f.data),
            Node::Dir(_) => Err(FsError::IsDir),
        }
    }

    /// Write (or append to) a file, creating it with `mode` if missing; the parent must exist.
    pub fn write(&mut self, comps: &[&str], data: &[u8], append: bool, now_ms: u64) -> Result<(), FsError> {
        let (name, parent) = comps.split_last().ok_or(FsError::IsDir)?;
        let dir = self.dir_mut(parent)?;
        match dir.entries.get_mut(*name) {
            Some(Node::Dir(_)) => Err(FsError::IsDir),
            Some(Node::File(f)) => {
                if !append {
                    f.data.clear();
                }
                f.data.extend_from_slice(data);
                f.mtime_ms = now_ms;
                Ok(())
            }
            None => {
                let file = File { data: data.to_vec(), mode: 0o644, mtime_ms: now_ms };
                dir.entries.insert((*name).to_string(), Node::File(file));
                dir.mtime_ms = now_ms;
                Ok(())
            }
        }
    }

    pub fn mkdir(&mut self, comps: &[&str], now_ms: u64) -> Result<(), FsError> {
        let (name, parent) = comps.split_last().ok_or(FsError::Exists)?;
        let dir = self.dir_mut(parent)?;
        if dir.entries.contains_key(*name) {
            return Err(FsError::Exists);
        }
        let new = Dir { entries: BTreeMap::new(), mode: 0o755, mtime_ms: now_ms };
        dir.entries.insert((*name).to_string(), Node::Dir(new));
        dir.mtime_ms = now_ms;
        Ok(())
    }

    /// `mkdir -p`: create every missing directory; fails only if a file is in the way.
    pub fn mkdir_all(&mut self, comps: &[&str], now_ms: u64) -> Result<(), FsError> {
        for i in 1..=comps.len() {
            match self.mkdir(&comps[..i], now_ms) {
                Ok(()) | Err(FsError::Exists) => {}
                Err(e) => return Err(e),
            }
            if !self.stat(&comps[..i])?.is_dir {
                return Err(FsError::NotDir);
            }
        }
        Ok(())
    }

    pub fn list(&self, comps: &[&str]) -> Result<Vec<(String, Meta)>, FsError> {
        let dir = self.dir(comps)?;
        let mut out = Vec::new();
        for name in dir.entries.keys() {
            let mut child: Vec<&str> = comps.to_vec();
            child.push(name);
            out.push((name.clone(), self.stat(&child)?));
        }
        Ok(out)
    }

    /// Remove a file, or a directory (only when empty unless `recursive`).
    pub fn remove(&mut self, comps: &[&str], recursive: bool) -> Result<Node, FsError> {
        let (name, parent) = comps.split_last().ok_or(FsError::Busy)?;
        let dir = self.dir_mut(parent)?;
        match dir.entries.get(*name) {
            None => return Err(FsError::NotFound),
            Some(Node::Dir(d)) if !recursive && !d.entries.is_empty() => return Err(FsError::NotEmpty),
            Some(_) => {}
        }
        dir.entries.remove(*name).ok_or(FsError::NotFound)
    }

    /// Put a whole node (file or subtree) at `comps`, replacing a file there.
    pub fn insert(&mut self, comps: &[&str], node: Node) -> Result<(), FsError> {
        let (name, parent) = comps.split_last().ok_or(FsError::Busy)?;
        let dir = self.dir_mut(parent)?;
        if let (Some(Node::Dir(_)), Node::File(_)) = (dir.entries.get(*name), &node) {
            return Err(FsError::IsDir);
        }
        dir.entries.insert((*name).to_string(), node);
        Ok(())
    }

    pub fn get_node(&self, comps: &[&str]) -> Result<Node, FsError> {
        if comps.is_empty() {
            return Ok(Node::Dir(self.root.clone()));
        }
        self.node(comps).cloned()
    }

    pub fn set_mode(&mut self, comps: &[&str], mode: u32) -> Result<(), FsError> {
        if comps.is_empty() {
            self.root.mode = mode;
            return Ok(());
        }
        let (name, parent) = comps.split_last().ok_or(FsError::NotFound)?;
        match self.dir_mut(parent)?.entries.get_mut(*name) {
            Some(Node::Dir(d)) => d.mode = mode,
            Some(Node::File(f)) => f.mode = mode,
            None => return Err(FsError::NotFound),
        }
        Ok(())
    }

    /// Convenience for seeding: `mkdir -p` the parent and write the file with `mode`.
    pub fn put_file(&mut self, path: &str, data: &[u8], mode: u32) {
        let comps = components(path);
        if let Some((_, parent)) = comps.split_last() {
            let _ = self.mkdir_all(parent, 0);
            let _ = self.write(&comps, data, false, 0);
            let _ = self.set_mode(&comps, mode);
        }
    }

    /// Total bytes of file data (for emptyDir sizeLimit / medium: Memory accounting).
    pub fn used_bytes(&self) -> u64 {
        fn walk(d: &Dir) -> u64 {
            d.entries
                .values()
                .map(|n| match n {
                    Node::Dir(d) => walk(d),
                    Node::File(f) => f.data.len() as u64,
                })
                .sum()
        }
        walk(&self.root)
    }
}

fn dir_meta(d: &Dir) -> Meta {
    Meta { is_dir: true, size_bytes: 4096, mode: d.mode, mtime_ms: d.mtime_ms }
}

/// The arena of all trees (image root layers and volumes). Owned by the caller.
#[derive(Clone, Debug, Default)]
pub struct Volumes {
    trees: Vec<Option<FsTree>>,
}

impl Volumes {
    pub fn new() -> Self {
        Volumes::default()
    }

    pub fn add(&mut self, tree: FsTree) -> VolumeId {
        self.trees.push(Some(tree));
        VolumeId(self.trees.len() - 1)
    }

    /// Drop a tree (pod deleted, emptyDir gone). Its id is never reused.
    pub fn remove(&mut self, id: VolumeId) -> Option<FsTree> {
        self.trees.get_mut(id.0).and_then(Option::take)
    }

    pub fn get(&self, id: VolumeId) -> Option<&FsTree> {
        self.trees.get(id.0).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, id: VolumeId) -> Option<&mut FsTree> {
        self.trees.get_mut(id.0).and_then(Option::as_mut)
    }
}

mod view;
pub use view::{FsView, Mount, MountTable};

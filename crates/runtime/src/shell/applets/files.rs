//! File applets over the container's mounted filesystem: ls (-l -a -1 -R), mkdir (-p),
//! touch, rm (-r -f), rmdir, cp (-r), mv, chmod, find (-name -type), du, df — with
//! busybox's messages ("can't remove 'x': No such file or directory", "Read-only file system").

use super::{Applet, OneShot};
use crate::clock::{civil, MONTHS};
use crate::fs::{FsError, Meta};
use crate::shell::expand::pat_match;
use crate::shell::io::Io;

pub const NAMES: &[&str] = &["ls", "mkdir", "touch", "rm", "rmdir", "cp", "mv", "chmod", "find", "du", "df", "stat", "ln"];

pub fn create(name: &str, args: &[String]) -> Option<Box<dyn Applet>> {
    let f: fn(&[String], &mut Io) -> i32 = match name {
        "ls" => ls,
        "mkdir" => mkdir,
        "touch" => touch,
        "rm" => rm,
        "rmdir" => rmdir,
        "cp" => cp,
        "mv" => mv,
        "chmod" => chmod,
        "find" => find,
        "du" => du,
        "df" => df,
        "stat" => stat,
        "ln" => ln,
        _ => return None,
    };
    let name = NAMES.iter().find(|n| **n == name).copied().unwrap_or("?");
    Some(Box::new(OneShot { name, args: args.to_vec(), f }))
}

/// Split `-abc` flags from operands (stops at `--`).
fn split(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut ops = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.starts_with('-') && a.len() > 1 {
            flags.push_str(&a[1..]);
        } else {
            ops.push(a.clone());
        }
    }
    (flags, ops)
}

pub fn mode_string(m: &Meta) -> String {
    let mut s = String::from(if m.is_dir { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let bits = (m.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    if m.mode & 0o1000 != 0 {
        s.pop();
        s.push('t');
    }
    s
}

fn long_line(name: &str, m: &Meta) -> String {
    let c = civil(m.mtime_ms);
    let nlink = if m.is_dir { 2 } else { 1 };
    format!(
        "{} {:>4} {:<8} {:<8} {:>9} {} {:>2} {:02}:{:02} {}\n",
        mode_string(m),
        nlink,
        "root",
        "root",
        m.size_bytes,
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.hour,
        c.minute,
        name
    )
}

fn ls(args: &[String], io: &mut Io) -> i32 {
    let (flags, mut ops) = split(args);
    let long = flags.contains('l');
    let all = flags.contains('a') || flags.contains('A');
    let one = flags.contains('1') || long || !io.st.tty;
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut status = 0;
    let multi = ops.len() > 1;
    let mut files_out = String::new();
    let mut dirs = Vec::new();
    for op in &ops {
        let path = io.path(op);
        match io.ctx.fs.stat(&path) {
            Ok(m) if m.is_dir && !flags.contains('d') => dirs.push((op.clone(), path)),
            Ok(m) => files_out.push_str(&if long { long_line(op, &m) } else { format!("{op}\n") }),
            Err(e) => {
                io.err(&format!("ls: {op}: {e}\n"));
                // busybox ls: EXIT_FAILURE (1), not coreutils' 2.
                status = 1;
            }
        }
    }
    io.out(&files_out);
    for (i, (op, path)) in dirs.iter().enumerate() {
        let Ok(entries) = io.ctx.fs.list(path) else { continue };
        let mut out = String::new();
        if multi {
            out.push_str(&format!("{}{op}:\n", if i > 0 || !files_out.is_empty() { "\n" } else { "" }));
        }
        if long {
            let blocks: u64 = entries.iter().map(|(_, m)| m.size_bytes.div_ceil(1024)).sum();
            out.push_str(&format!("total {blocks}\n"));
        }
        let mut shown: Vec<(String, Meta)> = Vec::new();
        if flags.contains('a') {
            if let Ok(m) = io.ctx.fs.stat(path) {
                shown.push((".".into(), m));
                shown.push(("..".into(), m));
            }
        }
        shown.extend(entries.into_iter().filter(|(n, _)| all || !n.starts_with('.')));
        let names: Vec<String> = shown.iter().map(|(n, _)| n.clone()).collect();
        if long {
            for (n, m) in &shown {
                out.push_str(&long_line(n, m));
            }
        } else if one {
            for n in &names {
                out.push_str(&format!("{n}\n"));
            }
        } else if !names.is_empty() {
            let gnu = matches!(io.st.base, Some(crate::image::Base::Debian) | Some(crate::image::Base::OracleLinux));
            out.push_str(&if gnu { gnu_columns(&names, 80) } else { columns(&names, 80) });
        }
        io.out(&out);
    }
    status
}

/// ls on a terminal: names sorted down columns that fit `width`, two spaces apart.
fn columns(names: &[String], width: usize) -> String {
    let col = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2;
    let cols = (width / col.max(1)).max(1);
    let rows = names.len().div_ceil(cols);
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for c in 0..cols {
            if let Some(n) = names.get(c * rows + r) {
                line.push_str(&format!("{n:<col$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// coreutils ls on a terminal: as many columns as fit, each as wide as its longest name.
fn gnu_columns(names: &[String], width: usize) -> String {
    let lens: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    let layout = (1..=names.len()).rev().find_map(|cols| {
        let rows = names.len().div_ceil(cols);
        let widths: Vec<usize> = (0..cols).map(|c| (0..rows).filter_map(|r| lens.get(c * rows + r)).max().copied().unwrap_or(0)).collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * (cols - 1);
        (total <= width || cols == 1).then_some((rows, widths))
    });
    let Some((rows, widths)) = layout else { return String::new() };
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for (c, w) in widths.iter().enumerate() {
            if let Some(n) = names.get(c * rows + r) {
                line.push_str(&format!("{n:<w$}  ", w = *w));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn mkdir(args: &[String], io: &mut Io) -> i32 {
    let (flags, ops) = split(args);
    let mut status = 0;
    for op in ops {
        let path = io.path(&op);
        let now = io.now_ms();
        let r = if flags.contains('p') { io.ctx.fs.mkdir_all(&path, now) } else { io.ctx.fs.mkdir(&path, now) };
        if let Err(e) = r {
            io.err(&format!("mkdir: can't create directory '{op}': {e}\n"));
            status = 1;
        }
    }
    status
}

fn touch(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    let mut status = 0;
    for op in ops {
        let path = io.path(&op);
        let now = io.now_ms();
        if let Err(e) = io.ctx.fs.append(&path, b"", now) {
            io.err(&format!("touch: {op}: {e}\n"));
            status = 1;
        }
    }
    status
}

fn rm(args: &[String], io: &mut Io) -> i32 {
    let (flags, ops) = split(args);
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    let mut status = 0;
    for op in ops {
        let path = io.path(&op);
        let r = match io.ctx.fs.stat(&path) {
            Ok(m) if m.is_dir && !recursive => Err(FsError::IsDir),
            Ok(_) => io.ctx.fs.remove(&path, true),
            Err(e) => Err(e),
        };
        match r {
            Ok(()) => {}
            Err(FsError::NotFound) if force => {}
            Err(FsError::IsDir) => {
                io.err(&format!("rm: '{op}' is a directory\n"));
                status = 1;
            }
            Err(e) => {
                io.err(&format!("rm: can't remove '{op}': {e}\n"));
                status = 1;
            }
        }
    }
    status
}

fn rmdir(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    let mut status = 0;
    for op in ops {
        let path = io.path(&op);
        let r = if io.ctx.fs.is_dir(&path) { io.ctx.fs.remove(&path, false) } else { Err(FsError::NotDir) };
        if let Err(e) = r {
            io.err(&format!("rmdir: '{op}': {e}\n"));
            status = 1;
        }
    }
    status
}

/// Destination path for cp/mv: into a directory keeps the source name.
fn dest(io: &Io, src: &str, dst: &str) -> String {
    let d = io.path(dst);
    if io.ctx.fs.is_dir(&d) {
        let name = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
        crate::fs::resolve_path(&d, name)
    } else {
        d
    }
}

fn cp(args: &[String], io: &mut Io) -> i32 {
    let (flags, ops) = split(args);
    let Some((dst, srcs)) = ops.split_last().filter(|(_, s)| !s.is_empty()) else {
        return super::text::usage(io, "cp");
    };
    let mut status = 0;
    for s in srcs {
        let sp = io.path(s);
        match io.ctx.fs.stat(&sp) {
            Err(e) => {
                io.err(&format!("cp: can't stat '{s}': {e}\n"));
                status = 1;
            }
            Ok(m) if m.is_dir && !flags.contains('r') && !flags.contains('R') && !flags.contains('a') => {
                io.err(&format!("cp: omitting directory '{s}'\n"));
                status = 1;
            }
            Ok(_) => {
                let d = dest(io, s, dst);
                if let Err(e) = io.ctx.fs.copy(&sp, &d) {
                    io.err(&format!("cp: can't create '{d}': {e}\n"));
                    status = 1;
                }
            }
        }
    }
    status
}

fn mv(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    let Some((dst, srcs)) = ops.split_last().filter(|(_, s)| !s.is_empty()) else {
        return super::text::usage(io, "mv");
    };
    let mut status = 0;
    for s in srcs {
        let sp = io.path(s);
        let d = dest(io, s, dst);
        if let Err(e) = io.ctx.fs.rename(&sp, &d) {
            io.err(&format!("mv: can't rename '{s}': {e}\n"));
            status = 1;
        }
    }
    status
}

fn chmod(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args.iter().filter(|a| *a != "-R").cloned().collect::<Vec<_>>().as_slice());
    let mode_arg = args.iter().find(|a| !a.starts_with('-') || a.len() == 1).cloned().unwrap_or_default();
    let files: Vec<&String> = ops.iter().filter(|o| **o != mode_arg).collect();
    let mut status = 0;
    for f in files {
        let path = io.path(f);
        let Ok(meta) = io.ctx.fs.stat(&path) else {
            io.err(&format!("chmod: {f}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let mode = if let Ok(m) = u32::from_str_radix(&mode_arg, 8) {
            m
        } else {
            let add = mode_arg.contains('+');
            let bits = mode_arg.chars().fold(0, |acc, c| acc | match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                _ => 0,
            });
            if add { meta.mode | bits } else { meta.mode & !bits }
        };
        if let Err(e) = io.ctx.fs.set_mode(&path, mode) {
            io.err(&format!("chmod: {f}: {e}\n"));
            status = 1;
        }
    }
    status
}

fn find(args: &[String], io: &mut Io) -> i32 {
    let mut roots = Vec::new();
    let mut name: Option<String> = None;
    let mut kind: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-name" => {
                name = args.get(i + 1).cloned();
                i += 1;
            }
            "-type" => {
                kind = args.get(i + 1).cloned();
                i += 1;
            }
            a if !a.starts_with('-') => roots.push(a.to_string()),
            _ => {}
        }
        i += 1;
    }
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut out = String::new();
    let mut status = 0;
    for r in roots {
        let mut stack = vec![r.clone()];
        let mut visited = 0;
        while let Some(p) = stack.pop() {
            visited += 1;
            if visited > 100_000 {
                break;
            }
            let full = io.path(&p);
            let Ok(meta) = io.ctx.fs.stat(&full) else {
                io.err(&format!("find: {p}: No such file or directory\n"));
                status = 1;
                continue;
            };
            let base = p.rsplit('/').next().unwrap_or(&p).to_string();
            let name_ok = name.as_ref().is_none_or(|n| {
                let pat: Vec<(char, bool)> = n.chars().map(|c| (c, true)).collect();
                pat_match(&pat, &base.chars().collect::<Vec<_>>())
            });
            let kind_ok = kind.as_deref().is_none_or(|k| (k == "d") == meta.is_dir);
            if name_ok && kind_ok {
                out.push_str(&format!("{p}\n"));
            }
            if meta.is_dir {
                if let Ok(entries) = io.ctx.fs.list(&full) {
                    for (n, _) in entries.into_iter().rev() {
                        stack.push(format!("{}/{n}", p.trim_end_matches('/')));
                    }
                }
            }
        }
    }
    io.out(&out);
    status
}

fn du(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    let target = ops.first().cloned().unwrap_or_else(|| ".".into());
    let path = io.path(&target);
    let mut total = 0u64;
    let mut stack = vec![path];
    let mut seen = 0;
    while let Some(p) = stack.pop() {
        seen += 1;
        if seen > 100_000 {
            break;
        }
        match io.ctx.fs.list(&p) {
            Ok(entries) => {
                for (n, m) in entries {
                    if m.is_dir {
                        stack.push(crate::fs::resolve_path(&p, &n));
                    } else {
                        total += m.size_bytes;
                    }
                }
            }
            Err(_) => total += io.ctx.fs.stat(&p).map(|m| m.size_bytes).unwrap_or(0),
        }
    }
    io.out(&format!("{}\t{target}\n", total.div_ceil(1024)));
    0
}

fn human(kib: u64) -> String {
    match kib {
        k if k < 1024 => format!("{k}.0K"),
        k if k < 1024 * 1024 => format!("{}.{}M", k / 1024, k % 1024 * 10 / 1024),
        k => format!("{}.{}G", k / (1024 * 1024), k % (1024 * 1024) * 10 / (1024 * 1024)),
    }
}

fn df(args: &[String], io: &mut Io) -> i32 {
    let h = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
    let fmt = |v: u64| if h { human(v) } else { v.to_string() };
    let mut out = String::from(if h { "Filesystem                Size      Used Available Use% Mounted on\n" } else { "Filesystem           1K-blocks      Used Available Use% Mounted on\n" });
    let mounts = io.ctx.fs.mounts.mounts.clone();
    for m in mounts {
        let used = io.ctx.fs.volumes.get(m.volume).map(|t| t.used_bytes()).unwrap_or(0).div_ceil(1024);
        let size: u64 = 61_255_492;
        let pct = (used * 100).div_ceil(size);
        let fsname = if m.target == "/" { "overlay" } else { "/dev/vda1" };
        out.push_str(&format!("{:<20} {:>9} {:>9} {:>9} {:>3}% {}\n", fsname, fmt(size), fmt(used), fmt(size - used), pct, m.target));
    }
    io.out(&out);
    0
}

fn stat(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    let mut status = 0;
    for op in ops {
        match io.ctx.fs.stat(&io.path(&op)) {
            Ok(m) => {
                let kind = if m.is_dir { "directory" } else if m.size_bytes == 0 { "regular empty file" } else { "regular file" };
                io.out(&format!("  File: {op}\n  Size: {:<15} Blocks: {:<10} IO Block: 4096   {kind}\nAccess: ({:04o}/{})  Uid: (    0/    root)   Gid: (    0/    root)\n", m.size_bytes, m.size_bytes.div_ceil(512), m.mode & 0o7777, mode_string(&m)));
            }
            Err(e) => {
                io.err(&format!("stat: can't stat '{op}': {e}\n"));
                status = 1;
            }
        }
    }
    status
}

/// `ln -s` is modelled as a copy (the filesystem has no symlinks).
fn ln(args: &[String], io: &mut Io) -> i32 {
    let (_, ops) = split(args);
    if ops.len() != 2 {
        return super::text::usage(io, "ln");
    }
    let src = io.path(&ops[0]);
    let d = dest(io, &ops[0], &ops[1]);
    match io.ctx.fs.copy(&src, &d) {
        Ok(()) => 0,
        Err(e) => {
            io.err(&format!("ln: {}: {e}\n", ops[1]));
            1
        }
    }
}

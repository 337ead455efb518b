//! Text applets: echo, printf, cat, head, tail (with `-f` following a growing file), wc, grep,
//! cut, sed `s///`, sort, uniq, tr, tee, seq, yes, basename, dirname — with busybox's options
//! and messages.

use super::{Applet, Filter, LineFilter, OneShot};
use crate::shell::io::Io;
use crate::shell::Flavor;

pub const NAMES: &[&str] =
    &["awk", "echo", "printf", "cat", "head", "tail", "wc", "grep", "egrep", "cut", "sed", "sort", "uniq", "tr", "tee", "seq", "yes", "basename", "dirname"];

fn one(name: &'static str, args: &[String], f: fn(&[String], &mut Io) -> i32) -> Option<Box<dyn Applet>> {
    Some(Box::new(OneShot { name, args: args.to_vec(), f }))
}

fn filter<F: LineFilter + 'static>(prog: &'static str, files: Vec<String>, inner: F) -> Option<Box<dyn Applet>> {
    Some(Box::new(Filter { prog, files, inner, failed: false }))
}

pub fn create(name: &str, args: &[String], flavor: Flavor) -> Option<Box<dyn Applet>> {
    match name {
        "awk" => awk::awk(args),
        "echo" if flavor == Flavor::Dash => one("echo", args, echo_dash),
        "echo" => one("echo", args, echo),
        "printf" => one("printf", args, printf),
        "cat" => filter("cat", args.iter().filter(|a| !a.starts_with('-') || *a == "-").cloned().collect(), Cat),
        "head" if args.iter().any(|a| a == "-c" || (a.starts_with("-c") && a.len() > 2)) => {
            let (n, files) = count_opt(&args.iter().map(|a| a.replacen("-c", "-n", 1)).collect::<Vec<_>>(), 0);
            filter("head", files, HeadBytes { left: n })
        }
        "head" => {
            let (n, files) = count_opt(args, 10);
            filter("head", files, Head { left: n })
        }
        "tail" => tail(args),
        "wc" => {
            let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
            let files: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
            let name = files.first().cloned();
            filter("wc", files, Wc { flags, lines: 0, words: 0, bytes: 0, name })
        }
        "grep" | "egrep" => grep(args, name == "egrep"),
        "cut" => cut(args),
        "sed" => sed(args),
        "sort" => {
            let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
            filter("sort", args.iter().filter(|a| !a.starts_with('-')).cloned().collect(), Sort { flags, lines: Vec::new() })
        }
        "uniq" => {
            let count = args.iter().any(|a| a == "-c");
            filter("uniq", args.iter().filter(|a| !a.starts_with('-')).cloned().collect(), Uniq { count, last: None, n: 0 })
        }
        "tr" => tr(args),
        "tee" => {
            let append = args.iter().any(|a| a == "-a");
            let files: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
            filter("tee", Vec::new(), Tee { files, append, opened: false })
        }
        "seq" => one("seq", args, seq),
        "yes" => Some(Box::new(Yes { text: if args.is_empty() { "y".into() } else { args.join(" ") } })),
        "basename" => one("basename", args, |a, io| {
            let Some(p) = a.first() else { return usage(io, "basename") };
            let mut b = p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
            if b.is_empty() {
                b = "/".into();
            }
            if let Some(suffix) = a.get(1) {
                if b != *suffix {
                    b = b.strip_suffix(suffix.as_str()).unwrap_or(&b).to_string();
                }
            }
            io.out(&format!("{b}\n"));
            0
        }),
        "dirname" => one("dirname", args, |a, io| {
            let Some(p) = a.first() else { return usage(io, "dirname") };
            let t = p.trim_end_matches('/');
            let d = match t.rfind('/') {
                Some(0) => "/".to_string(),
                Some(i) => t[..i].to_string(),
                None => ".".to_string(),
            };
            io.out(&format!("{d}\n"));
            0
        }),
        _ => None,
    }
}

pub fn usage(io: &mut Io, name: &str) -> i32 {
    io.err(&format!("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: {name} [OPTIONS]\n"));
    1
}

/// Interpret backslash escapes (`echo -e`, `printf %b`). Returns (text, saw `\c`).
pub fn escapes(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') => out.push('\u{1b}'),
            Some('v') => out.push('\u{b}'),
            Some('f') => out.push('\u{c}'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut v = 0u32;
                for _ in 0..3 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('?'));
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn echo(args: &[String], io: &mut Io) -> i32 {
    let mut newline = true;
    let mut interpret = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => interpret = true,
                    _ => interpret = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut text = args[i..].join(" ");
    if interpret {
        let (t, stop) = escapes(&text);
        text = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    if io.out(&text) {
        0
    } else {
        1
    }
}

/// dash's echo: `-n` only, escapes always interpreted.
fn echo_dash(args: &[String], io: &mut Io) -> i32 {
    let (newline, rest) = match args.first() {
        Some(a) if a == "-n" => (false, &args[1..]),
        _ => (true, args),
    };
    let (mut text, stop) = escapes(&rest.join(" "));
    if newline && !stop {
        text.push('\n');
    }
    io.out(&text);
    0
}

fn printf(args: &[String], io: &mut Io) -> i32 {
    let Some(fmt) = args.first() else {
        io.err("printf: usage: printf FORMAT [ARGUMENT...]\n");
        return 1;
    };
    let mut rest = args[1..].iter();
    let mut out = String::new();
    let mut status = 0;
    // The format is reused while arguments remain (bounded by the argument count).
    for _round in 0..=args.len() {
        let mut consumed = false;
        let stop = format_once(fmt, &mut rest, &mut out, &mut consumed, &mut status);
        if stop || !consumed || rest.len() == 0 {
            break;
        }
    }
    io.out(&out);
    status
}

fn format_once<'a>(fmt: &str, args: &mut impl Iterator<Item = &'a String>, out: &mut String, consumed: &mut bool, status: &mut i32) -> bool {
    let cs: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\\' {
            let end = (i + 2).min(cs.len());
            let (t, stop) = escapes(&cs[i..end].iter().collect::<String>());
            out.push_str(&t);
            if stop {
                return true;
            }
            i = end;
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < cs.len() && "-+ #0123456789.".contains(cs[i]) {
            i += 1;
        }
        let Some(&conv) = cs.get(i) else { break };
        i += 1;
        let spec: String = cs[start + 1..i - 1].iter().collect();
        if conv == '%' {
            out.push('%');
            continue;
        }
        *consumed = true;
        let arg = args.next().cloned().unwrap_or_default();
        let body = match conv {
            'd' | 'i' => {
                let v = parse_num(&arg, status);
                v.to_string()
            }
            'u' => (parse_num(&arg, status) as u64).to_string(),
            'x' => format!("{:x}", parse_num(&arg, status)),
            'X' => format!("{:X}", parse_num(&arg, status)),
            'o' => format!("{:o}", parse_num(&arg, status)),
            'c' => arg.chars().next().map(String::from).unwrap_or_default(),
            'b' => escapes(&arg).0,
            'f' | 'g' | 'e' => {
                let prec: usize = spec.split('.').nth(1).and_then(|p| p.parse().ok()).unwrap_or(6);
                fixed_point(&arg, prec)
            }
            _ => arg,
        };
        out.push_str(&pad(&spec, body, matches!(conv, 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'f')));
    }
    false
}

/// Decimal formatting of a number string without floats: integer and fraction parts as text.
fn fixed_point(arg: &str, prec: usize) -> String {
    let (int, frac) = arg.split_once('.').unwrap_or((arg, ""));
    let int = if int.is_empty() || int == "-" { format!("{int}0") } else { int.to_string() };
    let mut frac: String = frac.chars().filter(|c| c.is_ascii_digit()).take(prec).collect();
    while frac.len() < prec {
        frac.push('0');
    }
    if prec == 0 {
        int
    } else {
        format!("{int}.{frac}")
    }
}

fn parse_num(arg: &str, status: &mut i32) -> i64 {
    let a = arg.trim();
    if a.is_empty() {
        return 0;
    }
    if let Some(c) = a.strip_prefix('\'').or_else(|| a.strip_prefix('"')) {
        return c.chars().next().map(|c| c as i64).unwrap_or(0);
    }
    a.parse::<i64>().unwrap_or_else(|_| {
        *status = 1;
        0
    })
}

fn pad(spec: &str, body: String, numeric: bool) -> String {
    let left = spec.contains('-');
    let zero = numeric && spec.trim_start_matches(['-', '+', ' ', '#']).starts_with('0');
    let width_part: String = spec.trim_start_matches(['-', '+', ' ', '#', '0']).split('.').next().unwrap_or("").to_string();
    let width: usize = width_part.parse().unwrap_or(0).min(4096);
    let body = match spec.split_once('.') {
        Some((_, p)) if !numeric => {
            let p: usize = p.parse().unwrap_or(usize::MAX);
            body.chars().take(p).collect()
        }
        _ => body,
    };
    let n = body.chars().count();
    if n >= width {
        return body;
    }
    let fill = width - n;
    if left {
        format!("{body}{}", " ".repeat(fill))
    } else if zero {
        match body.strip_prefix('-') {
            Some(b) => format!("-{}{b}", "0".repeat(fill)),
            None => format!("{}{body}", "0".repeat(fill)),
        }
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

/// `-n N`, `-nN`, `-N` and the remaining file names.
fn count_opt(args: &[String], default: i64) -> (i64, Vec<String>) {
    let mut n = default;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            n = args.get(i + 1).and_then(|v| v.trim_start_matches('+').parse().ok()).unwrap_or(default);
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix("-n") {
            n = v.parse().unwrap_or(default);
        } else if let Some(v) = a.strip_prefix('-').filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit())) {
            n = v.parse().unwrap_or(default);
        } else if a.starts_with('-') && a.len() > 1 {
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    (n, files)
}

#[derive(Debug)]
struct Cat;
impl LineFilter for Cat {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        io.out(line)
    }
    fn finish(&mut self, _io: &mut Io) -> i32 {
        0
    }
}

#[derive(Debug)]
struct Head {
    left: i64,
}
impl LineFilter for Head {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        if self.left <= 0 {
            return false;
        }
        self.left -= 1;
        io.out(line) && self.left > 0
    }
    fn finish(&mut self, _io: &mut Io) -> i32 {
        0
    }
}

/// `head -c N`: the first N bytes.
#[derive(Debug)]
struct HeadBytes {
    left: i64,
}
impl LineFilter for HeadBytes {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let take = line.len().min(self.left.max(0) as usize);
        let cut = (0..=take).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
        self.left -= cut as i64;
        io.out(&line[..cut]) && self.left > 0
    }
    fn finish(&mut self, _io: &mut Io) -> i32 {
        0
    }
}

#[derive(Debug)]
struct Wc {
    flags: String,
    lines: u64,
    words: u64,
    bytes: u64,
    name: Option<String>,
}
impl LineFilter for Wc {
    fn line(&mut self, _io: &mut Io, line: &str) -> bool {
        self.lines += u64::from(line.ends_with('\n'));
        self.words += line.split_whitespace().count() as u64;
        self.bytes += line.len() as u64;
        true
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        let flags = if self.flags.is_empty() { "lwc".to_string() } else { self.flags.clone() };
        let mut cols = Vec::new();
        for (f, v) in [('l', self.lines), ('w', self.words), ('c', self.bytes), ('m', self.bytes)] {
            if flags.contains(f) {
                cols.push(v);
            }
        }
        let single = cols.len() == 1;
        let mut out: String = cols.iter().map(|v| if single { v.to_string() } else { format!("{v:>7}") }).collect::<Vec<_>>().join(" ");
        if let Some(n) = &self.name {
            out.push(' ');
            out.push_str(n);
        }
        out.push('\n');
        io.out(&out);
        0
    }
}

mod awk;
mod edit;
mod more;
use edit::{cut, sed, tr};
use more::{grep, seq, tail, Sort, Tee, Uniq, Yes};

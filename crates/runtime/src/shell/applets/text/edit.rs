//! The stream editors: `cut` (-d -f -c -s), `sed` (`s///` with g/p/I flags, `/re/d`, `/re/p`,
//! -n, -e, -i, -E) and `tr` (ranges, classes, -d), all line filters.

use super::super::{Applet, Filter, LineFilter};
use super::{filter, one};
use crate::shell::io::Io;
use crate::shell::regex::Regex;

#[derive(Debug)]
struct Cut {
    delim: char,
    fields: Vec<(usize, usize)>,
    chars: bool,
    only_delimited: bool,
}

fn ranges(spec: &str) -> Vec<(usize, usize)> {
    spec.split(',')
        .filter_map(|r| match r.split_once('-') {
            Some((a, b)) => Some((a.parse().unwrap_or(1), b.parse().unwrap_or(usize::MAX))),
            None => r.parse().ok().map(|n| (n, n)),
        })
        .collect()
}

pub fn cut(args: &[String]) -> Option<Box<dyn Applet>> {
    let mut delim = '\t';
    let mut fields = Vec::new();
    let mut chars = false;
    let mut only = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut take = |opt: &str| -> Option<String> {
            if a == opt {
                i += 1;
                args.get(i).cloned()
            } else {
                a.strip_prefix(opt).map(str::to_string)
            }
        };
        if let Some(d) = take("-d") {
            delim = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = take("-f") {
            fields = ranges(&f);
        } else if let Some(c) = take("-c") {
            fields = ranges(&c);
            chars = true;
        } else if a == "-s" {
            only = true;
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    if fields.is_empty() {
        return one("cut", args, |_, io| {
            io.err("cut: expected a list of bytes, characters, or fields\n");
            1
        });
    }
    filter("cut", files, Cut { delim, fields, chars, only_delimited: only })
}

impl LineFilter for Cut {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let pick = |i: usize| self.fields.iter().any(|(a, b)| *a <= i && i <= *b);
        let out = if self.chars {
            body.chars().enumerate().filter(|(i, _)| pick(i + 1)).map(|(_, c)| c).collect::<String>()
        } else if !body.contains(self.delim) {
            if self.only_delimited {
                return true;
            }
            body.to_string()
        } else {
            let parts: Vec<&str> = body.split(self.delim).collect();
            let chosen: Vec<&str> = parts.iter().enumerate().filter(|(i, _)| pick(i + 1)).map(|(_, p)| *p).collect();
            chosen.join(&self.delim.to_string())
        };
        io.out(&format!("{out}\n"))
    }
    fn finish(&mut self, _io: &mut Io) -> i32 {
        0
    }
}

#[derive(Debug)]
struct Sed {
    cmds: Vec<SedCmd>,
    quiet: bool,
    in_place: Vec<String>,
}

#[derive(Debug)]
enum SedCmd {
    Subst { re: Regex, rep: String, global: bool, print: bool },
    Delete(Regex),
    Print(Regex),
}

fn parse_sed(script: &str, extended: bool) -> Result<Vec<SedCmd>, String> {
    let mut cmds = Vec::new();
    for part in script.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(rest) = part.strip_prefix('s') {
            let delim = rest.chars().next().ok_or("unterminated `s' command")?;
            let pieces: Vec<&str> = rest[delim.len_utf8()..].split(delim).collect();
            if pieces.len() < 3 {
                return Err("unterminated `s' command".to_string());
            }
            let flags = pieces[2];
            cmds.push(SedCmd::Subst { re: Regex::new(pieces[0], extended, flags.contains('I')), rep: pieces[1].to_string(), global: flags.contains('g'), print: flags.contains('p') });
        } else if let Some(rest) = part.strip_prefix('/') {
            let (pat, cmd) = rest.rsplit_once('/').ok_or("unmatched '/'")?;
            let re = Regex::new(pat, extended, false);
            match cmd.trim() {
                "d" => cmds.push(SedCmd::Delete(re)),
                "p" => cmds.push(SedCmd::Print(re)),
                other => return Err(format!("unknown command: `{other}'")),
            }
        } else {
            return Err(format!("unknown command: `{}'", part.chars().next().unwrap_or(' ')));
        }
    }
    Ok(cmds)
}

pub fn sed(args: &[String]) -> Option<Box<dyn Applet>> {
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let mut quiet = false;
    let mut in_place = false;
    let mut extended = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-e" => {
                scripts.extend(args.get(i + 1).cloned());
                i += 1;
            }
            "-n" => quiet = true,
            "-i" => in_place = true,
            "-E" | "-r" => extended = true,
            a if scripts.is_empty() && !a.starts_with('-') => scripts.push(a.to_string()),
            a => files.push(a.to_string()),
        }
        i += 1;
    }
    match parse_sed(&scripts.join(";"), extended) {
        Ok(cmds) => {
            let in_place_files = if in_place { std::mem::take(&mut files) } else { Vec::new() };
            filter("sed", files, Sed { cmds, quiet, in_place: in_place_files })
        }
        Err(e) => {
            let msg = format!("sed: -e expression #1, char 0: {e}\n");
            Some(Box::new(super::super::system::Fail { msg, code: 1 }))
        }
    }
}

impl Sed {
    fn apply(&self, line: &str) -> Option<String> {
        let mut text = line.to_string();
        let mut extra = String::new();
        for c in &self.cmds {
            match c {
                SedCmd::Delete(re) if re.is_match(&text) => return None,
                SedCmd::Print(re) if re.is_match(&text) => extra.push_str(&format!("{text}\n")),
                SedCmd::Subst { re, rep, global, print } => {
                    let chars: Vec<char> = text.chars().collect();
                    let mut out = String::new();
                    let mut pos = 0;
                    let mut did = false;
                    while pos <= chars.len() {
                        let Some((s, e)) = re.find(&chars[pos..]).map(|(s, e)| (s + pos, e + pos)) else { break };
                        out.extend(&chars[pos..s]);
                        let whole: String = chars[s..e].iter().collect();
                        out.push_str(&rep.replace('&', &whole).replace("\\n", "\n"));
                        did = true;
                        pos = if e == s { e + 1 } else { e };
                        if e == s && s < chars.len() {
                            out.push(chars[s]);
                        }
                        if !global {
                            break;
                        }
                    }
                    if did {
                        out.extend(chars.get(pos.min(chars.len())..).unwrap_or(&[]));
                        text = out;
                        if *print {
                            extra.push_str(&format!("{text}\n"));
                        }
                    }
                }
                _ => {}
            }
        }
        Some(format!("{extra}{}", if self.quiet { String::new() } else { format!("{text}\n") }))
    }
}

impl LineFilter for Sed {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if let Some(out) = self.apply(body) {
            return io.out(&out);
        }
        true
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        let mut status = 0;
        for f in std::mem::take(&mut self.in_place) {
            let path = io.path(&f);
            match io.ctx.fs.read_string(&path) {
                Ok(text) => {
                    let out: String = text.lines().filter_map(|l| self.apply(l)).collect();
                    let now = io.now_ms();
                    if let Err(e) = io.ctx.fs.write(&path, out.as_bytes(), now) {
                        io.err(&format!("sed: can't create '{f}': {e}\n"));
                        status = 4;
                    }
                }
                Err(e) => {
                    io.err(&format!("sed: {f}: {e}\n"));
                    status = 4;
                }
            }
        }
        status
    }
}

#[derive(Debug)]
struct Tr {
    from: Vec<char>,
    to: Vec<char>,
    delete: bool,
}

fn expand_set(s: &str) -> Vec<char> {
    let s = s.replace("[:lower:]", "a-z").replace("[:upper:]", "A-Z").replace("[:digit:]", "0-9").replace("[:space:]", " \t\n");
    let (s, _) = super::escapes(&s);
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if i + 2 < cs.len() && cs[i + 1] == '-' && cs[i] <= cs[i + 2] {
            out.extend(cs[i]..=cs[i + 2]);
            i += 3;
        } else {
            out.push(cs[i]);
            i += 1;
        }
    }
    out
}

pub fn tr(args: &[String]) -> Option<Box<dyn Applet>> {
    let delete = args.iter().any(|a| a == "-d");
    let sets: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let from = sets.first().map(|s| expand_set(s)).unwrap_or_default();
    let to = sets.get(1).map(|s| expand_set(s)).unwrap_or_default();
    Some(Box::new(Filter { prog: "tr", files: Vec::new(), inner: Tr { from, to, delete }, failed: false }))
}

impl LineFilter for Tr {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let out: String = line
            .chars()
            .filter_map(|c| match self.from.iter().position(|f| *f == c) {
                Some(_) if self.delete => None,
                Some(i) => Some(self.to.get(i).or(self.to.last()).copied().unwrap_or(c)),
                None => Some(c),
            })
            .collect();
        io.out(&out)
    }
    fn finish(&mut self, _io: &mut Io) -> i32 {
        0
    }
}


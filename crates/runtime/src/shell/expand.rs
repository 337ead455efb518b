//! Word expansion: parameters (`$x`, `${x:-d}`, `${#x}`, `${x%pat}`), already-computed
//! command substitutions, arithmetic, then field splitting of unquoted results and pathname
//! globbing against the container's filesystem. Quoting is tracked per character so only
//! unquoted `*`/`?` glob and only unquoted expansions split, as POSIX requires.

use super::arith;
use super::ast::*;
use crate::fs::{resolve_path, FsView};
use std::collections::BTreeMap;

/// A shell variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    pub exported: bool,
    /// Creation order: the environment a program sees keeps the order variables were set.
    pub order: u64,
}

pub type Vars = BTreeMap<String, Var>;

/// Insert or update a variable, keeping its creation order.
pub fn put_var(vars: &mut Vars, name: &str, value: String, exported: bool) {
    let order = match vars.get(name) {
        Some(v) => v.order,
        None => vars.values().map(|v| v.order + 1).max().unwrap_or(0),
    };
    vars.insert(name.to_string(), Var { value, exported, order });
}

/// Everything expansion reads.
pub struct Env<'x> {
    pub vars: &'x Vars,
    pub positional: &'x [String],
    pub arg0: &'x str,
    pub status: i32,
    pub pid: u32,
    pub last_bg: Option<u32>,
    pub substs: &'x [String],
    pub next_subst: usize,
    pub cwd: &'x str,
    /// `${x:=v}` assignments to apply after expansion.
    pub assigned: Vec<(String, String)>,
    /// `${x:?msg}` failures and arithmetic errors.
    pub error: Option<String>,
}

/// One character of a field with whether it may act as a glob metacharacter.
type QChar = (char, bool);

/// Count command substitutions in words (expansion consumes results in this order).
pub fn count_substs(words: &[&Word]) -> Vec<std::sync::Arc<List>> {
    fn walk(parts: &[Part], out: &mut Vec<std::sync::Arc<List>>) {
        for p in parts {
            match p {
                Part::Subst(l) => out.push(l.clone()),
                Part::Double(inner) | Part::Arith(inner) => walk(inner, out),
                Part::Param { word, .. } => walk(word, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for w in words {
        walk(w, &mut out);
    }
    out
}

impl<'x> Env<'x> {
    pub fn get(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "$" => Some(self.pid.to_string()),
            "#" => Some(self.positional.len().to_string()),
            "!" => self.last_bg.map(|p| p.to_string()),
            "-" => Some(String::new()),
            "0" => Some(self.arg0.to_string()),
            "@" | "*" => Some(self.positional.join(" ")),
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().ok()?;
                self.positional.get(i.wrapping_sub(1)).cloned()
            }
            n => self
                .assigned
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .or_else(|| self.vars.get(n).map(|v| v.value.clone())),
        }
    }

    /// Expand to fields (split + globbed). `fs` enables globbing.
    pub fn fields(&mut self, word: &Word, fs: Option<&FsView>) -> Vec<String> {
        let mut fields: Vec<Vec<QChar>> = Vec::new();
        let mut cur: Vec<QChar> = Vec::new();
        let mut have = false;
        self.parts_to_fields(word, false, &mut fields, &mut cur, &mut have);
        if have || !cur.is_empty() {
            fields.push(cur);
        }
        let mut out = Vec::new();
        for f in fields {
            let text: String = f.iter().map(|(c, _)| *c).collect();
            let globby = f.iter().any(|(c, g)| *g && matches!(c, '*' | '?' | '['));
            match fs.filter(|_| globby) {
                Some(fs) => {
                    let matches = glob(fs, self.cwd, &f);
                    if matches.is_empty() {
                        out.push(text);
                    } else {
                        out.extend(matches);
                    }
                }
                None => out.push(text),
            }
        }
        out
    }

    /// Expand without splitting or globbing (assignments, redirection targets, case words).
    pub fn string(&mut self, word: &Word) -> String {
        let mut s = String::new();
        for p in word {
            s.push_str(&self.part_text(p));
        }
        s
    }

    fn part_text(&mut self, p: &Part) -> String {
        match p {
            Part::Lit(t) | Part::Quoted(t) => t.clone(),
            Part::Double(inner) => inner.iter().map(|q| self.part_text(q)).collect(),
            _ => self.expansion(p),
        }
    }

    fn expansion(&mut self, p: &Part) -> String {
        match p {
            Part::Var(n) => self.get(n).unwrap_or_default(),
            Part::Param { name, op, word } => self.param(name, op, word),
            Part::Subst(_) => {
                let r = self.substs.get(self.next_subst).cloned().unwrap_or_default();
                self.next_subst += 1;
                r
            }
            Part::Arith(inner) => {
                let expr: String = inner.iter().map(|q| self.part_text(q)).collect();
                let vars = self.vars;
                match arith::eval(&expr, &|n| vars.get(n).map(|v| v.value.clone())) {
                    Ok(v) => v.to_string(),
                    Err(e) => {
                        self.error.get_or_insert(e);
                        String::new()
                    }
                }
            }
            other => self.part_text(other),
        }
    }

    fn param(&mut self, name: &str, op: &str, word: &Word) -> String {
        let val = self.get(name);
        let set_nonempty = val.as_ref().is_some_and(|v| !v.is_empty());
        match op {
            "#len" => val.unwrap_or_default().chars().count().to_string(),
            ":-" | "-" => {
                if set_nonempty || (op == "-" && val.is_some()) {
                    val.unwrap_or_default()
                } else {
                    self.string(word)
                }
            }
            ":=" | "=" => {
                if set_nonempty || (op == "=" && val.is_some()) {
                    val.unwrap_or_default()
                } else {
                    let v = self.string(word);
                    self.assigned.push((name.to_string(), v.clone()));
                    v
                }
            }
            ":+" | "+" => {
                if set_nonempty || (op == "+" && val.is_some()) {
                    self.string(word)
                } else {
                    String::new()
                }
            }
            ":?" | "?" => {
                if set_nonempty || (op == "?" && val.is_some()) {
                    val.unwrap_or_default()
                } else {
                    let msg = self.string(word);
                    let msg = if msg.is_empty() { "parameter not set".to_string() } else { msg };
                    self.error.get_or_insert(format!("{name}: {msg}"));
                    String::new()
                }
            }
            "#" | "##" | "%" | "%%" => {
                let v: Vec<char> = val.unwrap_or_default().chars().collect();
                let pat = self.pattern(word);
                strip(&v, &pat, op)
            }
            _ => val.unwrap_or_default(),
        }
    }

    /// A word as a pattern: quoted characters match literally.
    pub fn pattern(&mut self, word: &Word) -> Vec<QChar> {
        let mut out = Vec::new();
        for p in word {
            match p {
                Part::Lit(t) => out.extend(t.chars().map(|c| (c, true))),
                Part::Quoted(t) => out.extend(t.chars().map(|c| (c, false))),
                Part::Double(inner) => {
                    for q in inner {
                        out.extend(self.part_text(q).chars().map(|c| (c, false)));
                    }
                }
                other => {
                    let t = self.expansion(other);
                    out.extend(t.chars().map(|c| (c, true)));
                }
            }
        }
        out
    }

    fn parts_to_fields(&mut self, parts: &[Part], quoted: bool, fields: &mut Vec<Vec<QChar>>, cur: &mut Vec<QChar>, have: &mut bool) {
        for p in parts {
            match p {
                Part::Lit(t) => {
                    cur.extend(t.chars().map(|c| (c, !quoted)));
                    *have = true;
                }
                Part::Quoted(t) => {
                    cur.extend(t.chars().map(|c| (c, false)));
                    *have = true;
                }
                Part::Double(inner) => {
                    *have = true;
                    self.parts_to_fields(inner, true, fields, cur, have);
                }
                Part::Var(n) if n == "@" && quoted => {
                    let pos = self.positional.to_vec();
                    for (i, a) in pos.iter().enumerate() {
                        if i > 0 {
                            fields.push(std::mem::take(cur));
                        }
                        cur.extend(a.chars().map(|c| (c, false)));
                    }
                    if pos.is_empty() {
                        *have = false;
                    }
                }
                other => {
                    let text = self.expansion(other);
                    if quoted {
                        cur.extend(text.chars().map(|c| (c, false)));
                        continue;
                    }
                    split_into(&text, fields, cur, have);
                }
            }
        }
    }
}

/// IFS splitting of an unquoted expansion result into the fields being built.
fn split_into(text: &str, fields: &mut Vec<Vec<QChar>>, cur: &mut Vec<QChar>, have: &mut bool) {
    let mut pending_break = false;
    for c in text.chars() {
        if c == ' ' || c == '\t' || c == '\n' {
            if *have || !cur.is_empty() {
                pending_break = true;
            }
            continue;
        }
        if pending_break {
            fields.push(std::mem::take(cur));
            pending_break = false;
        }
        cur.push((c, true));
        *have = true;
    }
    if pending_break {
        fields.push(std::mem::take(cur));
        *have = false;
    }
}

/// `${v#pat}` family.
fn strip(v: &[char], pat: &[QChar], op: &str) -> String {
    let n = v.len();
    let s: String = match op {
        "#" => (0..=n).find(|&i| pat_match(pat, &v[..i])).map(|i| v[i..].iter().collect()),
        "##" => (0..=n).rev().find(|&i| pat_match(pat, &v[..i])).map(|i| v[i..].iter().collect()),
        "%" => (0..=n).rev().find(|&i| pat_match(pat, &v[i..])).map(|i| v[..i].iter().collect()),
        _ => (0..=n).find(|&i| pat_match(pat, &v[i..])).map(|i| v[..i].iter().collect()),
    }
    .unwrap_or_else(|| v.iter().collect());
    s
}

/// Shell pattern matching (`*`, `?`, `[a-z]`, `[!x]`), linear backtracking on the last `*`.
pub fn pat_match(pat: &[QChar], s: &[char]) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pat.len() {
            let (c, meta) = pat[p];
            if meta && c == '*' {
                star = Some((p, i));
                p += 1;
                continue;
            }
            if meta && c == '?' {
                p += 1;
                i += 1;
                continue;
            }
            if meta && c == '[' {
                if let Some((ok, len)) = class_match(&pat[p..], s[i]) {
                    if ok {
                        p += len;
                        i += 1;
                        continue;
                    }
                } else if s[i] == '[' {
                    p += 1;
                    i += 1;
                    continue;
                }
            } else if c == s[i] {
                p += 1;
                i += 1;
                continue;
            }
        }
        match star {
            Some((sp, si)) => {
                p = sp + 1;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return false,
        }
    }
    pat[p..].iter().all(|(c, m)| *m && *c == '*')
}

/// `[...]` at the start of `pat`: (matches, pattern length) or None if unterminated.
fn class_match(pat: &[QChar], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pat.get(1), Some(('!', _)) | Some(('^', _)));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < pat.len() {
        let (pc, _) = pat[i];
        if pc == ']' && !first {
            return Some((found != negate, i + 1));
        }
        first = false;
        if pat.get(i + 1).map(|x| x.0) == Some('-') && pat.get(i + 2).is_some_and(|x| x.0 != ']') {
            let hi = pat[i + 2].0;
            found |= pc <= c && c <= hi;
            i += 3;
        } else {
            found |= pc == c;
            i += 1;
        }
    }
    None
}

/// Pathname expansion of one field against the filesystem; sorted matches.
fn glob(fs: &FsView, cwd: &str, field: &[QChar]) -> Vec<String> {
    let absolute = field.first().is_some_and(|(c, _)| *c == '/');
    let comps: Vec<&[QChar]> = field.split(|(c, _)| *c == '/').filter(|c| !c.is_empty()).collect();
    let mut found: Vec<String> = vec![String::new()];
    for comp in comps {
        let literal = !comp.iter().any(|(c, g)| *g && matches!(c, '*' | '?' | '['));
        let mut next = Vec::new();
        for prefix in &found {
            let dir = if prefix.is_empty() { if absolute { "/".to_string() } else { cwd.to_string() } } else { resolve_path(cwd, prefix) };
            let join = |name: &str| {
                if prefix.is_empty() {
                    if absolute { format!("/{name}") } else { name.to_string() }
                } else {
                    format!("{prefix}/{name}")
                }
            };
            if literal {
                let name: String = comp.iter().map(|(c, _)| *c).collect();
                let cand = join(&name);
                if fs.exists(&resolve_path(cwd, &cand)) {
                    next.push(cand);
                }
                continue;
            }
            let Ok(entries) = fs.list(&dir) else { continue };
            for (name, _) in entries {
                let chars: Vec<char> = name.chars().collect();
                if name.starts_with('.') && comp.first().is_none_or(|(c, _)| *c != '.') {
                    continue;
                }
                if pat_match(comp, &chars) {
                    next.push(join(&name));
                }
            }
        }
        found = next;
        if found.is_empty() || found.len() > 10_000 {
            return Vec::new();
        }
    }
    found.sort();
    found
}

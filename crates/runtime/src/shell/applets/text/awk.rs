//! A small awk for the one-liners people type in containers: `awk -F: '{print $1, $NF}'`,
//! `awk '/error/ {print $2}'`, `awk 'NR==2'`, `awk 'END {print NR}'`. Programs outside this
//! subset get awk's syntax-error message instead of a wrong answer.

use super::super::{Applet, Filter, LineFilter};
use super::super::system::Fail;
use crate::shell::io::Io;
use crate::shell::regex::Regex;

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Field(usize),
    LastField,
    Nr,
    Nf,
    Str(String),
}

#[derive(Debug)]
enum Pattern {
    All,
    Re(Regex),
    NrCmp(String, u64),
    End,
}

#[derive(Debug)]
struct Rule {
    pattern: Pattern,
    /// Groups separated by ',' (joined with a space); items inside a group concatenate.
    print: Option<Vec<Vec<Item>>>,
}

#[derive(Debug)]
pub struct Awk {
    sep: Option<String>,
    rules: Vec<Rule>,
    nr: u64,
}

fn parse_items(src: &str) -> Option<Vec<Vec<Item>>> {
    let mut groups = vec![Vec::new()];
    let cs: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            ' ' | '\t' => i += 1,
            ',' => {
                groups.push(Vec::new());
                i += 1;
            }
            '"' => {
                let end = (i + 1..cs.len()).find(|&j| cs[j] == '"')?;
                let (text, _) = super::escapes(&cs[i + 1..end].iter().collect::<String>());
                groups.last_mut()?.push(Item::Str(text));
                i = end + 1;
            }
            '$' => {
                let rest: String = cs[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric()).collect();
                let item = if rest == "NF" { Item::LastField } else { Item::Field(rest.parse().ok()?) };
                groups.last_mut()?.push(item);
                i += 1 + rest.len();
            }
            _ => {
                let word: String = cs[i..].iter().take_while(|c| c.is_ascii_alphanumeric()).collect();
                let item = match word.as_str() {
                    "NR" => Item::Nr,
                    "NF" => Item::Nf,
                    _ => return None,
                };
                groups.last_mut()?.push(item);
                i += word.len();
            }
        }
    }
    Some(groups)
}

fn parse_rule(src: &str) -> Option<Rule> {
    let src = src.trim();
    let (pat, action) = match src.find('{') {
        Some(i) => (src[..i].trim(), Some(src[i + 1..].trim().strip_suffix('}')?.trim())),
        None => (src, None),
    };
    let pattern = if pat.is_empty() {
        Pattern::All
    } else if pat == "END" {
        Pattern::End
    } else if let Some(re) = pat.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
        Pattern::Re(Regex::new(re, true, false))
    } else if let Some(rest) = pat.strip_prefix("NR") {
        let op: String = rest.chars().take_while(|c| "=<>!".contains(*c)).collect();
        let n = rest[op.len()..].trim().parse().ok()?;
        Pattern::NrCmp(op, n)
    } else {
        return None;
    };
    let print = match action {
        None => None,
        Some(a) => {
            let body = a.trim_end_matches(';').trim();
            let args = body.strip_prefix("print")?;
            Some(if args.trim().is_empty() { vec![vec![Item::Field(0)]] } else { parse_items(args)? })
        }
    };
    Some(Rule { pattern, print })
}

pub fn awk(args: &[String]) -> Option<Box<dyn Applet>> {
    let mut sep = None;
    let mut prog = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-F" {
            sep = args.get(i + 1).cloned();
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix("-F") {
            sep = Some(s.to_string());
        } else if prog.is_none() {
            prog = Some(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let prog = prog.unwrap_or_default();
    let rules: Option<Vec<Rule>> = split_rules(&prog).iter().map(|r| parse_rule(r)).collect();
    match rules {
        Some(rules) if !rules.is_empty() => Some(Box::new(Filter { prog: "awk", files, inner: Awk { sep, rules, nr: 0 }, failed: false })),
        _ => Some(Box::new(Fail { msg: format!("awk: cmd. line:1: {prog}\nawk: cmd. line:1: syntax error\n"), code: 2 })),
    }
}

/// Rules are `pattern {action}` units; split after each closing brace.
fn split_rules(prog: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in prog.chars() {
        cur.push(c);
        if c == '}' {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

impl Awk {
    fn render(&self, groups: &[Vec<Item>], line: &str, fields: &[&str]) -> String {
        let one = |it: &Item| match it {
            Item::Field(0) => line.to_string(),
            Item::Field(n) => fields.get(n - 1).map(|s| s.to_string()).unwrap_or_default(),
            Item::LastField => fields.last().map(|s| s.to_string()).unwrap_or_default(),
            Item::Nr => self.nr.to_string(),
            Item::Nf => fields.len().to_string(),
            Item::Str(s) => s.clone(),
        };
        groups.iter().map(|g| g.iter().map(one).collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

impl LineFilter for Awk {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        self.nr += 1;
        let line = line.strip_suffix('\n').unwrap_or(line);
        let fields: Vec<&str> = match &self.sep {
            Some(s) if !s.is_empty() && s != " " => line.split(s.as_str()).collect(),
            _ => line.split_whitespace().collect(),
        };
        let mut out = String::new();
        for r in &self.rules {
            let hit = match &r.pattern {
                Pattern::All => true,
                Pattern::End => false,
                Pattern::Re(re) => re.is_match(line),
                Pattern::NrCmp(op, n) => match op.as_str() {
                    "==" => self.nr == *n,
                    "!=" => self.nr != *n,
                    ">" => self.nr > *n,
                    ">=" => self.nr >= *n,
                    "<" => self.nr < *n,
                    "<=" => self.nr <= *n,
                    _ => false,
                },
            };
            if hit {
                let text = match &r.print {
                    Some(g) => self.render(g, line, &fields),
                    None => line.to_string(),
                };
                out.push_str(&text);
                out.push('\n');
            }
        }
        io.out(&out)
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        let mut out = String::new();
        for r in &self.rules {
            if let (Pattern::End, Some(g)) = (&r.pattern, &r.print) {
                out.push_str(&self.render(g, "", &[]));
                out.push('\n');
            }
        }
        io.out(&out);
        0
    }
}

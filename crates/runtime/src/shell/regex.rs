//! A small backtracking regular-expression matcher for grep and sed: `^ $ . * + ? [...]`,
//! `\|`/`|` alternation (ERE), escapes. Matching work is bounded by a step counter so a
//! pathological pattern cannot hang the tab: it simply stops matching.

#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
}

#[derive(Clone, Debug, PartialEq)]
enum Rep {
    One,
    Star,
    Plus,
    Opt,
}

#[derive(Clone, Debug)]
pub struct Regex {
    alts: Vec<Vec<(Atom, Rep)>>,
    icase: bool,
}

const MAX_STEPS: u32 = 200_000;

impl Regex {
    /// Compile a BRE (`extended` = ERE: `+ ? |` are operators without backslash).
    pub fn new(pat: &str, extended: bool, icase: bool) -> Regex {
        let cs: Vec<char> = pat.chars().collect();
        let mut alts = vec![Vec::new()];
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            let cur = alts.last_mut().expect("non-empty");
            let atom = match c {
                '\\' if i + 1 < cs.len() => {
                    i += 1;
                    match cs[i] {
                        '|' if !extended => {
                            alts.push(Vec::new());
                            i += 1;
                            continue;
                        }
                        '+' | '?' if !extended => {
                            apply_rep(cur, if cs[i] == '+' { Rep::Plus } else { Rep::Opt });
                            i += 1;
                            continue;
                        }
                        'd' => Atom::Class(vec![('0', '9')], false),
                        's' => Atom::Class(vec![(' ', ' '), ('\t', '\t')], false),
                        'w' => Atom::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
                        'n' => Atom::Char('\n'),
                        't' => Atom::Char('\t'),
                        other => Atom::Char(other),
                    }
                }
                '|' if extended => {
                    alts.push(Vec::new());
                    i += 1;
                    continue;
                }
                '^' if cur.is_empty() => Atom::Start,
                '$' if i + 1 == cs.len() || (extended && cs.get(i + 1) == Some(&'|')) => Atom::End,
                '.' => Atom::Any,
                '*' if !cur.is_empty() => {
                    apply_rep(cur, Rep::Star);
                    i += 1;
                    continue;
                }
                '+' | '?' if extended && !cur.is_empty() => {
                    apply_rep(cur, if c == '+' { Rep::Plus } else { Rep::Opt });
                    i += 1;
                    continue;
                }
                '(' | ')' if extended => {
                    i += 1;
                    continue;
                }
                '[' => {
                    let (atom, next) = class(&cs, i);
                    i = next;
                    cur.push((atom, Rep::One));
                    continue;
                }
                other => Atom::Char(other),
            };
            cur.push((atom, Rep::One));
            i += 1;
        }
        Regex { alts, icase }
    }

    /// First match in `s`: (start, end) in chars.
    pub fn find(&self, s: &[char]) -> Option<(usize, usize)> {
        let mut steps = 0u32;
        for start in 0..=s.len() {
            for alt in &self.alts {
                if let Some(end) = self.m(alt, s, start, &mut steps) {
                    return Some((start, end));
                }
            }
            if steps > MAX_STEPS {
                return None;
            }
        }
        None
    }

    pub fn is_match(&self, s: &str) -> bool {
        let cs: Vec<char> = s.chars().collect();
        self.find(&cs).is_some()
    }

    fn eq(&self, a: char, b: char) -> bool {
        if self.icase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    }

    fn one(&self, atom: &Atom, c: char) -> bool {
        match atom {
            Atom::Char(x) => self.eq(*x, c),
            Atom::Any => true,
            Atom::Class(ranges, neg) => {
                let hit = ranges.iter().any(|(lo, hi)| {
                    (*lo <= c && c <= *hi) || (self.icase && *lo <= c.to_ascii_lowercase() && c.to_ascii_lowercase() <= *hi)
                });
                hit != *neg
            }
            _ => false,
        }
    }

    fn m(&self, pat: &[(Atom, Rep)], s: &[char], i: usize, steps: &mut u32) -> Option<usize> {
        *steps += 1;
        if *steps > MAX_STEPS {
            return None;
        }
        let Some(((atom, rep), rest)) = pat.split_first() else { return Some(i) };
        match atom {
            Atom::Start => return if i == 0 { self.m(rest, s, i, steps) } else { None },
            Atom::End => return if i == s.len() { self.m(rest, s, i, steps) } else { None },
            _ => {}
        }
        let (min, max) = match rep {
            Rep::One => (1, 1),
            Rep::Star => (0, usize::MAX),
            Rep::Plus => (1, usize::MAX),
            Rep::Opt => (0, 1),
        };
        let mut n = 0;
        while n < max && i + n < s.len() && self.one(atom, s[i + n]) {
            n += 1;
        }
        if n < min {
            return None;
        }
        loop {
            if let Some(e) = self.m(rest, s, i + n, steps) {
                return Some(e);
            }
            if n == min {
                return None;
            }
            n -= 1;
        }
    }
}

fn apply_rep(cur: &mut [(Atom, Rep)], rep: Rep) {
    if let Some(last) = cur.last_mut() {
        last.1 = rep;
    }
}

fn class(cs: &[char], start: usize) -> (Atom, usize) {
    let mut i = start + 1;
    let neg = cs.get(i) == Some(&'^');
    if neg {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    while i < cs.len() && (cs[i] != ']' || first) {
        first = false;
        if cs[i] == '[' && cs.get(i + 1) == Some(&':') {
            if let Some(end) = (i + 2..cs.len().saturating_sub(1)).find(|&j| cs[j] == ':' && cs[j + 1] == ']') {
                let name: String = cs[i + 2..end].iter().collect();
                ranges.extend(match name.as_str() {
                    "digit" => vec![('0', '9')],
                    "alpha" => vec![('a', 'z'), ('A', 'Z')],
                    "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
                    "upper" => vec![('A', 'Z')],
                    "lower" => vec![('a', 'z')],
                    "space" => vec![(' ', ' '), ('\t', '\t'), ('\n', '\n')],
                    _ => vec![],
                });
                i = end + 2;
                continue;
            }
        }
        if cs.get(i + 1) == Some(&'-') && cs.get(i + 2).is_some_and(|c| *c != ']') {
            ranges.push((cs[i], cs[i + 2]));
            i += 3;
        } else {
            ranges.push((cs[i], cs[i]));
            i += 1;
        }
    }
    (Atom::Class(ranges, neg), (i + 1).min(cs.len().max(i + 1)))
}

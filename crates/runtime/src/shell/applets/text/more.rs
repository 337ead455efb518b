//! The larger text applets: `tail` (including `-f`, which polls the file once a simulated
//! second like busybox and prints what was appended), grep, sort, uniq, tee, seq and yes.

use super::super::{open_error, Applet, LineFilter, Poll};
use super::{count_opt, filter, one, usage};
use crate::shell::io::Io;
use crate::shell::regex::Regex;

/// busybox tail -f re-reads the file once per second.
const TAIL_POLL_MS: u64 = 1000;

#[derive(Debug)]
pub struct Tail {
    n: i64,
    from_start: bool,
    files: Vec<String>,
    follow: bool,
    offsets: Vec<Option<usize>>,
    buf: Vec<String>,
    started: bool,
    /// Next time `-f` looks at the files (polls early return without reading).
    next_poll_ms: u64,
}

pub fn tail(args: &[String]) -> Option<Box<dyn Applet>> {
    let follow = args.iter().any(|a| a.starts_with('-') && !a.starts_with("-n") && (a.contains('f') || a.contains('F')));
    let from_start = args.iter().any(|a| a.starts_with('+') || a.starts_with("-n+")) || args.windows(2).any(|w| w[0] == "-n" && w[1].starts_with('+'));
    let rest: Vec<String> = args.iter().filter(|a| !(a.starts_with('-') && (a.contains('f') || a.contains('F')) && !a.starts_with("-n"))).cloned().collect();
    let (n, files) = count_opt(&rest, 10);
    Some(Box::new(Tail { n, from_start, offsets: vec![None; files.len()], files, follow, buf: Vec::new(), started: false, next_poll_ms: 0 }))
}

impl Tail {
    fn last_lines(&self, text: &str) -> String {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let skip = if self.from_start {
            (self.n.max(1) - 1) as usize
        } else {
            lines.len().saturating_sub(self.n.max(0) as usize)
        };
        lines[skip.min(lines.len())..].concat()
    }
}

impl Applet for Tail {
    fn poll(&mut self, io: &mut Io) -> Poll {
        if self.files.is_empty() {
            // stdin: collect to EOF, then print the last lines.
            loop {
                match io.read() {
                    crate::shell::io::Input::Data(d) => self.buf.push(d),
                    crate::shell::io::Input::Pending => return Poll::Wait,
                    crate::shell::io::Input::Eof => {
                        let text = self.last_lines(&self.buf.concat());
                        io.out(&text);
                        return Poll::Done(0);
                    }
                }
            }
        }
        if self.started && io.now_ms() < self.next_poll_ms {
            return Poll::Sleep(self.next_poll_ms);
        }
        let mut any_ok = false;
        let multi = self.files.len() > 1;
        for (i, f) in self.files.clone().iter().enumerate() {
            let path = io.path(f);
            match (io.ctx.fs.read(&path), self.offsets[i]) {
                (Ok(data), None) => {
                    any_ok = true;
                    let text = String::from_utf8_lossy(&data).into_owned();
                    if multi {
                        io.out(&format!("{}==> {f} <==\n", if i > 0 { "\n" } else { "" }));
                    }
                    let out = self.last_lines(&text);
                    io.out(&out);
                    self.offsets[i] = Some(data.len());
                }
                (Ok(data), Some(off)) => {
                    any_ok = true;
                    if data.len() < off {
                        io.err(&format!("tail: {f}: file truncated\n"));
                        self.offsets[i] = Some(0);
                    } else if data.len() > off {
                        io.out(&String::from_utf8_lossy(&data[off..]));
                        self.offsets[i] = Some(data.len());
                    }
                }
                (Err(e), None) if !self.started => io.err(&open_error("tail", f, &e.to_string())),
                (Err(_), _) => {}
            }
        }
        self.started = true;
        if !self.follow {
            return Poll::Done(if any_ok { 0 } else { 1 });
        }
        if !any_ok && self.offsets.iter().all(Option::is_none) {
            return Poll::Done(1);
        }
        self.next_poll_ms = io.now_ms() + TAIL_POLL_MS;
        Poll::Sleep(self.next_poll_ms)
    }
}

#[derive(Debug)]
struct Grep {
    re: Regex,
    invert: bool,
    count: bool,
    number: bool,
    quiet: bool,
    only: bool,
    list: bool,
    fixed: Option<String>,
    icase: bool,
    matched: u64,
    line_no: u64,
    label: Option<String>,
}

pub fn grep(args: &[String], egrep: bool) -> Option<Box<dyn Applet>> {
    let mut flags = String::new();
    let mut pats = Vec::new();
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-e" {
            pats.extend(args.get(i + 1).cloned());
            i += 2;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 && pats.is_empty() && files.is_empty() {
            flags.push_str(&a[1..]);
        } else if pats.is_empty() {
            pats.push(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(pat) = pats.first().cloned() else {
        return one("grep", args, |_, io| usage(io, "grep").max(2));
    };
    let icase = flags.contains('i');
    let re = Regex::new(&pats.join("\\|"), egrep || flags.contains('E'), icase);
    let label = if files.len() > 1 { Some(String::new()) } else { None };
    let g = Grep {
        re,
        invert: flags.contains('v'),
        count: flags.contains('c'),
        number: flags.contains('n'),
        quiet: flags.contains('q'),
        only: flags.contains('o'),
        list: flags.contains('l'),
        fixed: flags.contains('F').then_some(pat),
        icase,
        matched: 0,
        line_no: 0,
        label,
    };
    filter("grep", files, g)
}

impl LineFilter for Grep {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        self.line_no += 1;
        let body = line.strip_suffix('\n').unwrap_or(line);
        let chars: Vec<char> = body.chars().collect();
        let found = match &self.fixed {
            Some(f) if self.icase => body.to_lowercase().find(&f.to_lowercase()).map(|s| (s, s + f.len())),
            Some(f) => body.find(f.as_str()).map(|s| (s, s + f.len())),
            None => self.re.find(&chars).map(|(s, e)| {
                let bs = chars[..s].iter().collect::<String>().len();
                let be = chars[..e].iter().collect::<String>().len();
                (bs, be)
            }),
        };
        if found.is_some() == self.invert {
            return true;
        }
        self.matched += 1;
        if self.quiet {
            return false;
        }
        if self.count || self.list {
            return true;
        }
        let prefix = if self.number { format!("{}:", self.line_no) } else { String::new() };
        let text = match (self.only, found) {
            (true, Some((s, e))) => body[s..e].to_string(),
            _ => body.to_string(),
        };
        let _ = &self.label;
        io.out(&format!("{prefix}{text}\n"))
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        if self.count {
            io.out(&format!("{}\n", self.matched));
        } else if self.list && self.matched > 0 {
            io.out("(standard input)\n");
        }
        if self.matched > 0 {
            0
        } else {
            1
        }
    }
}

#[derive(Debug)]
pub struct Sort {
    pub flags: String,
    pub lines: Vec<String>,
}

impl LineFilter for Sort {
    fn line(&mut self, _io: &mut Io, line: &str) -> bool {
        self.lines.push(line.strip_suffix('\n').unwrap_or(line).to_string());
        self.lines.len() < 1_000_000
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        if self.flags.contains('n') {
            self.lines.sort_by_key(|l| l.trim().split(|c: char| !c.is_ascii_digit() && c != '-').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
        } else {
            self.lines.sort();
        }
        if self.flags.contains('r') {
            self.lines.reverse();
        }
        if self.flags.contains('u') {
            self.lines.dedup();
        }
        let out: String = self.lines.iter().map(|l| format!("{l}\n")).collect();
        io.out(&out);
        0
    }
}

#[derive(Debug)]
pub struct Uniq {
    pub count: bool,
    pub last: Option<String>,
    pub n: u64,
}

impl Uniq {
    fn flush(&mut self, io: &mut Io) {
        if let Some(l) = self.last.take() {
            if self.count {
                io.out(&format!("{:>7} {l}\n", self.n));
            } else {
                io.out(&format!("{l}\n"));
            }
        }
    }
}

impl LineFilter for Uniq {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let l = line.strip_suffix('\n').unwrap_or(line).to_string();
        if self.last.as_ref() == Some(&l) {
            self.n += 1;
        } else {
            self.flush(io);
            self.last = Some(l);
            self.n = 1;
        }
        true
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        self.flush(io);
        0
    }
}

#[derive(Debug)]
pub struct Tee {
    pub files: Vec<String>,
    pub append: bool,
    pub opened: bool,
}

impl LineFilter for Tee {
    fn line(&mut self, io: &mut Io, line: &str) -> bool {
        let now = io.now_ms();
        for f in &self.files {
            let path = io.path(f);
            let r = if !self.opened && !self.append { io.ctx.fs.write(&path, line.as_bytes(), now) } else { io.ctx.fs.append(&path, line.as_bytes(), now) };
            if let Err(e) = r {
                io.err(&format!("tee: {f}: {e}\n"));
            }
        }
        self.opened = true;
        io.out(line)
    }
    fn finish(&mut self, io: &mut Io) -> i32 {
        if !self.opened && !self.append {
            let now = io.now_ms();
            for f in &self.files {
                let path = io.path(f);
                let _ = io.ctx.fs.write(&path, b"", now);
            }
        }
        0
    }
}

pub fn seq(args: &[String], io: &mut Io) -> i32 {
    let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if nums.len() != args.len() || nums.is_empty() {
        return usage(io, "seq");
    }
    let (first, step, last) = match nums[..] {
        [l] => (1, 1, l),
        [f, l] => (f, 1, l),
        [f, s, l, ..] => (f, s, l),
        _ => return 1,
    };
    if step == 0 {
        return 1;
    }
    let mut out = String::new();
    let mut v = first;
    // Bounded: a million lines at most per seq.
    for _ in 0..1_000_000 {
        if (step > 0 && v > last) || (step < 0 && v < last) {
            break;
        }
        out.push_str(&format!("{v}\n"));
        let Some(next) = v.checked_add(step) else { break };
        v = next;
    }
    io.out(&out);
    0
}

/// `yes`: a line per call until the pipe reader goes away (then SIGPIPE, 141).
#[derive(Debug)]
pub struct Yes {
    pub text: String,
}

impl Applet for Yes {
    fn poll(&mut self, io: &mut Io) -> Poll {
        for _ in 0..64 {
            if io.stdout_full() {
                return Poll::Wait;
            }
            if !io.out(&format!("{}\n", self.text)) {
                return Poll::Done(141);
            }
        }
        Poll::Yield
    }
}

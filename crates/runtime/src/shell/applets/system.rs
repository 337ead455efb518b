//! System applets: sleep (simulated time, `infinity`), date, env/printenv, hostname, id,
//! whoami, pwd, true/false, test/[, read, which, ps, uname, kill — the ones whose output
//! comes from the process's identity, environment and clock rather than from files.

use super::{Applet, OneShot, Poll};
use crate::clock::{date_default, strftime};
use crate::shell::io::{Input, Io};
use crate::shell::Flavor;

pub const NAMES: &[&str] = &[
    "sleep", "date", "env", "printenv", "hostname", "id", "whoami", "pwd", "true", "false", "test", "[", "read", "which", "ps", "uname", "kill",
    "usleep", "expr",
];

fn one(name: &'static str, args: &[String], f: fn(&[String], &mut Io) -> i32) -> Option<Box<dyn Applet>> {
    Some(Box::new(OneShot { name, args: args.to_vec(), f }))
}

pub fn create(name: &str, args: &[String], _flavor: Flavor) -> Option<Box<dyn Applet>> {
    match name {
        "sleep" => Some(Box::new(Sleep { args: args.to_vec(), until_ms: None })),
        "usleep" => Some(Box::new(Sleep { args: vec![format!("0.{:0>6}", args.first().cloned().unwrap_or_default())], until_ms: None })),
        "date" => one("date", args, date),
        "env" | "printenv" => one(if name == "env" { "env" } else { "printenv" }, args, env),
        "hostname" => one("hostname", args, hostname),
        "id" => one("id", args, |a, io| {
            let out = match a.first().map(String::as_str) {
                Some("-u") | Some("-g") => "0\n",
                Some("-un") | Some("-gn") => "root\n",
                _ => "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n",
            };
            io.out(out);
            0
        }),
        "whoami" => one("whoami", args, |_, io| {
            io.out("root\n");
            0
        }),
        "pwd" => one("pwd", args, |_, io| {
            let cwd = format!("{}\n", io.cwd);
            io.out(&cwd);
            0
        }),
        "true" | ":" => one("true", args, |_, _| 0),
        "false" => one("false", args, |_, _| 1),
        "test" => one("test", args, |a, io| test(a, io, false)),
        "[" => one("[", args, |a, io| test(a, io, true)),
        "[[" => one("[[", args, |a, io| {
            let mut v = a.to_vec();
            if v.last().is_some_and(|l| l == "]]") {
                v.pop();
            }
            test(&v, io, false)
        }),
        "read" => Some(Box::new(Read { args: args.to_vec(), buf: String::new(), assigns: Vec::new() })),
        "which" => one("which", args, which),
        "ps" => one("ps", args, ps),
        "uname" => one("uname", args, uname),
        "kill" => one("kill", args, kill),
        "expr" => one("expr", args, expr),
        _ => None,
    }
}

/// An applet that only prints an error (bad usage detected while parsing options).
#[derive(Debug)]
pub struct Fail {
    pub msg: String,
    pub code: i32,
}

impl Applet for Fail {
    fn poll(&mut self, io: &mut Io) -> Poll {
        io.err(&self.msg);
        Poll::Done(self.code)
    }
}

/// Parse `5`, `0.5`, `2m`, `1h`, `infinity` into milliseconds (no floats).
pub fn duration_ms(s: &str) -> Option<u64> {
    if s == "inf" || s == "infinity" {
        return Some(u64::MAX / 4);
    }
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1000u64),
        'm' => (&s[..s.len() - 1], 60_000),
        'h' => (&s[..s.len() - 1], 3_600_000),
        'd' => (&s[..s.len() - 1], 86_400_000),
        _ => (s, 1000),
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut frac_ms = 0u64;
    let mut scale = mult / 10;
    for c in frac.chars() {
        let d = u64::from(c.to_digit(10)?);
        frac_ms += d * scale;
        scale /= 10;
    }
    int.checked_mul(mult)?.checked_add(frac_ms)
}

#[derive(Debug)]
struct Sleep {
    args: Vec<String>,
    until_ms: Option<u64>,
}

impl Applet for Sleep {
    fn poll(&mut self, io: &mut Io) -> Poll {
        let until = match self.until_ms {
            Some(u) => u,
            None => {
                if self.args.is_empty() {
                    io.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n");
                    return Poll::Done(1);
                }
                let mut total = 0u64;
                for a in &self.args {
                    match duration_ms(a) {
                        Some(ms) => total = total.saturating_add(ms),
                        None => {
                            io.err(&format!("sleep: invalid number '{a}'\n"));
                            return Poll::Done(1);
                        }
                    }
                }
                let u = io.now_ms().saturating_add(total);
                self.until_ms = Some(u);
                u
            }
        };
        if io.now_ms() >= until {
            Poll::Done(0)
        } else {
            Poll::Sleep(until)
        }
    }
}

fn date(args: &[String], io: &mut Io) -> i32 {
    let now = io.now_ms();
    for a in args {
        if let Some(fmt) = a.strip_prefix('+') {
            io.out(&format!("{}\n", strftime(fmt, now)));
            return 0;
        }
        match a.as_str() {
            "-u" | "--utc" => {}
            "-I" | "--iso-8601" => {
                io.out(&format!("{}\n", strftime("%Y-%m-%d", now)));
                return 0;
            }
            "-R" => {
                io.out(&format!("{}\n", strftime("%a, %d %b %Y %H:%M:%S +0000", now)));
                return 0;
            }
            other => {
                io.err(&format!("date: invalid date '{other}'\n"));
                return 1;
            }
        }
    }
    io.out(&format!("{}\n", date_default(now)));
    0
}

fn env(args: &[String], io: &mut Io) -> i32 {
    let vars: Vec<(String, String)> = io.env.to_vec();
    if let Some(name) = args.iter().find(|a| !a.starts_with('-')) {
        return match vars.iter().rev().find(|(k, _)| k == name) {
            Some((_, v)) => {
                io.out(&format!("{v}\n"));
                0
            }
            None => 1,
        };
    }
    let out: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    io.out(&out);
    0
}

fn hostname(args: &[String], io: &mut Io) -> i32 {
    if args.iter().any(|a| a == "-i") {
        let ip = io.ctx.net.pod_ip();
        io.out(&format!("{ip}\n"));
        return 0;
    }
    let name = io
        .ctx
        .fs
        .read_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| io.getenv("HOSTNAME").map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    io.out(&format!("{name}\n"));
    0
}

fn which(args: &[String], io: &mut Io) -> i32 {
    let env = io.env.to_vec();
    let mut status = 0;
    for a in args {
        match crate::process::resolve_executable(&io.ctx.fs, &env, io.cwd, a) {
            Ok((p, _)) => {
                io.out(&format!("{p}\n"));
            }
            Err(_) => status = 1,
        }
    }
    status
}

/// busybox ps: PID 1 (this process, or the container's main one for an exec session), the
/// calling shell and ps itself.
fn ps(_args: &[String], io: &mut Io) -> i32 {
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let row = |pid: u32, cmd: &str| format!("{pid:>5} root      0:00 {cmd}\n");
    if io.st.pid1 {
        out.push_str(&row(1, &io.st.cmdline));
        if io.st.cmdline.split_whitespace().next() != Some("ps") {
            out.push_str(&row(7, "ps"));
        }
    } else {
        if !io.st.pid1_cmdline.is_empty() {
            out.push_str(&row(1, &io.st.pid1_cmdline));
        }
        out.push_str(&row(io.st.pid, &io.st.cmdline));
        out.push_str(&row(io.st.pid + 6, "ps"));
    }
    io.out(&out);
    0
}

fn uname(args: &[String], io: &mut Io) -> i32 {
    let host = io.ctx.fs.read_string("/etc/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "localhost".into());
    let out = match args.first().map(String::as_str) {
        Some("-a") => format!("Linux {host} 6.1.0-27-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01) x86_64 GNU/Linux\n"),
        Some("-r") => "6.1.0-27-amd64\n".to_string(),
        Some("-m") => "x86_64\n".to_string(),
        Some("-n") => format!("{host}\n"),
        _ => "Linux\n".to_string(),
    };
    io.out(&out);
    0
}

/// `kill` of a pid outside this shell: only PID 1 and the shell itself exist here.
fn kill(args: &[String], io: &mut Io) -> i32 {
    if args.first().is_some_and(|a| a == "-l") {
        io.out("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM\n");
        return 0;
    }
    let mut sig = crate::process::Signal::Term;
    let mut status = 0;
    let mut pids = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-s" {
            sig = args.get(i + 1).and_then(|s| crate::process::Signal::from_name(s)).unwrap_or(sig);
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix('-') {
            match crate::process::Signal::from_name(s) {
                Some(x) => sig = x,
                None => {
                    io.err(&format!("kill: bad signal name '{s}'\n"));
                    return 1;
                }
            }
        } else {
            pids.push(a.clone());
        }
        i += 1;
    }
    for p in pids {
        match p.parse::<u32>() {
            Ok(1) if io.st.pid1 => io.st.self_signals.push(sig),
            Ok(1) => io.st.pid1_signals.push(sig),
            Ok(n) if n == io.st.pid => io.st.self_signals.push(sig),
            Ok(n) => {
                io.err(&format!("kill: can't kill pid {n}: No such process\n"));
                status = 1;
            }
            Err(_) => {
                io.err(&format!("kill: bad pid '{p}'\n"));
                status = 1;
            }
        }
    }
    status
}

fn test(args: &[String], io: &mut Io, bracket: bool) -> i32 {
    let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
    if bracket {
        if a.last() != Some(&"]") {
            io.err("[: missing ]\n");
            return 2;
        }
        a.pop();
    }
    match eval_or(&a, io) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            io.err(&format!("sh: {msg}\n"));
            2
        }
    }
}

fn eval_or(a: &[&str], io: &mut Io) -> Result<bool, String> {
    if let Some(i) = a.iter().position(|x| *x == "-o") {
        return Ok(eval_or(&a[..i], io)? || eval_or(&a[i + 1..], io)?);
    }
    if let Some(i) = a.iter().position(|x| *x == "-a") {
        if i > 0 && i + 1 < a.len() {
            return Ok(eval_or(&a[..i], io)? && eval_or(&a[i + 1..], io)?);
        }
    }
    eval_prim(a, io)
}

fn num(s: &str) -> Result<i64, String> {
    s.trim().parse::<i64>().map_err(|_| format!("{s}: bad number"))
}

fn eval_prim(a: &[&str], io: &mut Io) -> Result<bool, String> {
    match a {
        [] => Ok(false),
        ["!", rest @ ..] => Ok(!eval_prim(rest, io)?),
        ["(", inner @ .., ")"] => eval_or(inner, io),
        [s] => Ok(!s.is_empty()),
        [op, x] => {
            let path = io.path(x);
            let meta = io.ctx.fs.stat(&path).ok();
            Ok(match *op {
                "-n" => !x.is_empty(),
                "-z" => x.is_empty(),
                "-e" | "-a" => meta.is_some(),
                "-f" => meta.is_some_and(|m| !m.is_dir),
                "-d" => meta.is_some_and(|m| m.is_dir),
                "-s" => meta.is_some_and(|m| m.size_bytes > 0),
                "-r" | "-w" => meta.is_some(),
                "-x" => meta.is_some_and(|m| m.mode & 0o111 != 0),
                "-L" | "-h" | "-p" | "-S" | "-b" | "-c" => false,
                "-t" => io.st.tty,
                _ => return Err(format!("{op}: unknown operand")),
            })
        }
        [x, op, y] => Ok(match *op {
            "=" | "==" => x == y,
            "!=" => x != y,
            "<" => x < y,
            ">" => x > y,
            "-eq" => num(x)? == num(y)?,
            "-ne" => num(x)? != num(y)?,
            "-lt" => num(x)? < num(y)?,
            "-le" => num(x)? <= num(y)?,
            "-gt" => num(x)? > num(y)?,
            "-ge" => num(x)? >= num(y)?,
            _ => return Err("syntax error".to_string()),
        }),
        _ => Err("syntax error".to_string()),
    }
}

/// `read [-r] [-p PROMPT] [-t SECS] NAME...`
#[derive(Debug)]
struct Read {
    args: Vec<String>,
    buf: String,
    assigns: Vec<(String, String)>,
}

impl Applet for Read {
    fn poll(&mut self, io: &mut Io) -> Poll {
        let mut names = Vec::new();
        let mut raw = false;
        let mut i = 0;
        while i < self.args.len() {
            match self.args[i].as_str() {
                "-r" => raw = true,
                "-p" | "-t" | "-n" | "-u" => {
                    if self.args[i] == "-p" && self.buf.is_empty() {
                        let p = self.args.get(i + 1).cloned().unwrap_or_default();
                        io.err(&p);
                    }
                    i += 1;
                }
                n => names.push(n.to_string()),
            }
            i += 1;
        }
        self.buf.push('\u{0}');
        let line = match io.read_line() {
            Input::Data(l) => l,
            Input::Pending => return Poll::Wait,
            Input::Eof => {
                self.assigns = names.iter().map(|n| (n.clone(), String::new())).collect();
                return Poll::Done(1);
            }
        };
        let complete = line.ends_with('\n');
        let mut text = line.trim_end_matches('\n').to_string();
        if !raw {
            text = text.replace("\\", "");
        }
        if names.is_empty() {
            names.push("REPLY".into());
        }
        let mut fields: Vec<String> = Vec::new();
        let mut rest = text.trim_start();
        for (k, _) in names.iter().enumerate() {
            if k + 1 == names.len() {
                fields.push(rest.trim_end().to_string());
                break;
            }
            let (f, r) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
            fields.push(f.to_string());
            rest = r.trim_start();
        }
        self.assigns = names.into_iter().zip(fields).collect();
        Poll::Done(if complete { 0 } else { 1 })
    }

    fn assignments(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.assigns)
    }
}

/// `expr 1 + 2`, `expr $i \* 3`, comparisons: arithmetic through the shell's evaluator.
/// Exit status 1 when the result is 0 (or empty), 2 on a syntax error, like expr.
fn expr(args: &[String], io: &mut Io) -> i32 {
    if args.len() == 1 {
        io.out(&format!("{}\n", args[0]));
        return i32::from(args[0].is_empty() || args[0] == "0");
    }
    let joined = args.iter().map(|a| if a == "=" { "==".to_string() } else { a.clone() }).collect::<Vec<_>>().join(" ");
    match crate::shell::arith_eval(&joined) {
        Ok(v) => {
            io.out(&format!("{v}\n"));
            i32::from(v == 0)
        }
        Err(e) => {
            let msg = if e.contains("divide") { "expr: division by zero\n" } else { "expr: syntax error\n" };
            io.err(msg);
            2
        }
    }
}

//! File descriptors inside the shell: where a command's stdin comes from and its stdout/stderr
//! go (the container's streams, a pipe to another task, a `$(...)` capture, a file, /dev/null),
//! and the `Io` handle applets use to read and write through them. Pipes are bounded so a
//! `yes | head -1` producer blocks instead of growing memory; buffers are shared by index so
//! `while read l; do ...; done < file` consumes the file once.

use crate::fs::resolve_path;
use crate::process::{ProcState, ProcessCtx, Stream};

/// Bytes a pipe holds before its writer must wait (Linux: 64 KiB).
pub const PIPE_CAPACITY_BYTES: usize = 64 * 1024;
/// A `$(...)` capture larger than this is truncated (bounded memory).
pub const CAPTURE_LIMIT_BYTES: usize = 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    Proc(Stream),
    Pipe(usize),
    Capture(usize),
    File(String),
    Null,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum In {
    Proc,
    Pipe(usize),
    Buf(usize),
    Null,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fds {
    pub stdin: In,
    pub stdout: Out,
    pub stderr: Out,
}

impl Default for Fds {
    fn default() -> Self {
        Fds { stdin: In::Proc, stdout: Out::Proc(Stream::Stdout), stderr: Out::Proc(Stream::Stderr) }
    }
}

#[derive(Clone, Debug, Default)]
pub struct PipeBuf {
    pub data: Vec<u8>,
    pub writers: u32,
    pub readers: u32,
}

/// Pipes, captures and input buffers of one shell process.
#[derive(Debug, Default)]
pub struct Shared {
    pub pipes: Vec<Option<PipeBuf>>,
    pub captures: Vec<Option<String>>,
    pub bufs: Vec<Option<(Vec<u8>, usize)>>,
    /// Output lines written since the scheduler last looked: each costs a step, so a
    /// command printing in a loop spends its budget like any other work.
    pub lines_written: u32,
}

fn alloc<T>(v: &mut Vec<Option<T>>, item: T) -> usize {
    if let Some(i) = v.iter().position(Option::is_none) {
        v[i] = Some(item);
        i
    } else {
        v.push(Some(item));
        v.len() - 1
    }
}

impl Shared {
    pub fn new_pipe(&mut self) -> usize {
        alloc(&mut self.pipes, PipeBuf { data: Vec::new(), writers: 0, readers: 0 })
    }
    pub fn new_capture(&mut self) -> usize {
        alloc(&mut self.captures, String::new())
    }
    pub fn new_buf(&mut self, data: Vec<u8>) -> usize {
        alloc(&mut self.bufs, (data, 0))
    }
    /// A task now holds `fds`: count its pipe ends.
    pub fn retain(&mut self, fds: &Fds) {
        for o in [&fds.stdout, &fds.stderr] {
            if let Out::Pipe(id) = o {
                if let Some(Some(p)) = self.pipes.get_mut(*id) {
                    p.writers += 1;
                }
            }
        }
        if let In::Pipe(id) = fds.stdin {
            if let Some(Some(p)) = self.pipes.get_mut(id) {
                p.readers += 1;
            }
        }
    }

    /// A task holding `fds` ended: close its pipe ends.
    pub fn release(&mut self, fds: &Fds) {
        for o in [&fds.stdout, &fds.stderr] {
            if let Out::Pipe(id) = o {
                if let Some(Some(p)) = self.pipes.get_mut(*id) {
                    p.writers = p.writers.saturating_sub(1);
                }
                self.gc_pipe(*id);
            }
        }
        if let In::Pipe(id) = fds.stdin {
            if let Some(Some(p)) = self.pipes.get_mut(id) {
                p.readers = p.readers.saturating_sub(1);
                if p.readers == 0 {
                    p.data.clear();
                }
            }
            self.gc_pipe(id);
        }
    }

    fn gc_pipe(&mut self, id: usize) {
        if let Some(slot) = self.pipes.get_mut(id) {
            if slot.as_ref().is_some_and(|p| p.writers == 0 && p.readers == 0) {
                *slot = None;
            }
        }
    }
}

/// What a read found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Data(String),
    Eof,
    /// Nothing yet; the writer is still alive.
    Pending,
}

/// An applet's handle on the process: streams, filesystem, network, clock.
pub struct Io<'x, 'a> {
    pub ctx: &'x mut ProcessCtx<'a>,
    pub st: &'x mut ProcState,
    pub sh: &'x mut Shared,
    pub fds: &'x Fds,
    pub cwd: &'x str,
    /// Exported variables (env, printenv, child programs).
    pub env: &'x [(String, String)],
}

impl Io<'_, '_> {
    pub fn now_ms(&self) -> u64 {
        self.ctx.now_ms
    }

    pub fn path(&self, p: &str) -> String {
        resolve_path(self.cwd, p)
    }

    pub fn getenv(&self, key: &str) -> Option<&str> {
        self.env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Write to an output; false if it is a pipe nobody reads any more (SIGPIPE).
    pub fn write_to(&mut self, out: &Out, text: &str) -> bool {
        let lines = text.bytes().filter(|b| *b == b'\n').count().max(1);
        self.sh.lines_written = self.sh.lines_written.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
        match out {
            Out::Proc(s) => self.st.write(self.ctx, *s, text),
            Out::Pipe(id) => match self.sh.pipes.get_mut(*id) {
                Some(Some(p)) if p.readers > 0 => p.data.extend_from_slice(text.as_bytes()),
                _ => return false,
            },
            Out::Capture(id) => {
                if let Some(Some(c)) = self.sh.captures.get_mut(*id) {
                    if c.len() < CAPTURE_LIMIT_BYTES {
                        c.push_str(text);
                    }
                }
            }
            Out::File(path) => {
                let now = self.ctx.now_ms;
                let _ = self.ctx.fs.append(path, text.as_bytes(), now);
            }
            Out::Null => {}
        }
        true
    }

    pub fn out(&mut self, text: &str) -> bool {
        let o = self.fds.stdout.clone();
        self.write_to(&o, text)
    }

    pub fn err(&mut self, text: &str) {
        let o = self.fds.stderr.clone();
        self.write_to(&o, text);
    }

    /// The stdout pipe is full: a producer should wait.
    pub fn stdout_full(&self) -> bool {
        match self.fds.stdout {
            Out::Pipe(id) => self.sh.pipes.get(id).and_then(Option::as_ref).is_some_and(|p| p.data.len() >= PIPE_CAPACITY_BYTES),
            _ => false,
        }
    }

    /// Read everything available on stdin.
    pub fn read(&mut self) -> Input {
        self.read_inner(false)
    }

    /// Read one line (with its '\n'), or the unterminated rest at EOF.
    pub fn read_line(&mut self) -> Input {
        self.read_inner(true)
    }

    fn read_inner(&mut self, line: bool) -> Input {
        let take = |data: &mut Vec<u8>, eof: bool| -> Input {
            let n = if line {
                match data.iter().position(|b| *b == b'\n') {
                    Some(i) => i + 1,
                    None if eof => data.len(),
                    None => return Input::Pending,
                }
            } else {
                data.len()
            };
            if n == 0 {
                return if eof { Input::Eof } else { Input::Pending };
            }
            let chunk: Vec<u8> = data.drain(..n).collect();
            Input::Data(String::from_utf8_lossy(&chunk).into_owned())
        };
        match &self.fds.stdin {
            In::Null => Input::Eof,
            In::Proc => {
                let eof = self.st.stdin_closed;
                take(&mut self.st.stdin, eof)
            }
            In::Pipe(id) => match self.sh.pipes.get_mut(*id) {
                Some(Some(p)) => {
                    let eof = p.writers == 0;
                    take(&mut p.data, eof)
                }
                _ => Input::Eof,
            },
            In::Buf(id) => match self.sh.bufs.get_mut(*id) {
                Some(Some((data, pos))) => {
                    let mut rest = data[*pos..].to_vec();
                    let before = rest.len();
                    let r = take(&mut rest, true);
                    *pos += before - rest.len();
                    r
                }
                _ => Input::Eof,
            },
        }
    }
}

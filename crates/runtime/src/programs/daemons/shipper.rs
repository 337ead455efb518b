//! The fluent-bit log shipper: reads its classic-mode config (`[INPUT] Name tail Path ...`,
//! `[OUTPUT] Name stdout`), prints its start-up lines, then once per simulated second reads
//! what was appended to the matched files and prints each line as a record, the way the
//! stdout output plugin formats them.

use crate::clock::strftime;
use crate::process::{ProcState, ProcessCtx, Signal};
use crate::programs::{out, Program, ProgramStep};

const FLUSH_MS: u64 = 1000;

#[derive(Debug, Default)]
pub struct FluentBit {
    argv: Vec<String>,
    started: bool,
    patterns: Vec<(String, String)>,
    offsets: Vec<(String, usize)>,
    stdout_output: bool,
    buffered_bytes: u64,
    /// The engine flushes on its own one-second timer, whenever it is stepped.
    next_flush_ms: u64,
}

pub fn fluent_bit(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(FluentBit { argv, ..Default::default() })
}

fn log(ms: u64, msg: &str) -> String {
    format!("[{}] [ info] {msg}\n", strftime("%Y/%m/%d %H:%M:%S", ms))
}

impl FluentBit {
    fn load(&mut self, ctx: &ProcessCtx, path: &str) {
        let text = ctx.fs.read_string(path).unwrap_or_default();
        let mut section = String::new();
        let mut name = String::new();
        let mut file_path = String::new();
        let mut tag = String::new();
        let flush = |section: &str, name: &str, file_path: &str, tag: &str, me: &mut FluentBit| {
            if section == "INPUT" && name.eq_ignore_ascii_case("tail") && !file_path.is_empty() {
                let t = if tag.is_empty() { format!("tail.{}", me.patterns.len()) } else { tag.to_string() };
                me.patterns.push((file_path.to_string(), t));
            }
            if section == "OUTPUT" && name.eq_ignore_ascii_case("stdout") {
                me.stdout_output = true;
            }
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if line.starts_with('[') {
                flush(&section, &name, &file_path, &tag, self);
                section = line.trim_matches(['[', ']']).to_ascii_uppercase();
                name.clear();
                file_path.clear();
                tag.clear();
                continue;
            }
            let (k, v) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            match k.to_ascii_lowercase().as_str() {
                "name" => name = v.trim().to_string(),
                "path" => file_path = v.trim().to_string(),
                "tag" => tag = v.trim().to_string(),
                _ => {}
            }
        }
        flush(&section, &name, &file_path, &tag, self);
    }

    /// Files matching a `Path` pattern (a `*` in the last component).
    fn matches(ctx: &ProcessCtx, pattern: &str) -> Vec<String> {
        let (dir, pat) = pattern.rsplit_once('/').unwrap_or(("", pattern));
        let dir = if dir.is_empty() { "/" } else { dir };
        let p: Vec<(char, bool)> = pat.chars().map(|c| (c, true)).collect();
        ctx.fs
            .list(dir)
            .unwrap_or_default()
            .into_iter()
            .filter(|(n, m)| !m.is_dir && crate::shell::pattern_match(&p, &n.chars().collect::<Vec<_>>()))
            .map(|(n, _)| format!("{}/{n}", dir.trim_end_matches('/')))
            .collect()
    }
}

impl Program for FluentBit {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let now = ctx.now_ms;
        if !self.started {
            let conf = self.argv.windows(2).find(|w| w[0] == "-c" || w[0] == "--config").map(|w| w[1].clone()).unwrap_or_else(|| "/fluent-bit/etc/fluent-bit.conf".into());
            self.load(ctx, &conf);
            let mut text = String::from("Fluent Bit v3.2.10\n* Copyright (C) 2015-2025 The Fluent Bit Authors\n* Fluent Bit is a CNCF sub-project under the umbrella of Fluentd\n* https://fluentbit.io\n\n");
            text.push_str(&log(now, "[fluent bit] version=3.2.10, commit=, pid=1"));
            text.push_str(&log(now, "[storage] ver=1.5.2, type=memory, sync=normal, checksum=off, max_chunks_up=128"));
            text.push_str(&log(now, "[cmetrics] version=0.9.9"));
            text.push_str(&log(now, "[ctraces ] version=0.5.7"));
            for (i, _) in self.patterns.iter().enumerate() {
                text.push_str(&log(now, &format!("[input:tail:tail.{i}] initializing")));
                text.push_str(&log(now, &format!("[input:tail:tail.{i}] storage_strategy='memory' (memory only)")));
            }
            if self.stdout_output {
                text.push_str(&log(now, "[output:stdout:stdout.0] worker #0 started"));
            }
            text.push_str(&log(now, "[sp] stream processor started"));
            for (i, (pat, _)) in self.patterns.clone().iter().enumerate() {
                for f in Self::matches(ctx, pat) {
                    let size = ctx.fs.stat(&f).map(|m| m.size_bytes as usize).unwrap_or(0);
                    text.push_str(&log(now, &format!("[input:tail:tail.{i}] inotify_fs_add(): inode={} watch_fd={} name={f}", 1000 + self.offsets.len(), self.offsets.len() + 1)));
                    self.offsets.push((f, size));
                }
            }
            out(st, ctx, &text);
            self.started = true;
            self.next_flush_ms = now + FLUSH_MS;
            return ProgramStep::Idle(Some(self.next_flush_ms));
        }
        if now < self.next_flush_ms {
            return ProgramStep::Idle(Some(self.next_flush_ms));
        }
        self.next_flush_ms = now + FLUSH_MS;
        let mut records = String::new();
        for (pat, tag) in self.patterns.clone() {
            for f in Self::matches(ctx, &pat) {
                let idx = match self.offsets.iter().position(|(p, _)| *p == f) {
                    Some(i) => i,
                    None => {
                        self.offsets.push((f.clone(), 0));
                        self.offsets.len() - 1
                    }
                };
                let data = ctx.fs.read(&f).unwrap_or_default();
                let off = self.offsets[idx].1.min(data.len());
                let new = String::from_utf8_lossy(&data[off..]).into_owned();
                let complete = new.rfind('\n').map(|i| i + 1).unwrap_or(0);
                for (n, line) in new[..complete].lines().enumerate() {
                    let escaped = line.replace('\\', "\\\\").replace('"', "\\\"");
                    records.push_str(&format!("[{n}] {tag}: [[{}.{:09}, {{}}], {{\"log\"=>\"{escaped}\"}}]\n", now / 1000, (now % 1000) * 1_000_000));
                }
                self.buffered_bytes = self.buffered_bytes.saturating_add(complete as u64);
                self.offsets[idx].1 = off + complete;
            }
        }
        if self.stdout_output && !records.is_empty() {
            out(st, ctx, &records);
        }
        ProgramStep::Idle(Some(self.next_flush_ms))
    }

    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        let now = ctx.now_ms;
        let name = match sig {
            Signal::Term => "SIGTERM",
            Signal::Int => "SIGINT",
            _ => return crate::programs::default_signal(st, sig),
        };
        let text = format!("[{}] [engine] caught signal ({name})\n{}", strftime("%Y/%m/%d %H:%M:%S", now), log(now, "[engine] service has stopped (0 pending tasks)"));
        out(st, ctx, &text);
        Some(0)
    }

    fn memory_bytes(&self) -> u64 {
        9 * 1024 * 1024 + self.offsets.len() as u64 * 64 * 1024
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

//! Container logs as the kubelet keeps them: one buffer per container instance (the CRI log
//! file), the current and the previous instance only (`kubectl logs --previous`), capped in
//! bytes like `containerLogMaxSize` so a chatty `while true` loop cannot grow memory without
//! limit, and rendered with the kubelet's fixed nine-digit RFC 3339 timestamps.

use crate::time::Epoch;
use podlab_runtime::{OutputLine, Stream};
use std::collections::VecDeque;

/// kubelet `containerLogMaxSize` default (10Mi): older lines are rotated away.
pub const CONTAINER_LOG_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Unix milliseconds the line was written.
    pub at_ms: i64,
    pub stream: Stream,
    pub text: String,
}

/// One container instance's log.
#[derive(Clone, Debug, Default)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    bytes: usize,
}

impl LogBuffer {
    pub fn push(&mut self, line: &OutputLine) {
        let at_ms = i64::try_from(line.at_ms).unwrap_or(i64::MAX);
        self.bytes += line.text.len() + 1;
        self.lines.push_back(LogLine { at_ms, stream: line.stream, text: line.text.clone() });
        while self.bytes > CONTAINER_LOG_MAX_BYTES {
            let Some(old) = self.lines.pop_front() else { break };
            self.bytes -= old.text.len() + 1;
        }
    }

    pub fn lines(&self) -> impl Iterator<Item = &LogLine> {
        self.lines.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Options of `GET /api/v1/namespaces/{ns}/pods/{name}/log` (`kubectl logs` flags).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogOptions {
    /// `--previous`: the last terminated instance.
    pub previous: bool,
    /// `--timestamps`: prefix every line with its RFC 3339 timestamp (nanoseconds).
    pub timestamps: bool,
    /// `--tail=N`: only the last N lines (negative = all).
    pub tail_lines: Option<i64>,
    /// `--since=5m` in seconds: only lines newer than now minus this.
    pub since_seconds: Option<i64>,
    /// `--since-time=<RFC 3339>`.
    pub since_time: Option<String>,
    /// `--limit-bytes=N`.
    pub limit_bytes: Option<i64>,
}

/// `2006-01-02T15:04:05.000000000Z07:00`, the kubelet's log timestamp layout.
pub fn timestamp(epoch_ms: i64) -> String {
    let t = podlab_api::time::MicroTime::from_millis(epoch_ms).to_string();
    // MicroTime prints six fractional digits and a Z; the kubelet prints nine.
    match t.strip_suffix('Z') {
        Some(base) => format!("{base}000Z"),
        None => t,
    }
}

/// Renders a buffer the way `kubectl logs` prints it. `now_ms` and `epoch` resolve `--since`.
pub fn render(buf: &LogBuffer, opts: &LogOptions, now_ms: i64, epoch: Epoch) -> String {
    let since_ms = match (&opts.since_time, opts.since_seconds) {
        (Some(t), _) => epoch.parse(t).map(|s| epoch.epoch_ms(s)),
        (None, Some(s)) => Some(now_ms.saturating_sub(s.saturating_mul(1000))),
        (None, None) => None,
    };
    let selected: Vec<&LogLine> = buf.lines().filter(|l| since_ms.is_none_or(|s| l.at_ms >= s)).collect();
    let skip = match opts.tail_lines {
        Some(n) if n >= 0 => selected.len().saturating_sub(usize::try_from(n).unwrap_or(usize::MAX)),
        _ => 0,
    };
    let mut out = String::new();
    for l in &selected[skip..] {
        if opts.timestamps {
            out.push_str(&timestamp(l.at_ms));
            out.push(' ');
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    if let Some(limit) = opts.limit_bytes.filter(|l| *l >= 0) {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if out.len() > limit {
            let mut cut = limit;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ms: u64, text: &str) -> OutputLine {
        OutputLine { at_ms: ms, stream: Stream::Stdout, text: text.into() }
    }

    #[test]
    fn tail_timestamps_and_limit() {
        let mut b = LogBuffer::default();
        let e = Epoch::default();
        let base = e.start_epoch_ms as u64;
        for i in 0..5u64 {
            b.push(&line(base + i * 1000, &format!("line {i}")));
        }
        let opts = LogOptions { tail_lines: Some(2), timestamps: true, ..LogOptions::default() };
        assert_eq!(render(&b, &opts, e.start_epoch_ms, e), "2025-01-01T12:00:03.000000000Z line 3\n2025-01-01T12:00:04.000000000Z line 4\n");
        let since = LogOptions { since_seconds: Some(2), ..LogOptions::default() };
        assert_eq!(render(&b, &since, e.start_epoch_ms + 4000, e), "line 2\nline 3\nline 4\n");
        let lim = LogOptions { limit_bytes: Some(8), ..LogOptions::default() };
        assert_eq!(render(&b, &lim, 0, e), "line 0\nl");
    }

    #[test]
    fn buffer_is_capped() {
        let mut b = LogBuffer::default();
        let big = "x".repeat(1024 * 1024);
        for i in 0..12 {
            b.push(&line(i, &big));
        }
        assert!(b.lines().count() <= 10);
    }
}

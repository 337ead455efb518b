//! `kubectl logs -f`: after the first print, the session keeps a [`LogStream`] that asks
//! `pods/log` again whenever simulated time advances and prints only the lines it has not
//! printed yet. Lines are told apart by the kubelet's nine-digit RFC 3339 timestamps (always
//! requested, stripped again unless `--timestamps` was given), which sort as text; lines that
//! share a timestamp are counted. The stream ends, as kubectl's does, once no followed
//! container is running any more (or the pod is gone).

use crate::output::CommandOutput;
use crate::session::Session;
use crate::value::{arr, at, s};
use podlab_sim::kubelet::LogOptions;
use podlab_sim::{ApiOk, ApiRequest, Verb};

/// `2025-01-01T12:00:03.000000000Z line` -> (`2025-...Z`, `line`).
pub fn split_timestamp(line: &str) -> (&str, &str) {
    line.split_once(' ').unwrap_or((line, ""))
}

/// What has been printed of one container's log.
pub struct Followed {
    container: String,
    prefix: Option<String>,
    /// Timestamp of the newest line printed, and how many printed lines carry it.
    last: String,
    at_last: usize,
}

impl Followed {
    pub fn new(container: &str, prefix: Option<String>) -> Followed {
        Followed { container: container.to_string(), prefix, last: String::new(), at_last: 0 }
    }

    /// The lines of `text` (timestamped) newer than those already taken, marked as taken,
    /// with their timestamps kept only when `timestamps`.
    pub fn take(&mut self, text: &str, timestamps: bool) -> String {
        let mut out = String::new();
        let mut seen_at_last = 0;
        for line in text.lines() {
            let (ts, body) = split_timestamp(line);
            if ts < self.last.as_str() {
                continue;
            }
            if ts == self.last {
                seen_at_last += 1;
                if seen_at_last <= self.at_last {
                    continue;
                }
                self.at_last += 1;
            } else {
                self.last = ts.to_string();
                self.at_last = 1;
                seen_at_last = 1;
            }
            out.push_str(if timestamps { line } else { body });
            out.push('\n');
        }
        out
    }
}

/// An open `logs -f`.
pub struct LogStream {
    namespace: String,
    pod: String,
    options: LogOptions,
    followed: Vec<Followed>,
}

impl LogStream {
    pub fn new(namespace: String, pod: String, options: LogOptions, followed: Vec<Followed>) -> LogStream {
        LogStream { namespace, pod, options, followed }
    }

    /// Whether any followed container still runs (the stream stays open while one does).
    pub fn still_running(&self, session: &mut Session) -> bool {
        let req = ApiRequest::get("Pod", &self.namespace, &self.pod);
        let Ok(ApiOk::Object(pod)) = session.sim.submit(req) else { return false };
        let statuses: Vec<&serde_json::Value> = arr(&pod, "status.containerStatuses").iter().chain(arr(&pod, "status.initContainerStatuses")).collect();
        self.followed.iter().any(|f| statuses.iter().any(|c| s(c, "name") == f.container && at(c, "state.running").is_some()))
    }

    /// New lines since the last poll; `done` is set once nothing runs any more.
    pub fn poll(&mut self, session: &mut Session) -> (CommandOutput, bool) {
        let mut out = CommandOutput::default();
        let mut opts = self.options.clone();
        opts.timestamps = true;
        opts.since_seconds = None;
        opts.since_time = None;
        let timestamps = self.options.timestamps;
        for f in &mut self.followed {
            let verb = Verb::Logs { namespace: self.namespace.clone(), pod: self.pod.clone(), container: Some(f.container.clone()), options: opts.clone() };
            if let Ok(ApiOk::Logs(text)) = session.sim.submit(ApiRequest::new(verb)) {
                let fresh = f.take(&text, timestamps);
                match &f.prefix {
                    Some(p) => out.out(&fresh.lines().map(|l| format!("{p}{l}\n")).collect::<String>()),
                    None => out.out(&fresh),
                }
            }
        }
        let done = !self.still_running(session);
        (out, done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_prints_each_line_once() {
        let mut f = Followed::new("app", None);
        let a = "2025-01-01T12:00:01.000000000Z one\n2025-01-01T12:00:01.000000000Z two\n";
        assert_eq!(f.take(a, false), "one\ntwo\n");
        let b = format!("{a}2025-01-01T12:00:01.000000000Z three\n2025-01-01T12:00:02.000000000Z four\n");
        assert_eq!(f.take(&b, true), "2025-01-01T12:00:01.000000000Z three\n2025-01-01T12:00:02.000000000Z four\n");
        assert_eq!(f.take(&b, false), "");
    }
}

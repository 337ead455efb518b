//! The kubelet's prober: per container a startup, a liveness and a readiness worker with the
//! API defaults (period 10s, timeout 1s, failure threshold 3, success threshold 1), the
//! "result run" counting of `prober/worker.go` (a result only flips after `threshold`
//! identical outcomes in a row), the httpGet/tcpSocket/exec checks against the pod network,
//! and the exact `Unhealthy` texts (`Readiness probe failed: Get "http://…": dial tcp …:
//! connect: connection refused`).

use crate::time::{SimDuration, SimTime};
use podlab_api::{IntOrString, Probe};
use podlab_runtime::{HttpResponse, NetError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    pub fn label(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }
}

/// One probe worker's state for the current container instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeState {
    pub next_at: Option<SimTime>,
    last_result: Option<bool>,
    result_run: i32,
    /// The published result (`results.Manager`); None = unknown.
    pub result: Option<bool>,
    /// Liveness/startup failure already acted on; no probing until the container restarts.
    pub on_hold: bool,
    /// A probe that takes time (an exec probe's command, a slow HTTP answer): its verdict
    /// and the moment it is known. The prober records the result and its `Unhealthy` event
    /// only then, and starts no other probe of this kind meanwhile.
    pub pending: Option<(SimTime, Result<(), String>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeSet {
    pub startup: ProbeState,
    pub liveness: ProbeState,
    pub readiness: ProbeState,
    pub started_at: SimTime,
}

/// Probe timing with the API defaults applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub initial_delay: SimDuration,
    pub period: SimDuration,
    pub timeout: SimDuration,
    pub success_threshold: i32,
    pub failure_threshold: i32,
}

pub fn timing(p: &Probe) -> Timing {
    let secs = |v: i32, d: u64| SimDuration::from_secs(if v > 0 { v as u64 } else { d });
    Timing {
        initial_delay: SimDuration::from_secs(p.initial_delay_seconds.max(0) as u64),
        period: secs(p.period_seconds, 10),
        timeout: secs(p.timeout_seconds, 1),
        success_threshold: if p.success_threshold > 0 { p.success_threshold } else { 1 },
        failure_threshold: if p.failure_threshold > 0 { p.failure_threshold } else { 3 },
    }
}

impl ProbeSet {
    /// A new instance: every worker starts ticking now.
    pub fn reset(&mut self, now: SimTime) {
        *self = ProbeSet { started_at: now, ..ProbeSet::default() };
        for s in [&mut self.startup, &mut self.liveness, &mut self.readiness] {
            s.next_at = Some(now);
        }
    }

    pub fn stop(&mut self) {
        for s in [&mut self.startup, &mut self.liveness, &mut self.readiness] {
            s.next_at = None;
            s.result = None;
            s.pending = None;
        }
    }

    pub fn state_mut(&mut self, kind: ProbeKind) -> &mut ProbeState {
        match kind {
            ProbeKind::Startup => &mut self.startup,
            ProbeKind::Liveness => &mut self.liveness,
            ProbeKind::Readiness => &mut self.readiness,
        }
    }

    pub fn next_wake(&self) -> Option<SimTime> {
        let pending = [&self.startup, &self.liveness, &self.readiness].map(|s| s.pending.as_ref().map(|(due, _)| *due));
        [self.startup.next_at, self.liveness.next_at, self.readiness.next_at].into_iter().chain(pending).flatten().min()
    }
}

impl ProbeState {
    /// Records one outcome; returns the newly published result when it changed.
    pub fn record(&mut self, ok: bool, t: &Timing) -> Option<bool> {
        if self.last_result == Some(ok) {
            self.result_run = self.result_run.saturating_add(1);
        } else {
            self.last_result = Some(ok);
            self.result_run = 1;
        }
        let threshold = if ok { t.success_threshold } else { t.failure_threshold };
        if self.result_run < threshold || self.result == Some(ok) {
            return None;
        }
        self.result = Some(ok);
        Some(ok)
    }
}

/// The port a probe targets: a number, or a named port of the container.
pub fn resolve_port(port: &IntOrString, c: &podlab_api::Container) -> Option<u16> {
    match port {
        IntOrString::Int(n) => u16::try_from(*n).ok(),
        IntOrString::String(name) => c.ports.iter().find(|p| p.name == *name).and_then(|p| u16::try_from(p.container_port).ok()),
    }
}

/// The Go net/http error text for a failed dial.
fn dial_error(ip: &str, port: u16, e: &NetError) -> String {
    match e {
        NetError::ConnectionRefused => format!("dial tcp {ip}:{port}: connect: connection refused"),
        NetError::TimedOut => format!("dial tcp {ip}:{port}: i/o timeout"),
        NetError::HostUnreachable => format!("dial tcp {ip}:{port}: connect: no route to host"),
        NetError::ConnectionReset => format!("read tcp {ip}:{port}: read: connection reset by peer"),
        other => format!("dial tcp {ip}:{port}: {other}"),
    }
}

/// The http prober's verdict on a response or an error; Err is the failure output.
pub fn http_verdict(url: &str, ip: &str, port: u16, timeout: SimDuration, r: Result<HttpResponse, NetError>) -> Result<(), String> {
    match r {
        Ok(resp) if resp.processing_ms > timeout.0 => {
            Err(format!("Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"))
        }
        Ok(resp) if (200..400).contains(&resp.status) => Ok(()),
        Ok(resp) => Err(format!("HTTP probe failed with statuscode: {}", resp.status)),
        Err(e) => Err(format!("Get \"{url}\": {}", dial_error(ip, port, &e))),
    }
}

pub fn tcp_verdict(ip: &str, port: u16, r: Result<(), NetError>) -> Result<(), String> {
    r.map_err(|e| dial_error(ip, port, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_defaults() {
        let t = timing(&Probe::default());
        assert_eq!((t.period, t.timeout, t.failure_threshold, t.success_threshold), (SimDuration(10_000), SimDuration(1_000), 3, 1));
        let mut s = ProbeState::default();
        assert_eq!(s.record(true, &t), Some(true));
        assert_eq!(s.record(false, &t), None);
        assert_eq!(s.record(false, &t), None);
        assert_eq!(s.record(false, &t), Some(false));
        assert_eq!(s.record(true, &t), Some(true));
    }

    #[test]
    fn failure_texts() {
        let url = "http://10.244.1.5:8080/healthz";
        let refused = http_verdict(url, "10.244.1.5", 8080, SimDuration(1000), Err(NetError::ConnectionRefused));
        assert_eq!(refused, Err("Get \"http://10.244.1.5:8080/healthz\": dial tcp 10.244.1.5:8080: connect: connection refused".into()));
        let bad = http_verdict(url, "x", 1, SimDuration(1000), Ok(HttpResponse::new(500, "text/plain", Vec::new())));
        assert_eq!(bad, Err("HTTP probe failed with statuscode: 500".into()));
        assert_eq!(tcp_verdict("10.244.1.7", 5432, Err(NetError::ConnectionRefused)), Err("dial tcp 10.244.1.7:5432: connect: connection refused".into()));
    }
}

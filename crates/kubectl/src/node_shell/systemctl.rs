//! `systemctl` on a node for the one unit a Kubernetes learner manages there: `kubelet`
//! (`stop`, `start`, `restart`, `status`, `is-active`). Stopping it pauses the node's kubelet
//! in the simulation (no heartbeats, no pod management) exactly as `systemctl stop kubelet`
//! does on a kubeadm node, while the containers keep running and answering on their pod IPs
//! (`Simulation::stop_kubelet`, not the power-off `stop_node`); the node lifecycle controller
//! notices after the grace period.
//! `status` prints systemd 249's layout (the nodes run Ubuntu 22.04, as `kubectl describe
//! node` says): the unit line with its state dot, Loaded (`vendor preset`), the kubeadm
//! Drop-In, Active with `since <timestamp>; <relative> ago`, Docs, Main PID. Other units are "not found" (the simulated machine runs no others worth managing).

use super::host::Host;
use crate::output::CommandOutput;
use podlab_sim::time::SimTime;
use podlab_sim::Simulation;

const UNIT_HEADER: &str = "kubelet.service - kubelet: The Kubernetes Node Agent";
const LOADED: &str = "     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)\n    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             \u{2514}\u{2500}10-kubeadm.conf\n";

/// Runs `systemctl ARGS` on `host`; returns what the terminal shows.
pub fn run(sim: &mut Simulation, host: &mut Host, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    let words: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let Some((verb, units)) = words.split_first() else {
        out.err("Too few arguments.\n");
        out.exit_code = 1;
        return out;
    };
    if !matches!(*verb, "start" | "stop" | "restart" | "status" | "is-active") {
        out.err(&format!("Unknown command verb '{verb}'.\n"));
        out.exit_code = 1;
        return out;
    }
    if units.is_empty() {
        if *verb == "status" {
            // The head of systemd's machine overview (its unit tree is not simulated).
            out.out(&format!("\u{25cf} {}\n    State: running\n", host.node));
        } else {
            out.err("Too few arguments.\n");
            out.exit_code = 1;
        }
        return out;
    }
    for unit in units {
        let full = if unit.contains('.') { (*unit).to_string() } else { format!("{unit}.service") };
        if full != "kubelet.service" {
            unknown_unit(&mut out, verb, &full);
            continue;
        }
        match *verb {
            "stop" => set_running(sim, host, false),
            "start" => set_running(sim, host, true),
            "restart" => {
                set_running(sim, host, false);
                set_running(sim, host, true);
            }
            "is-active" => {
                let active = !sim.node_stopped(&host.node);
                out.out(if active { "active\n" } else { "inactive\n" });
                out.exit_code = out.exit_code.max(if active { 0 } else { 3 });
            }
            _ => status(sim, host, &mut out),
        }
    }
    out
}

fn unknown_unit(out: &mut CommandOutput, verb: &str, unit: &str) {
    match verb {
        "status" => {
            out.err(&format!("Unit {unit} could not be found.\n"));
            out.exit_code = 4;
        }
        "is-active" => {
            out.out("inactive\n");
            out.exit_code = out.exit_code.max(3);
        }
        _ => {
            out.err(&format!("Failed to {verb} {unit}: Unit {unit} not found.\n"));
            out.exit_code = 5;
        }
    }
}

/// Stops or starts the node's kubelet; a start gives the unit a new main PID.
fn set_running(sim: &mut Simulation, host: &mut Host, running: bool) {
    let stopped = sim.node_stopped(&host.node);
    if running && stopped {
        sim.start_kubelet(&host.node);
        host.kubelet_pid += 1_000;
        host.kubelet_since = Some(sim.now());
    } else if !running && !stopped {
        sim.stop_kubelet(&host.node);
        host.kubelet_since = Some(sim.now());
    }
}

fn status(sim: &Simulation, host: &Host, out: &mut CommandOutput) {
    let active = !sim.node_stopped(&host.node);
    let since = host.kubelet_since.unwrap_or(SimTime::ZERO);
    let epoch_ms = sim.epoch().epoch_ms(since);
    let ago = relative(sim.now().since(since).as_millis());
    let pid = host.kubelet_pid;
    let mut text = format!("{} {UNIT_HEADER}\n{LOADED}", if active { '\u{25cf}' } else { '\u{25cb}' });
    if active {
        text.push_str(&format!("     Active: active (running) since {}; {ago}\n", timestamp(epoch_ms)));
        text.push_str("       Docs: https://kubernetes.io/docs/\n");
        text.push_str(&format!("   Main PID: {pid} (kubelet)\n"));
        text.push_str("     CGroup: /system.slice/kubelet.service\n");
        text.push_str(&format!("             \u{2514}\u{2500}{pid} /usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock\n"));
    } else {
        text.push_str(&format!("     Active: inactive (dead) since {}; {ago}\n", timestamp(epoch_ms)));
        text.push_str("       Docs: https://kubernetes.io/docs/\n");
        text.push_str(&format!("   Main PID: {pid} (code=exited, status=0/SUCCESS)\n"));
    }
    out.out(&text);
    // `systemctl status` exits 3 for an inactive unit (LSB "program is not running").
    out.exit_code = out.exit_code.max(if active { 0 } else { 3 });
}

/// systemd's `Wed 2025-01-01 12:00:00 UTC`.
fn timestamp(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = podlab_api::time::civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
    format!("{weekday} {y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// systemd's `format_timestamp_relative`: the two largest units down to seconds.
fn relative(ms: u64) -> String {
    let s = ms / 1000;
    let (day, hour, min) = (86_400, 3_600, 60);
    if s >= day {
        format!("{}d {}h ago", s / day, s % day / hour)
    } else if s >= hour {
        format!("{}h {}min ago", s / hour, s % hour / min)
    } else if s >= 5 * min {
        format!("{}min ago", s / min)
    } else if s >= min {
        format!("{}min {}s ago", s / min, s % min)
    } else if s >= 1 {
        format!("{s}s ago")
    } else if ms >= 1 {
        format!("{ms}ms ago")
    } else {
        "now".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_like_systemd() {
        let cases = [(0, "now"), (250, "250ms ago"), (10_000, "10s ago"), (90_000, "1min 30s ago"), (330_000, "5min ago"), (3_720_000, "1h 2min ago"), (90_000_000, "1d 1h ago")];
        for (ms, want) in cases {
            assert_eq!(relative(ms), want, "{ms}");
        }
    }

    #[test]
    fn timestamps_name_the_weekday() {
        assert_eq!(timestamp(0), "Thu 1970-01-01 00:00:00 UTC");
        // 2025-01-01T12:00:00Z, a Wednesday.
        assert_eq!(timestamp(1_735_732_800_000), "Wed 2025-01-01 12:00:00 UTC");
    }
}

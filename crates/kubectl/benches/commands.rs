//! Benchmark: how long each kubectl command takes on a cluster with 200 pods (the acceptance
//! floor is 1 ms per command natively). Run with `cargo bench -p podlab-kubectl`; it prints one
//! line per command with the mean wall time and the mean CPU time of this thread over its
//! repetitions. On a shared, loaded machine the wall time includes waiting for a core; the
//! CPU time (Linux `/proc/thread-self/schedstat`) is the comparable number. Clocks are read
//! here only, never in the library.

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;
use std::time::Instant;

const PODS: usize = 200;
const REPEAT: u32 = 20;

fn cluster() -> Session {
    let mut s = Session::new(1, ClusterSpec::default());
    for i in 0..PODS {
        let out = s.execute(&format!("kubectl run pod-{i:03} --image=nginx:1.27 --labels=app=bench,idx=i{i}"));
        assert_eq!(out.exit_code, 0, "{}", out.text());
    }
    // Pods stay Pending/ContainerCreating: what is measured is kubectl's own work per command.
    s
}

/// Nanoseconds this thread has run on a CPU (None where the kernel does not say).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Runs `f` REPEAT times; (mean wall ms, mean CPU ms).
fn measure(mut f: impl FnMut(u32)) -> (f64, Option<f64>) {
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    for i in 0..REPEAT {
        f(i);
    }
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(REPEAT);
    let cpu_ms = cpu0.zip(thread_cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e6 / f64::from(REPEAT));
    (wall_ms, cpu_ms)
}

fn report(label: &str, (wall_ms, cpu_ms): (f64, Option<f64>), worst: &mut f64) {
    let cpu = cpu_ms.map_or("      n/a".to_string(), |c| format!("{c:>9.3}"));
    *worst = worst.max(cpu_ms.unwrap_or(wall_ms));
    println!("{wall_ms:>9.3} ms wall {cpu} ms cpu  {label}");
}

fn main() {
    let mut s = cluster();
    let commands = [
        "kubectl get pods",
        "kubectl get pods -o wide",
        "kubectl get pods -A --show-labels",
        "kubectl get pods -l idx=i100",
        "kubectl get pod pod-100 -o yaml",
        "kubectl get pods -o json",
        "kubectl get pods -o jsonpath={.items[*].metadata.name}",
        "kubectl get pods -o name",
        "kubectl describe pod pod-100",
        "kubectl describe node node01",
        "kubectl get nodes",
        "kubectl get events",
        "kubectl label pod pod-100 x=y --overwrite",
        "kubectl annotate pod pod-100 note=z --overwrite",
        "kubectl get pods --field-selector status.phase=Pending",
        "kubectl get pods -o yaml",
        "kubectl get pods --sort-by=.metadata.name",
        "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
        "kubectl get all",
        "kubectl describe pods -l idx=i100",
        "kubectl explain pod.spec.containers",
        "kubectl api-resources",
        "kubectl version",
        "kubectl gett pods",
    ];
    let mut worst = 0f64;
    for cmd in commands {
        let m = measure(|_| {
            std::hint::black_box(s.execute(cmd));
        });
        report(cmd, m, &mut worst);
    }
    // Mutating commands run once each on fresh objects.
    let m = measure(|i| {
        std::hint::black_box(s.execute(&format!("kubectl delete pod pod-{i:03} --wait=false")));
    });
    report("kubectl delete pod pod-NNN --wait=false", m, &mut worst);
    println!("worst mean (cpu where known): {worst:.3} ms over {PODS} pods");
}

//! Benchmark: how long each kubectl command takes on a cluster with 200 pods (the acceptance
//! floor is 1 ms per command natively). Run with `cargo bench -p podlab-kubectl`; it prints one
//! line per command with the mean wall time and the mean CPU time of this thread over its
//! repetitions. On a shared, loaded machine the wall time includes waiting for a core; the
//! CPU time (Linux `/proc/thread-self/schedstat`) is the comparable number. Clocks are read
//! here only, never in the library.
//!
//! Two clusters are measured: 200 pods that are Running (scheduled, started, with container
//! statuses, conditions and IPs, what a learner's cluster looks like) and the same 200 pods
//! still Pending (the objects kubectl prints are smaller). Environment knobs, for profiling
//! one command with `perf record`: `PODLAB_BENCH_FILTER=substring` runs only matching
//! commands, `PODLAB_BENCH_REPEAT=n` repeats each n times (default 20), and
//! `PODLAB_BENCH_CLUSTER=running|pending` measures one cluster only.


/// The allocator of the native `podlab` binary, so the numbers are the ones it gets.
#[global_allocator]
static GLOBAL: podlab_alloc::MiMalloc = podlab_alloc::MiMalloc;

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;
use std::time::Instant;

const PODS: usize = 200;

/// Which state the 200 pods are in when the commands run.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Running,
    Pending,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Running => "Running",
            Phase::Pending => "Pending",
        }
    }
}

fn cluster(phase: Phase) -> Session {
    let mut s = Session::new(1, ClusterSpec::default());
    if phase == Phase::Running {
        // The kubelet pulls images one at a time: put nginx on both workers first (as a
        // cluster that has run it before would have it) so 200 pods do not queue 200 pulls.
        for node in ["node01", "node02"] {
            let pod = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: warm-{node}\n  namespace: kube-system\nspec:\n  nodeName: {node}\n  containers:\n  - name: nginx\n    image: nginx:1.27\n");
            let out = s.execute_with_stdin("kubectl apply -f -", Some(&pod));
            assert_eq!(out.exit_code, 0, "{}", out.text());
        }
        s.advance(60_000);
    }
    for i in 0..PODS {
        let out = s.execute(&format!("kubectl run pod-{i:03} --image=nginx:1.27 --labels=app=bench,idx=i{i}"));
        assert_eq!(out.exit_code, 0, "{}", out.text());
    }
    if phase == Phase::Running {
        // Long enough for the scheduler and the container starts of all 200 pods.
        s.advance(60_000);
        let out = s.execute("kubectl get pods --field-selector status.phase!=Running -o wide");
        if !out.stdout.is_empty() {
            let first = out.stdout.lines().nth(1).and_then(|l| l.split_whitespace().next()).unwrap_or("");
            let pod = s.execute(&format!("kubectl describe pod {first}")).text();
            panic!("pods not Running after 60s:\n{}\n{pod}", out.text());
        }
    }
    s
}

/// Nanoseconds this thread has run on a CPU (None where the kernel does not say).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Batches a measurement is split into: the best batch's mean filters out the runs another
/// process on this shared machine slowed down (cache and core contention), the overall mean
/// does not.
const BATCHES: u32 = 10;

/// What [`measure`] found, per run, in ms. The best batch is timed by the wall clock: the
/// kernel's per-thread CPU counter advances only at scheduler ticks, too coarse for a batch.
struct Measured {
    wall_ms: f64,
    cpu_ms: Option<f64>,
    best_wall_ms: f64,
}

/// Runs `f` `repeat` times in [`BATCHES`] batches (fewer when `repeat` is smaller).
fn measure(repeat: u32, mut f: impl FnMut(u32)) -> Measured {
    let batch = repeat.div_ceil(BATCHES).max(1);
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    let mut best_wall_ms = f64::MAX;
    let mut i = 0;
    while i < repeat {
        let runs = batch.min(repeat - i);
        let batch_start = Instant::now();
        for _ in 0..runs {
            f(i);
            i += 1;
        }
        best_wall_ms = best_wall_ms.min(batch_start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs));
    }
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(repeat);
    let cpu_ms = cpu0.zip(thread_cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e6 / f64::from(repeat));
    Measured { wall_ms, cpu_ms, best_wall_ms }
}

fn report(label: &str, m: Measured, worst: &mut f64) {
    let ms = |v: Option<f64>| v.map_or("      n/a".to_string(), |c| format!("{c:>9.3}"));
    *worst = worst.max(m.cpu_ms.unwrap_or(m.wall_ms));
    println!("{:>9.3} ms wall {} ms cpu {:>9.3} ms best  {label}", m.wall_ms, ms(m.cpu_ms), m.best_wall_ms);
}

fn commands(phase: Phase) -> Vec<String> {
    let mut list: Vec<String> = [
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
    ]
    .map(String::from)
    .to_vec();
    list.push(format!("kubectl get pods --field-selector status.phase={}", phase.name()));
    list.extend(
        [
            "kubectl get pods -o yaml",
            "kubectl get pods --sort-by=.metadata.name",
            "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
            "kubectl get all",
            "kubectl describe pods -l idx=i100",
            "kubectl explain pod.spec.containers",
            "kubectl api-resources",
            "kubectl version",
            "kubectl gett pods",
        ]
        .map(String::from),
    );
    list
}

fn run(phase: Phase, filter: &str, repeat: u32, worst: &mut f64) {
    let mut s = cluster(phase);
    println!("-- {PODS} pods {}", phase.name());
    for cmd in commands(phase).iter().filter(|c| c.contains(filter)) {
        let m = measure(repeat, |_| {
            std::hint::black_box(s.execute(cmd));
        });
        report(cmd, m, worst);
    }
    // Mutating commands run once each on fresh objects.
    let label = "kubectl delete pod pod-NNN --wait=false";
    if label.contains(filter) {
        let m = measure(repeat.min(PODS as u32), |i| {
            std::hint::black_box(s.execute(&format!("kubectl delete pod pod-{i:03} --wait=false")));
        });
        report(label, m, worst);
    }
}

fn main() {
    podlab_alloc::retain_freed_memory();
    let filter = std::env::var("PODLAB_BENCH_FILTER").unwrap_or_default();
    let repeat = std::env::var("PODLAB_BENCH_REPEAT").ok().and_then(|r| r.parse().ok()).filter(|&r| r > 0).unwrap_or(20);
    let only = std::env::var("PODLAB_BENCH_CLUSTER").unwrap_or_default();
    let mut worst = 0f64;
    for phase in [Phase::Running, Phase::Pending] {
        if only.is_empty() || only.eq_ignore_ascii_case(phase.name()) {
            run(phase, &filter, repeat, &mut worst);
        }
    }
    println!("worst mean (cpu where known): {worst:.3} ms over {PODS} pods");
}

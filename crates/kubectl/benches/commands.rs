//! Benchmark: how long each kubectl command takes on a cluster with 200 pods (the acceptance
//! floor is 1 ms per command natively). Run with `cargo bench -p podlab-kubectl`; it prints one
//! line per command with the mean time over its repetitions. Wall-clock time is read here only,
//! never in the library.

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
        "kubectl api-resources",
        "kubectl version",
        "kubectl gett pods",
    ];
    let mut worst = 0f64;
    for cmd in commands {
        let start = Instant::now();
        for _ in 0..REPEAT {
            std::hint::black_box(s.execute(cmd));
        }
        let mean_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(REPEAT);
        worst = worst.max(mean_ms);
        println!("{mean_ms:>9.3} ms  {cmd}");
    }
    // Mutating commands run once each on fresh objects.
    let start = Instant::now();
    for i in 0..REPEAT {
        std::hint::black_box(s.execute(&format!("kubectl delete pod pod-{i:03} --wait=false")));
    }
    let mean_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(REPEAT);
    println!("{mean_ms:>9.3} ms  kubectl delete pod pod-NNN --wait=false");
    println!("worst mean: {:.3} ms over {PODS} pods", worst.max(mean_ms));
}

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;
#[test]
fn dbg() {
    let mut s = Session::new(1, ClusterSpec::default());
    eprintln!("session made at {:?}", s.sim().now());
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n");
    let o = s.execute("kubectl apply -f pod.yaml");
    eprintln!("apply: {:?} {:?}", o.stdout, o.stderr);
    for i in 0..20 {
        let o = s.advance(1000);
        eprintln!("t={} {:?}", i, s.sim().now());
        let _ = o;
    }
    let o = s.execute("kubectl get pods");
    eprintln!("{}", o.stdout);
}

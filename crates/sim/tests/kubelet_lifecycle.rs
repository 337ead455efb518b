//! The kubelet through the whole simulation: pods applied as the admin are scheduled, pulled,
//! started and restarted with the exact container states, events and timings of v1.33.

mod kubelet;

use kubelet::*;
use serde_json::json;

#[test]
fn debug_nginx() {
    let mut s = sim();
    let mut tl = Timeline::new(&mut s);
    apply(&mut s, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}));
    tl.run(&mut s, "web", secs(30));
    for l in tl.lines() { println!("{l}"); }
    for e in events(&s, "web") { println!("{e}"); }
    println!("{}", serde_json::to_string_pretty(&pod(&s, "web")["status"]).unwrap());
    println!("{:?}", logs(&mut s, "web", None, false));
}

//! Test rig: one container (image root layer + optional shared volumes), a scripted network
//! and a driver that steps a process through simulated time until it exits or a deadline.
#![allow(dead_code)]

use podlab_runtime::*;
use std::collections::BTreeMap;

/// A network with canned DNS answers, HTTP responses and a shared port space.
#[derive(Default, Debug)]
pub struct TestNet {
    pub bound: Vec<u16>,
    pub dns: BTreeMap<String, String>,
    pub http: BTreeMap<(String, u16), HttpResponse>,
    pub tcp: BTreeMap<(String, u16), Vec<u8>>,
    pub timeouts: Vec<String>,
    pub requests: Vec<(String, u16, HttpRequest)>,
}

impl Network for TestNet {
    fn listen(&mut self, port: u16) -> Result<(), NetError> {
        if self.bound.contains(&port) {
            return Err(NetError::AddrInUse);
        }
        self.bound.push(port);
        Ok(())
    }
    fn unlisten(&mut self, port: u16) {
        self.bound.retain(|p| *p != port);
    }
    fn resolve(&mut self, name: &str) -> Result<String, NetError> {
        self.dns.get(name).cloned().ok_or(NetError::NameNotResolved)
    }
    fn nameserver(&self) -> String {
        "10.96.0.10".into()
    }
    fn pod_ip(&self) -> String {
        "10.244.1.5".into()
    }
    fn connect(&mut self, ip: &str, port: u16) -> Result<(), NetError> {
        if self.http.contains_key(&(ip.to_string(), port)) || self.tcp.contains_key(&(ip.to_string(), port)) {
            Ok(())
        } else {
            Err(NetError::ConnectionRefused)
        }
    }
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.requests.push((ip.to_string(), port, request.clone()));
        if self.timeouts.iter().any(|t| t == ip) {
            return Err(NetError::TimedOut);
        }
        self.http.get(&(ip.to_string(), port)).cloned().ok_or(NetError::ConnectionRefused)
    }
    fn tcp_exchange(&mut self, ip: &str, port: u16, _payload: &[u8]) -> Result<Vec<u8>, NetError> {
        self.tcp.get(&(ip.to_string(), port)).cloned().ok_or(NetError::ConnectionRefused)
    }
    fn canonical_name(&mut self, name: &str) -> String {
        if name.contains('.') { name.to_string() } else { format!("{name}.default.svc.cluster.local") }
    }
}

pub struct Rig {
    pub volumes: Volumes,
    pub mounts: MountTable,
    pub image: ResolvedImage,
    pub net: TestNet,
    pub now_ms: u64,
    pub cpu_limit_millicores: Option<u32>,
}

/// 2025-01-01T12:00:00Z, a Wednesday.
pub const EPOCH_MS: u64 = 1_735_732_800_000;

impl Rig {
    pub fn new(image: &str) -> Rig {
        let image = lookup(image).expect("image in catalogue");
        let mut volumes = Volumes::new();
        let mut root = image.root_fs();
        root.put_file("/etc/hostname", b"web\n", 0o644);
        let root_id = volumes.add(root);
        Rig { volumes, mounts: MountTable::with_root(root_id), image, net: TestNet::default(), now_ms: EPOCH_MS, cpu_limit_millicores: None }
    }

    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = self.image.env();
        env.push(("HOSTNAME".into(), "web".into()));
        env
    }

    pub fn spawn(&mut self, argv: &[&str]) -> Result<Process, ExecError> {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let opts = SpawnOptions::new(argv, self.env());
        Process::spawn(self.image.image, opts, &FsView::new(&mut self.volumes, &self.mounts))
    }

    pub fn spawn_opts(&mut self, opts: SpawnOptions) -> Result<Process, ExecError> {
        Process::spawn(self.image.image, opts, &FsView::new(&mut self.volumes, &self.mounts))
    }

    /// One step at the current time.
    pub fn step(&mut self, p: &mut Process, budget: u32, out: &mut Vec<OutputLine>) -> Step {
        let mut ctx = ProcessCtx {
            now_ms: self.now_ms,
            fs: FsView::new(&mut self.volumes, &self.mounts),
            net: &mut self.net,
            output: out,
            cpu_limit_millicores: self.cpu_limit_millicores,
        };
        p.step(&mut ctx, budget)
    }

    /// Drive until exit or `deadline_ms` (relative to now), jumping to wake times.
    pub fn run_for(&mut self, p: &mut Process, deadline_ms: u64) -> (Vec<OutputLine>, Option<i32>) {
        let end = self.now_ms + deadline_ms;
        let mut out = Vec::new();
        let mut yields = 0;
        for _ in 0..100_000 {
            match self.step(p, 1000, &mut out) {
                Step::Exited(c) => return (out, Some(c)),
                // A busy process (yes, while true) never idles: stop after a few thousand steps.
                Step::Yield if yields > 200 => return (out, None),
                Step::Yield => yields += 1,
                Step::Idle { wake_at_ms } => {
                    let next = wake_at_ms.unwrap_or(end).max(self.now_ms + 1);
                    if next > end {
                        self.now_ms = end;
                        return (out, None);
                    }
                    self.now_ms = next;
                }
            }
        }
        (out, None)
    }

    pub fn serve(&mut self, p: &mut Process, port: u16, req: &HttpRequest) -> (Option<HttpResponse>, Vec<OutputLine>) {
        let mut out = Vec::new();
        let mut ctx = ProcessCtx {
            now_ms: self.now_ms,
            fs: FsView::new(&mut self.volumes, &self.mounts),
            net: &mut self.net,
            output: &mut out,
            cpu_limit_millicores: self.cpu_limit_millicores,
        };
        (p.serve_http(&mut ctx, port, req), out)
    }

    pub fn fs(&mut self) -> FsView<'_> {
        FsView::new(&mut self.volumes, &self.mounts)
    }
}

/// Join lines of one stream.
pub fn text(out: &[OutputLine], stream: Stream) -> String {
    out.iter().filter(|l| l.stream == stream).map(|l| format!("{}\n", l.text)).collect()
}

/// Run `sh -c script` in `image` for up to 60 simulated seconds: (stdout, stderr, exit code).
pub fn sh_in(image: &str, script: &str) -> (String, String, Option<i32>) {
    let mut rig = Rig::new(image);
    let mut p = rig.spawn(&["sh", "-c", script]).expect("sh exists");
    let (out, code) = rig.run_for(&mut p, 60_000);
    (text(&out, Stream::Stdout), text(&out, Stream::Stderr), code)
}

pub fn sh(script: &str) -> (String, String, Option<i32>) {
    sh_in("busybox", script)
}

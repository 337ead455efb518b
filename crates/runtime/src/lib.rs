//! The inside of a container: an in-memory filesystem, a bounded POSIX-sh subset interpreter
//! and the image programs (nginx, the log shipper, …) that run in simulated time. It owns "what a
//! process does"; it must never know about Kubernetes objects, the API server, wall-clock time
//! or the browser. The simulation drives it in bounded steps and gives it a network to talk to.
//!
//! # How the kubelet uses it
//!
//! ```
//! use podlab_runtime::*;
//! // Image: resolve the reference (errors -> the kubelet words the pull failure).
//! let image = lookup("busybox").unwrap();
//! // Filesystems live in one arena; each container gets a fresh root layer, pod volumes are
//! // shared trees mounted into several containers.
//! let mut volumes = Volumes::new();
//! let mut root = image.root_fs();
//! root.put_file("/etc/hostname", b"web\n", 0o644);
//! let root_id = volumes.add(root);
//! let logs = volumes.add(FsTree::new()); // an emptyDir
//! let mut mounts = MountTable::with_root(root_id);
//! mounts.add("/var/log", logs, "", false);
//! // argv as Kubernetes combines command/args with ENTRYPOINT/CMD; env = image env + container env.
//! let argv = container_argv(image.image, &["sh".into(), "-c".into(), "echo hi; sleep 5".into()], &[]);
//! let mut env = image.env();
//! env.push(("HOSTNAME".into(), "web".into()));
//! let mut proc = Process::spawn(image.image, SpawnOptions::new(argv, env), &FsView::new(&mut volumes, &mounts))
//!     .expect("runc would report ExecError::create_message()");
//! // Step it: at its wake time, or every tick (calling early is harmless).
//! let mut net = NullNetwork::default();
//! let mut out = Vec::new();
//! let mut ctx = ProcessCtx { now_ms: 0, fs: FsView::new(&mut volumes, &mounts), net: &mut net, output: &mut out, cpu_limit_millicores: None };
//! assert_eq!(proc.step(&mut ctx, 1000), Step::Idle { wake_at_ms: Some(5000) });
//! assert_eq!(out[0].text, "hi");
//! ```
//!
//! * `Step::Yield`: budget used up, call again; `Step::Idle { wake_at_ms }`: call again by
//!   then (or whenever something external changed); `Step::Exited(code)`.
//! * Signals: `proc.signal(Signal::Term)` (handled at the next step: nginx exits 0 with its
//!   shutdown lines, `sh` as PID 1 ignores it); `Signal::Kill` ends it at once with 137.
//! * Memory: `proc.memory_bytes()` each tick; above the limit the kubelet kills (137, OOMKilled).
//! * Network: implement `Network` per pod (one port space, `127.0.0.1` = the pod); route
//!   `Network::http`/`tcp_exchange` to the target process's `serve_http`/`serve_tcp`.
//! * `kubectl exec`: `Process::spawn` with `SpawnOptions::exec(argv, env, stdin, tty)` on the
//!   same `FsView`; feed input with `write_stdin`, close with `close_stdin`; in tty mode the
//!   output chunks are raw text including prompts (`/ # `, `root@web:/# `). Set
//!   `opts.pid1_cmdline` so `ps` lists PID 1; after stepping an exec process, deliver
//!   `take_pid1_signals()` (from `kill 1`, `nginx -s reload`) to the main process.

pub mod clock;
pub mod cpu;
pub mod fs;
pub mod image;
pub mod net;
pub mod process;
pub mod programs;
pub mod shell;

pub use fs::{FsError, FsTree, FsView, Mount, MountTable, VolumeId, Volumes};
pub use image::{catalogue, lookup, Base, Image, ImageLookupError, ImageRef, ProgramKind, ResolvedImage};
pub use net::{HttpRequest, HttpResponse, NetError, Network, NullNetwork};
pub use process::{container_argv, resolve_executable, ExecError, OutputLine, Process, ProcessCtx, Signal, SpawnOptions, Step, Stream};

//! A learner's terminal session: the simulated cluster, the in-memory workspace of files
//! (`cat > pod.yaml <<EOF`), the kubeconfig contexts, any open stream (`get -w`, `logs -f`)
//! and any attached exec session (`kubectl exec -it POD -- sh`: while [`Session::in_exec`],
//! typed lines go to the remote shell; the methods are in `commands/exec.rs`), and the
//! background jobs of `CMD &` (`jobs.rs`). The browser terminal and the `podlab` transcript
//! runner both drive it one line at a time.

use crate::output::CommandOutput;
use crate::shell::{parse_line, CommandLine};
use crate::streams::ActiveStream;
use podlab_sim::{ClusterSpec, SimTime, Simulation};
use std::collections::BTreeMap;

/// One kubeconfig context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub name: String,
    pub cluster: String,
    pub user: String,
    pub namespace: String,
}

/// The session's kubeconfig: a kubeadm-style admin context plus any the learner adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kubeconfig {
    pub contexts: Vec<Context>,
    pub current: String,
}

impl Default for Kubeconfig {
    fn default() -> Self {
        let admin = Context {
            name: "kubernetes-admin@kubernetes".into(),
            cluster: "kubernetes".into(),
            user: "kubernetes-admin".into(),
            namespace: String::new(),
        };
        Kubeconfig { current: admin.name.clone(), contexts: vec![admin] }
    }
}

impl Kubeconfig {
    pub fn current_context(&self) -> Option<&Context> {
        self.contexts.iter().find(|c| c.name == self.current)
    }
}

/// An `kubectl edit` waiting for the terminal's editor to hand back the text.
#[derive(Debug, Clone)]
pub struct PendingEdit {
    pub kind: &'static str,
    pub object: serde_json::Value,
    /// What the editor was opened with (header comment plus YAML).
    pub text: String,
}

/// A terminal session over one simulated cluster.
pub struct Session {
    pub(crate) sim: Simulation,
    pub(crate) files: BTreeMap<String, String>,
    pub(crate) kubeconfig: Kubeconfig,
    pub(crate) stream: Option<ActiveStream>,
    /// Local ports forwarded by `kubectl port-forward`: (local port, namespace, pod, pod port).
    pub(crate) port_forwards: Vec<(u16, String, String, u16)>,
    pub(crate) pending_edit: Option<PendingEdit>,
    /// The exec session the terminal is attached to (`kubectl exec -it ... -- sh`).
    pub(crate) exec: Option<crate::commands::exec::ExecMode>,
    /// Nodes logged into with `ssh` and the open node shell (`node_shell/`).
    pub(crate) hosts: crate::node_shell::Hosts,
    /// Background jobs (`CMD &`, `jobs`, `kill %1`, `fg`: `jobs.rs`).
    pub(crate) jobs: crate::jobs::Jobs,
}

impl Session {
    /// A session on a fresh cluster built from `spec` with random seed `seed`.
    pub fn new(seed: u64, spec: ClusterSpec) -> Session {
        Session::with_simulation(Simulation::new(seed, spec))
    }

    /// A session over an existing simulation (a lesson's prepared cluster).
    pub fn with_simulation(sim: Simulation) -> Session {
        Session { sim, files: BTreeMap::new(), kubeconfig: Kubeconfig::default(), stream: None, port_forwards: Vec::new(), pending_edit: None, exec: None, hosts: Default::default(), jobs: Default::default() }
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn sim_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    /// The workspace files (path -> content).
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    pub fn write_file(&mut self, path: &str, content: &str) {
        self.files.insert(normalize_path(path), content.to_string());
    }

    pub fn read_file(&self, path: &str) -> Option<&str> {
        self.files.get(&normalize_path(path)).map(String::as_str)
    }

    pub fn kubeconfig(&self) -> &Kubeconfig {
        &self.kubeconfig
    }

    /// The heredoc delimiter a typed line waits for, if any (the terminal then collects the
    /// following lines and calls [`Session::execute_with_stdin`]).
    pub fn heredoc_delimiter(line: &str) -> Option<(String, bool)> {
        parse_line(line).ok().and_then(|c| c.heredoc).map(|h| (h.delimiter, h.strip_tabs))
    }

    /// Runs one typed line. In exec mode ([`Session::in_exec`] after `kubectl exec -it POD --
    /// sh`) the line goes to the remote shell instead and the result is the shell's output up
    /// to its next prompt; `exit` in the shell ends exec mode.
    pub fn execute(&mut self, line: &str) -> CommandOutput {
        self.execute_with_stdin(line, None)
    }

    /// Runs one typed line whose stdin is `stdin` (a heredoc body).
    pub fn execute_with_stdin(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        if self.exec_reads_input() {
            return self.exec_send(Some(&format!("{line}\n")), false);
        }
        if self.in_node_shell() {
            return self.node_shell_send(line, stdin);
        }
        // A new command ends any open stream, like Ctrl-C before typing it.
        self.exec_detach();
        if let Some(s) = self.stream.take() {
            s.close(self);
        }
        let parsed = match parse_line(line) {
            Ok(p) => p,
            Err(e) => {
                let mut out = CommandOutput::default();
                out.err(&format!("{}\n", e.message()));
                out.exit_code = 2;
                return out;
            }
        };
        self.jobs.commands += 1;
        let mut out = if parsed.background { self.run_background(&parsed, line, stdin) } else { self.run_parsed(&parsed, stdin) };
        // Whatever the command set in motion at this instant (zero-latency work) happens now.
        let now = self.sim.now();
        self.sim.advance_to(now);
        // Background jobs print what happened meanwhile (a watch sees the pod just created),
        // and before the next prompt bash reports the jobs that ended.
        let (code, streaming) = (out.exit_code, out.streaming);
        out.extend(self.poll_jobs());
        out.out(&self.job_notifications());
        out.exit_code = code;
        out.streaming = streaming;
        out
    }

    pub(crate) fn run_parsed(&mut self, cmd: &CommandLine, stdin: Option<&str>) -> CommandOutput {
        let mut out = crate::builtins::run(self, &cmd.argv, stdin, cmd.redirect.is_some());
        if let Some(pipe) = &cmd.pipe {
            out = crate::builtins::filter(out, pipe);
        }
        if let Some(r) = &cmd.redirect {
            let path = normalize_path(&r.path);
            let text = out.take_stdout();
            let entry = self.files.entry(path).or_default();
            if !r.append {
                entry.clear();
            }
            entry.push_str(&text);
        }
        out
    }

    /// Advances simulated time by `millis`, processing everything due, and returns what an
    /// open stream printed meanwhile.
    pub fn advance(&mut self, millis: u64) -> CommandOutput {
        let target = SimTime(self.sim.now().0.saturating_add(millis));
        let mut out = CommandOutput::default();
        // Step in small slices so a stream prints changes in the order they happen.
        let slice = 1_000;
        while self.sim.now() < target {
            let before = self.sim.now();
            let next = SimTime((before.0 + slice).min(target.0));
            self.sim.advance_to(next);
            out.extend(self.poll_stream());
            out.extend(self.poll_jobs());
            if self.in_exec() {
                out.extend(self.exec_step(None, false, podlab_sim::time::SimDuration(0)));
            }
            if self.sim.now() == before {
                // The simulation could not get past this instant (its step budget ran out);
                // stop rather than spin, so the terminal never hangs.
                break;
            }
        }
        out.streaming = self.is_streaming();
        out
    }

    /// New output of the open stream, if any.
    pub fn poll_stream(&mut self) -> CommandOutput {
        let Some(mut stream) = self.stream.take() else { return CommandOutput::default() };
        let (mut out, done) = stream.poll(self);
        if done {
            stream.close(self);
        } else {
            self.stream = Some(stream);
        }
        out.streaming = !done;
        out
    }

    /// Ctrl-C: closes the open stream (`get -w`, `logs -f`) or ends a blocking one-off
    /// `kubectl exec`. In an interactive exec shell it does nothing here: the terminal uses
    /// [`Session::exec_interrupt`], which sends SIGINT to the remote foreground command and
    /// returns the `^C` and the new prompt.
    pub fn interrupt(&mut self) {
        if let Some(s) = self.stream.take() {
            s.close(self);
        }
        if self.in_exec() && !self.exec_reads_input() {
            self.exec_detach();
        }
    }

    /// True while output may still arrive as time advances without the user typing: an open
    /// `get -w`/`logs -f` stream or a one-off `kubectl exec` still running.
    pub fn is_streaming(&self) -> bool {
        self.stream.is_some() || (self.in_exec() && !self.exec_reads_input())
    }

    /// The text an open `kubectl edit` put in the editor, if one is open.
    pub fn pending_edit(&self) -> Option<&PendingEdit> {
        self.pending_edit.as_ref()
    }

    /// Closes the editor of an open `kubectl edit` with `text`, saving as kubectl does.
    pub fn finish_edit(&mut self, text: &str) -> CommandOutput {
        let mut out = CommandOutput::default();
        let Some(edit) = self.pending_edit.take() else { return out };
        let info = match podlab_api::registry::lookup(edit.kind) {
            Some(i) => i,
            None => return out,
        };
        let flags = crate::cli::flags::Parsed::default();
        let mut ctx = crate::commands::Ctx::new(self, flags, None, &mut out, "kubectl edit".into());
        if let Err(f) = crate::commands::modify::save_edit(&mut ctx, info, &edit.object, &edit.text, text) {
            f.print(ctx.out);
        }
        out
    }

    /// Forwarded local ports, for the UI's "open http://localhost:PORT".
    pub fn forwarded_ports(&self) -> Vec<u16> {
        self.port_forwards.iter().map(|p| p.0).collect()
    }

    /// The `kubectl port-forward`s listening now, each with the pod port it forwards to.
    pub fn port_forwards(&self) -> Vec<PortForward> {
        self.port_forwards
            .iter()
            .map(|(local_port, namespace, pod, remote_port)| PortForward { local_port: *local_port, namespace: namespace.clone(), pod: pod.clone(), remote_port: *remote_port })
            .collect()
    }
}

/// One `kubectl port-forward` listening now: `localhost:local_port` reaches port
/// `remote_port` of pod `namespace/pod` (a Service or Deployment target was resolved to a pod
/// when the forward started, as real kubectl does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    pub local_port: u16,
    pub namespace: String,
    pub pod: String,
    pub remote_port: u16,
}

impl PortForward {
    /// Where the forward goes, as kubectl names it: `pod/web:80`, with `-n ns` outside
    /// `default`.
    pub fn target(&self) -> String {
        if self.namespace == "default" {
            format!("pod/{}:{}", self.pod, self.remote_port)
        } else {
            format!("pod/{}:{} -n {}", self.pod, self.remote_port, self.namespace)
        }
    }
}

/// `./pod.yaml` and `pod.yaml` name the same workspace file.
pub fn normalize_path(path: &str) -> String {
    let p = path.trim_start_matches("./");
    p.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::PortForward;

    #[test]
    fn a_forward_names_its_pod_port_and_any_other_namespace() {
        let forward = |namespace: &str| PortForward { local_port: 8080, namespace: namespace.into(), pod: "web".into(), remote_port: 80 };
        assert_eq!(forward("default").target(), "pod/web:80");
        assert_eq!(forward("dev").target(), "pod/web:80 -n dev");
    }
}

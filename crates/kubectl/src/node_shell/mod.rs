//! `ssh NODE`: a root login shell on one of the cluster's machines, as on a real lab where
//! node faults are caused from the node itself — `sudo systemctl stop kubelet`, or a static
//! pod manifest written into `/etc/kubernetes/manifests/`. The shell is the runtime's `bash`
//! (prompt `root@node01:~# `) over the node's own filesystem (`host.rs`), so `cat <<EOF >
//! file`, `ls`, `rm`, `cd` and variables behave as in a container's shell. Lines naming
//! `systemctl` (with or without `sudo`) are the node's service manager (`systemctl.rs`); `exit`
//! or `logout` ends the session (`logout`, then ssh's `Connection to node01 closed.`).
//! While a node shell is open the Session routes typed lines here (like exec mode), and after
//! each line the manifests directory is handed to the node's kubelet. Each node's disk lives
//! as long as the Session, so a second `ssh` finds the files of the first.

pub mod host;
pub mod systemctl;

use crate::output::CommandOutput;
use crate::session::Session;
use host::{Host, NODE_IMAGE};
use podlab_runtime::{NullNetwork, OutputLine, Process, ProcessCtx, SpawnOptions, Step, Stream};
use podlab_sim::time::SimDuration;
use std::collections::BTreeMap;

/// How far one typed line may advance simulated time (a `sleep` in the node shell).
const LINE_WAIT: SimDuration = SimDuration(60_000);
/// Interpreter steps per slice of the shell process.
const STEP_BUDGET: u32 = 20_000;
/// Slices per typed line before the shell is considered busy (bounded like every loop).
const ROUNDS_MAX: u32 = 1_000;

/// The machines the session has logged into and the open login shell, if any.
#[derive(Default)]
pub struct Hosts {
    machines: BTreeMap<String, Host>,
    shell: Option<LoginShell>,
}

/// An open `ssh` session: the node and its interactive bash.
struct LoginShell {
    node: String,
    process: Process,
    /// The last primary prompt the shell printed (reprinted after a `systemctl` line).
    prompt: String,
    /// The shell waits at its primary prompt (not inside a heredoc or an open `if`).
    at_prompt: bool,
}

/// `ssh [-options] [user@]host`: resolves `host` among the cluster's nodes (names and
/// InternalIPs, as /etc/hosts on a lab machine does) and opens the login shell.
pub fn ssh(session: &mut Session, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    let mut it = args.iter();
    let mut dest = None;
    let mut command = Vec::new();
    while let Some(a) = it.next() {
        if dest.is_some() {
            command.push(a.clone());
        } else if a.len() == 2 && a.starts_with('-') && "BbcDEeFIiJLlmOoQRSWwp".contains(&a[1..]) {
            it.next();
        } else if !a.starts_with('-') {
            dest = Some(a.clone());
        }
    }
    let Some(dest) = dest else {
        out.err(SSH_USAGE);
        out.exit_code = 255;
        return out;
    };
    // ssh lowercases the host name before resolving it.
    let host = dest.rsplit('@').next().unwrap_or(&dest).to_lowercase();
    let node = session.sim.cluster().nodes.iter().find(|n| n.name.to_lowercase() == host || n.internal_ip == host).map(|n| n.name.clone());
    let Some(node) = node else {
        out.err(&format!("ssh: Could not resolve hostname {host}: Name or service not known\n"));
        out.exit_code = 255;
        return out;
    };
    if !command.is_empty() {
        out.err("Pseudo-terminal will not be allocated because stdin is not a terminal.\n");
        out.err("podlab: ssh runs an interactive login shell only; log in and type the command\n");
        out.exit_code = 255;
        return out;
    }
    session.open_node_shell(&node)
}

/// Where a heredoc body waits while the command that reads it runs.
const HEREDOC_FILE: &str = "/tmp/.podlab-heredoc";

/// `cat <<'EOF' > f` -> `cat < /tmp/.podlab-heredoc > f`: the heredoc operator and its
/// delimiter word replaced by an input redirection (outside quotes only).
fn heredoc_as_file(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let (mut quote, mut at) = (None, None);
    for (i, b) in bytes.iter().enumerate() {
        match (quote, *b) {
            (None, b'\'' | b'"') => quote = Some(*b),
            (Some(q), c) if c == q => quote = None,
            (None, b'<') if bytes.get(i + 1) == Some(&b'<') => {
                at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let start = at?;
    let mut end = start + 2;
    if bytes.get(end) == Some(&b'-') {
        end += 1;
    }
    while bytes.get(end) == Some(&b' ') {
        end += 1;
    }
    let mut q = None;
    while let Some(&b) = bytes.get(end) {
        match (q, b) {
            (None, b'\'' | b'"') => q = Some(b),
            (Some(c), b) if b == c => q = None,
            (None, b' ' | b'\t' | b'>' | b'|' | b';' | b'&') => break,
            _ => {}
        }
        end += 1;
    }
    Some(format!("{}< {HEREDOC_FILE}{}", &line[..start], &line[end..]))
}

const SSH_USAGE: &str = "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-p port] [-Q query_option] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n";

impl Session {
    /// True while the terminal is logged into a node (`ssh node01`): typed lines go to the
    /// node's shell.
    pub fn in_node_shell(&self) -> bool {
        self.hosts.shell.is_some()
    }

    fn open_node_shell(&mut self, node: &str) -> CommandOutput {
        let sim = &mut self.sim;
        let host = self.hosts.machines.entry(node.to_string()).or_insert_with(|| Host::boot(sim, node));
        let env = vec![
            ("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()),
            ("HOME".to_string(), "/root".to_string()),
            ("USER".to_string(), "root".to_string()),
            ("HOSTNAME".to_string(), node.to_string()),
        ];
        let mut opts = SpawnOptions::exec(vec!["bash".into()], env, true, true);
        opts.working_dir = "/root".into();
        let mut out = CommandOutput::default();
        match Process::spawn(&NODE_IMAGE, opts, &host.view()) {
            Ok(process) => {
                self.hosts.shell = Some(LoginShell { node: node.to_string(), process, prompt: String::new(), at_prompt: true });
                out.extend(self.node_shell_run(None));
            }
            Err(e) => {
                out.err(&format!("{}\n", e.create_message()));
                out.exit_code = 255;
            }
        }
        out
    }

    /// Sends one typed line (and a heredoc body the terminal collected) to the node shell and
    /// returns its output up to the next prompt.
    pub(crate) fn node_shell_send(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        let Some((at_prompt, node)) = self.hosts.shell.as_ref().map(|s| (s.at_prompt, s.node.clone())) else { return CommandOutput::default() };
        if at_prompt {
            if let Some(out) = self.node_builtin(line) {
                return out;
            }
        }
        let Some(body) = stdin else { return self.node_shell_run(Some(&format!("{line}\n"))) };
        // The runtime's shell takes a heredoc only within one input, so the body the terminal
        // collected is handed over as a file the command reads instead.
        let (Some(host), Some(rewritten)) = (self.hosts.machines.get_mut(&node), heredoc_as_file(line)) else {
            return self.node_shell_run(Some(&format!("{line}\n")));
        };
        let now_ms = self.sim.now().as_millis();
        let _ = host.view().write(HEREDOC_FILE, body.as_bytes(), now_ms);
        let out = self.node_shell_run(Some(&format!("{rewritten}\n")));
        if let Some(host) = self.hosts.machines.get_mut(&node) {
            let _ = host.view().remove(HEREDOC_FILE, false);
        }
        out
    }

    /// `systemctl`, `exit`/`logout` and a leading `sudo`, handled outside the bash process.
    fn node_builtin(&mut self, line: &str) -> Option<CommandOutput> {
        let parsed = crate::shell::parse_line(line).ok()?;
        let mut argv: &[String] = &parsed.argv;
        while argv.first().is_some_and(|a| a == "sudo") {
            argv = &argv[1..];
        }
        let first = argv.first()?.as_str();
        let shell = self.hosts.shell.as_ref()?;
        let (node, prompt) = (shell.node.clone(), shell.prompt.clone());
        match first {
            "systemctl" if parsed.pipe.is_none() && parsed.redirect.is_none() => {
                let host = self.hosts.machines.get_mut(&node)?;
                let mut out = systemctl::run(&mut self.sim, host, &argv[1..]);
                let now = self.sim.now();
                self.sim.advance_to(now);
                out.out(&prompt);
                Some(out)
            }
            "exit" | "logout" => {
                let code = argv.get(1).and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
                self.hosts.shell = None;
                let mut out = CommandOutput::default();
                out.out("logout\n");
                out.err(&format!("Connection to {node} closed.\n"));
                out.exit_code = code & 0xff;
                Some(out)
            }
            _ if argv.len() < parsed.argv.len() => {
                // `sudo CMD`: root's shell runs CMD itself.
                let rest = line.trim_start().trim_start_matches("sudo").trim_start().to_string();
                Some(self.node_shell_run(Some(&format!("{rest}\n"))))
            }
            _ => None,
        }
    }

    /// Feeds `input` to the shell and steps it, letting simulated time run through its
    /// sleeps for at most [`LINE_WAIT`], until it waits at a prompt; then syncs the node's
    /// manifests directory with its kubelet.
    pub(crate) fn node_shell_run(&mut self, input: Option<&str>) -> CommandOutput {
        let mut out = CommandOutput::default();
        let Some(mut shell) = self.hosts.shell.take() else { return out };
        let Some(host) = self.hosts.machines.get_mut(&shell.node) else { return out };
        if let Some(text) = input {
            shell.process.write_stdin(text);
        }
        let deadline = self.sim.now().plus(LINE_WAIT);
        let mut lines: Vec<OutputLine> = Vec::new();
        let mut exited = None;
        for _ in 0..ROUNDS_MAX {
            let mut net = NullNetwork::default();
            let mut ctx = ProcessCtx { now_ms: self.sim.now().as_millis(), fs: host.view(), net: &mut net, output: &mut lines, cpu_limit_millicores: None };
            match shell.process.step(&mut ctx, STEP_BUDGET) {
                Step::Yield => {}
                Step::Idle { wake_at_ms: Some(t) } if t <= deadline.as_millis() => {
                    let to = podlab_sim::time::SimTime(t.max(self.sim.now().as_millis()));
                    self.sim.advance_to(to);
                }
                Step::Idle { .. } => break,
                Step::Exited(code) => {
                    exited = Some(code);
                    break;
                }
            }
        }
        host.sync_manifests(&mut self.sim);
        let now = self.sim.now();
        self.sim.advance_to(now);
        let mut tail = String::new();
        for l in &lines {
            if l.stream == Stream::Stderr {
                out.err(&l.text);
            } else {
                out.out(&l.text);
                tail.push_str(&l.text);
            }
        }
        if let Some(code) = exited {
            out.err(&format!("Connection to {} closed.\n", shell.node));
            out.exit_code = code;
            return out;
        }
        let last = tail.rsplit('\n').next().unwrap_or("");
        if !last.is_empty() {
            shell.at_prompt = last.ends_with("# ");
            if shell.at_prompt {
                shell.prompt = last.to_string();
            }
        }
        self.hosts.shell = Some(shell);
        out
    }

    /// Closes the node shell without typing `exit` (the script ended, the page went away).
    pub fn node_shell_close(&mut self) {
        self.hosts.shell = None;
    }
}

#[cfg(test)]
mod tests {
    use super::heredoc_as_file;

    #[test]
    fn heredoc_operator_becomes_a_redirection() {
        let cases = [
            ("cat <<EOF > /etc/kubernetes/manifests/web.yaml", "cat < /tmp/.podlab-heredoc > /etc/kubernetes/manifests/web.yaml"),
            ("cat > f.yaml <<'EOF'", "cat > f.yaml < /tmp/.podlab-heredoc"),
            ("tee f <<-END >/dev/null", "tee f < /tmp/.podlab-heredoc >/dev/null"),
            ("echo '<<x' <<EOF", "echo '<<x' < /tmp/.podlab-heredoc"),
        ];
        for (line, want) in cases {
            assert_eq!(heredoc_as_file(line).as_deref(), Some(want), "{line}");
        }
        assert_eq!(heredoc_as_file("ls -l"), None);
    }
}

#[cfg(test)]
mod session_tests {
    use crate::Session;
    use podlab_sim::ClusterSpec;

    /// (line, stdout contains, stderr contains, exit code) typed one after another.
    type Case = (&'static str, &'static str, &'static str, i32);

    fn run(cases: &[Case]) -> Session {
        let mut s = Session::new(1, ClusterSpec::default());
        for (line, out, err, code) in cases {
            let o = s.execute(line);
            assert!(o.stdout.contains(out), "{line}: stdout {:?}", o.stdout);
            assert!(o.stderr.contains(err), "{line}: stderr {:?}", o.stderr);
            assert_eq!(o.exit_code, *code, "{line}: {o:?}");
        }
        s
    }

    #[test]
    fn ssh_resolves_nodes_only() {
        run(&[
            ("ssh NodeX", "", "ssh: Could not resolve hostname nodex: Name or service not known\n", 255),
            ("ssh", "", "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]", 255),
            ("ssh root@192.168.10.11", "root@node01:~# ", "", 0),
            ("exit 3", "logout\n", "Connection to node01 closed.\n", 3),
        ]);
    }

    #[test]
    fn systemctl_stops_and_starts_the_kubelet() {
        let s = run(&[
            ("ssh node01", "root@node01:~# ", "", 0),
            ("systemctl status kubelet", "Active: active (running) since Wed 2025-01-01 11:59:00 UTC; 1min 0s ago", "", 0),
            ("sudo systemctl stop kubelet", "root@node01:~# ", "", 0),
            ("systemctl is-active kubelet", "inactive\n", "", 3),
            ("systemctl status kubelet", "Active: inactive (dead)", "", 3),
            ("systemctl stop containerd-foo", "", "Failed to stop containerd-foo.service: Unit containerd-foo.service not found.\n", 5),
            ("systemctl frobnicate kubelet", "", "Unknown command verb 'frobnicate'.\n", 1),
        ]);
        assert!(s.sim().node_stopped("node01"));
        // The kubelet service stopped; the machine (and its pods' network) did not.
        assert!(!s.sim().node_powered_off("node01"));
        let s = run(&[("ssh node01", "", "", 0), ("systemctl stop kubelet", "", "", 0), ("sudo systemctl restart kubelet", "", "", 0)]);
        assert!(!s.sim().node_stopped("node01"));
    }

    #[test]
    fn manifests_become_static_pods_and_go_away_with_their_file() {
        let mut s = run(&[("ssh node02", "root@node02:~# ", "", 0)]);
        let body = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";
        let o = s.execute_with_stdin("cat <<EOF > /etc/kubernetes/manifests/web.yaml", Some(body));
        assert_eq!(o.stdout, "root@node02:~# ", "{o:?}");
        // Not a Pod: the kubelet's file source skips it.
        let o = s.execute_with_stdin("cat > /etc/kubernetes/manifests/junk.yaml <<EOF", Some("kind: ConfigMap\n"));
        assert_eq!(o.exit_code, 0);
        assert_eq!(s.sim_mut().static_pods("node02").len(), 1);
        s.execute("rm /etc/kubernetes/manifests/web.yaml");
        assert!(s.sim_mut().static_pods("node02").is_empty());
        s.execute("exit");
        assert!(!s.in_node_shell());
    }
}

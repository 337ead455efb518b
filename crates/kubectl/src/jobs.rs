//! Bash job control in the learner's terminal: `CMD &` starts a background job (`[1] 4243`),
//! `jobs` lists them, `kill %1` and `fg` stop or resume them, and a job that ended is reported
//! before the next prompt (`[1]+  Done  ...`, `[1]+  Terminated  ...`), worded and laid out as
//! bash 5 does. Tutorials type `kubectl port-forward pod/web 8080:80 &` and
//! `kubectl get pods -w &`; a background job keeps what the command left running (its watch
//! or log stream, its forwarded ports, a `sleep`), and its later output interleaves with the
//! terminal as simulated time advances ([`Session::advance`] polls every job).

use crate::output::CommandOutput;
use crate::session::Session;
use crate::streams::ActiveStream;
use podlab_sim::SimTime;

/// The first pid the terminal's bash hands out; later jobs count up from it, so transcripts
/// are deterministic.
const FIRST_PID: u32 = 4243;

/// What a background job keeps alive.
pub enum Work {
    /// `get -w`, `logs -f`: polled as time advances.
    Stream(ActiveStream),
    /// `port-forward`: the local ports it listens on (in `Session::port_forwards`).
    Forward(Vec<u16>),
    /// `sleep 30 &`: ends when simulated time reaches this instant.
    Sleep(SimTime),
    /// Nothing left: the command ran to its end.
    Finished,
}

/// How a job stands, in the words `jobs` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    /// Ended by itself with this exit code (`Done` for 0, `Exit N` otherwise).
    Exited(i32),
    /// Ended by a signal (`Terminated`, `Killed`, `Interrupt`, `Hangup`).
    Signaled(&'static str),
}

impl JobState {
    fn word(&self) -> String {
        match self {
            JobState::Running => "Running".into(),
            JobState::Exited(0) => "Done".into(),
            JobState::Exited(code) => format!("Exit {code}"),
            JobState::Signaled(name) => (*name).into(),
        }
    }
}

/// One background job.
pub struct Job {
    pub number: u32,
    pub pid: u32,
    /// The command line as typed, without the `&`.
    pub command: String,
    pub work: Work,
    pub state: JobState,
    /// The command (by the session's count) that started it: bash reports an ending only at a
    /// later prompt, so a job that finished at once is reported after the next command.
    started_at_command: u64,
}

/// The session's job table.
#[derive(Default)]
pub struct Jobs {
    pub(crate) list: Vec<Job>,
    next_pid: u32,
    /// Commands run so far (see `Job::started_at_command`).
    pub(crate) commands: u64,
}

impl Jobs {
    /// `+` for the current job (the newest), `-` for the one before, else a space.
    fn mark(&self, index: usize) -> char {
        let n = self.list.len();
        if index + 1 == n {
            '+'
        } else if index + 2 == n {
            '-'
        } else {
            ' '
        }
    }

    /// One `jobs` line: `[1]+  Running                 kubectl get pods -w &`.
    fn line(&self, index: usize, with_pid: bool) -> String {
        let job = &self.list[index];
        let pid = if with_pid { format!(" {}", job.pid) } else { " ".to_string() };
        let amp = if job.state == JobState::Running { " &" } else { "" };
        format!("[{}]{}{pid} {:<24}{}{amp}\n", job.number, self.mark(index), job.state.word(), job.command)
    }

    /// The index of the job a jobspec (`%1`, `%%`, `%+`, `%-`, `1`) names.
    fn find(&self, spec: &str) -> Option<usize> {
        let n = self.list.len();
        match spec.strip_prefix('%').unwrap_or(spec) {
            "" | "%" | "+" => n.checked_sub(1),
            "-" => n.checked_sub(2).or(n.checked_sub(1)),
            num => {
                let number: u32 = num.parse().ok()?;
                self.list.iter().position(|j| j.number == number)
            }
        }
    }
}

impl Session {
    /// Runs a parsed `CMD &`: prints `[N] PID`, runs the command, and keeps whatever it left
    /// running as job N.
    pub(crate) fn run_background(&mut self, cmd: &crate::shell::CommandLine, text: &str, stdin: Option<&str>) -> CommandOutput {
        let number = self.jobs.list.iter().map(|j| j.number).max().unwrap_or(0) + 1;
        let pid = FIRST_PID + self.jobs.next_pid;
        self.jobs.next_pid += 1;
        let mut out = CommandOutput::default();
        out.err(&format!("[{number}] {pid}\n"));
        let ports_before: Vec<u16> = self.port_forwards.iter().map(|p| p.0).collect();
        let sleep_ms = (cmd.argv.first().map(String::as_str) == Some("sleep")).then(|| cmd.argv.get(1).and_then(|a| crate::duration::parse_duration_millis(a))).flatten();
        let mut result = match sleep_ms {
            // A background sleep must not hold the terminal: it ends on its own later.
            Some(_) => CommandOutput::default(),
            None => self.run_parsed(cmd, stdin),
        };
        let work = if let Some(ms) = sleep_ms {
            Work::Sleep(SimTime(self.sim.now().0.saturating_add(ms as u64)))
        } else if let Some(stream) = self.stream.take() {
            Work::Stream(stream)
        } else {
            let new_ports: Vec<u16> = self.port_forwards.iter().map(|p| p.0).filter(|p| !ports_before.contains(p)).collect();
            if new_ports.is_empty() { Work::Finished } else { Work::Forward(new_ports) }
        };
        if self.in_exec() && !self.exec_reads_input() {
            // A one-off exec in the background runs to its end without the terminal.
            self.exec_detach();
        }
        let state = if matches!(work, Work::Finished) { JobState::Exited(result.exit_code) } else { JobState::Running };
        let command = text.trim_end().trim_end_matches('&').trim_end().to_string();
        self.jobs.list.push(Job { number, pid, command, work, state, started_at_command: self.jobs.commands });
        result.streaming = false;
        result.exit_code = 0;
        out.extend(result);
        out
    }

    /// Lets every running background job see the time that passed: new stream output, and
    /// jobs whose stream, forwarded ports or sleep ended.
    pub(crate) fn poll_jobs(&mut self) -> CommandOutput {
        let mut out = CommandOutput::default();
        let now = self.sim.now();
        for index in 0..self.jobs.list.len() {
            if self.jobs.list[index].state != JobState::Running {
                continue;
            }
            let work = std::mem::replace(&mut self.jobs.list[index].work, Work::Finished);
            let (work, ended) = match work {
                Work::Stream(mut stream) => {
                    let (text, done) = stream.poll(self);
                    out.extend(text);
                    if done {
                        stream.close(self);
                        (Work::Finished, Some(0))
                    } else {
                        (Work::Stream(stream), None)
                    }
                }
                // The port-forward exits with `lost connection to pod` once its listeners went.
                Work::Forward(ports) if !self.port_forwards.iter().any(|f| ports.contains(&f.0)) => (Work::Finished, Some(1)),
                Work::Sleep(until) if now >= until => (Work::Finished, Some(0)),
                other => (other, None),
            };
            let job = &mut self.jobs.list[index];
            job.work = work;
            if let Some(code) = ended {
                job.state = JobState::Exited(code);
            }
        }
        out.streaming = false;
        out.exit_code = 0;
        out
    }

    /// Marks jobs whose forwarded ports or sleep ended. Streams are left alone: their output
    /// is only ever taken by [`Session::poll_jobs`], which prints it.
    fn refresh_jobs(&mut self) {
        let now = self.sim.now();
        for job in self.jobs.list.iter_mut().filter(|j| j.state == JobState::Running) {
            let ended = match &job.work {
                Work::Forward(ports) => (!self.port_forwards.iter().any(|f| ports.contains(&f.0))).then_some(1),
                Work::Sleep(until) => (now >= *until).then_some(0),
                Work::Stream(_) | Work::Finished => None,
            };
            if let Some(code) = ended {
                job.work = Work::Finished;
                job.state = JobState::Exited(code);
            }
        }
    }

    /// What bash prints before the next prompt: one line per job that ended since it was last
    /// reported (and not in the command that started it); those jobs leave the table.
    pub(crate) fn job_notifications(&mut self) -> String {
        self.refresh_jobs();
        let mut text = String::new();
        let mut index = 0;
        while index < self.jobs.list.len() {
            let job = &self.jobs.list[index];
            if job.state != JobState::Running && job.started_at_command < self.jobs.commands {
                text.push_str(&self.jobs.line(index, false));
                self.jobs.list.remove(index);
            } else {
                index += 1;
            }
        }
        text
    }

    /// Ends job `index` with a signal, releasing what it held.
    fn signal_job(&mut self, index: usize, signal: &'static str) {
        let work = std::mem::replace(&mut self.jobs.list[index].work, Work::Finished);
        match work {
            Work::Stream(stream) => stream.close(self),
            Work::Forward(ports) => self.port_forwards.retain(|f| !ports.contains(&f.0)),
            Work::Sleep(_) | Work::Finished => {}
        }
        if self.jobs.list[index].state == JobState::Running {
            self.jobs.list[index].state = JobState::Signaled(signal);
        }
    }

    /// Whether any background job is still running (the terminal keeps ticking for them).
    pub fn has_running_jobs(&self) -> bool {
        self.jobs.list.iter().any(|j| j.state == JobState::Running)
    }
}

/// The `jobs` builtin (`-l` adds pids, `-p` prints only pids).
pub fn jobs(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    session.refresh_jobs();
    let with_pid = args.iter().any(|a| a == "-l");
    let pids_only = args.iter().any(|a| a == "-p");
    if let Some(bad) = args.iter().find(|a| a.starts_with('-') && !matches!(a.as_str(), "-l" | "-p")) {
        out.err(&format!("bash: jobs: {bad}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n"));
        out.exit_code = 2;
        return;
    }
    for index in 0..session.jobs.list.len() {
        if pids_only {
            out.out(&format!("{}\n", session.jobs.list[index].pid));
        } else {
            out.out(&session.jobs.line(index, with_pid));
        }
    }
    // Listing an ended job reports it: bash does not mention it again.
    session.jobs.list.retain(|j| j.state == JobState::Running);
}

/// Signal names `kill` accepts and the word `jobs` shows for a job they ended.
fn signal_word(spec: &str) -> Option<&'static str> {
    let name = spec.trim_start_matches("SIG");
    Some(match name {
        "TERM" | "15" => "Terminated",
        "KILL" | "9" => "Killed",
        "INT" | "2" => "Interrupt",
        "HUP" | "1" => "Hangup",
        _ => return None,
    })
}

/// The `kill` builtin for jobs: `kill %1`, `kill -9 %1`, `kill -s INT %2`, `kill PID`.
pub fn kill(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let mut signal = "Terminated";
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let spec = match a.as_str() {
            "-s" | "-n" => it.next().map(String::as_str),
            flag if flag.starts_with('-') && flag.len() > 1 && targets.is_empty() => Some(&flag[1..]),
            _ => {
                targets.push(a.clone());
                continue;
            }
        };
        match spec.and_then(signal_word) {
            Some(word) => signal = word,
            None => {
                out.err(&format!("bash: kill: {}: invalid signal specification\n", spec.unwrap_or("")));
                out.exit_code = 1;
                return;
            }
        }
    }
    if targets.is_empty() {
        out.err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
        out.exit_code = 2;
        return;
    }
    session.refresh_jobs();
    for target in targets {
        let index = if target.starts_with('%') {
            session.jobs.find(&target)
        } else if let Ok(pid) = target.parse::<u32>() {
            match session.jobs.list.iter().position(|j| j.pid == pid) {
                Some(i) => Some(i),
                None => {
                    out.err(&format!("bash: kill: ({pid}) - No such process\n"));
                    out.exit_code = 1;
                    continue;
                }
            }
        } else {
            out.err(&format!("bash: kill: {target}: arguments must be process or job IDs\n"));
            out.exit_code = 1;
            continue;
        };
        match index {
            Some(i) if session.jobs.list[i].state == JobState::Running => session.signal_job(i, signal),
            Some(_) => {}
            None => {
                out.err(&format!("bash: kill: {target}: no such job\n"));
                out.exit_code = 1;
            }
        }
    }
}

/// The `fg` builtin: prints the job's command and gives it the terminal (Ctrl+C ends it).
pub fn fg(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    session.refresh_jobs();
    let spec = args.first().map(String::as_str).unwrap_or("%+");
    let Some(index) = session.jobs.find(spec) else {
        let shown = if args.is_empty() { "current" } else { spec };
        out.err(&format!("bash: fg: {shown}: no such job\n"));
        out.exit_code = 1;
        return;
    };
    let job = session.jobs.list.remove(index);
    out.out(&format!("{}\n", job.command));
    if job.state != JobState::Running {
        out.err("bash: fg: job has terminated\n");
        out.exit_code = 1;
        return;
    }
    let stream = match job.work {
        Work::Stream(stream) => stream,
        Work::Forward(ports) => ActiveStream::Forward(ports),
        Work::Sleep(until) => ActiveStream::Sleep(until),
        Work::Finished => return,
    };
    session.stream = Some(stream);
    out.streaming = true;
}

/// The `bg` builtin: every job here already runs in the background.
pub fn bg(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let spec = args.first().map(String::as_str).unwrap_or("%+");
    match session.jobs.find(spec) {
        Some(i) => out.err(&format!("bash: bg: job {} already in background\n", session.jobs.list[i].number)),
        None => {
            let shown = if args.is_empty() { "current" } else { spec };
            out.err(&format!("bash: bg: {shown}: no such job\n"));
            out.exit_code = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(1, podlab_sim::ClusterSpec::default())
    }

    #[test]
    fn job_lines_use_bash_columns_and_marks() {
        let mut s = session();
        for cmd in ["sleep 30 &", "sleep 40 &", "sleep 50 &"] {
            let out = s.execute(cmd);
            assert_eq!(out.exit_code, 0, "{cmd}");
        }
        let table = [
            (0, false, "[1]   Running                 sleep 30 &\n"),
            (1, false, "[2]-  Running                 sleep 40 &\n"),
            (2, true, "[3]+ 4245 Running                 sleep 50 &\n"),
        ];
        for (index, pid, want) in table {
            assert_eq!(s.jobs.line(index, pid), want);
        }
        let state_words = [(JobState::Exited(0), "Done"), (JobState::Exited(2), "Exit 2"), (JobState::Signaled("Killed"), "Killed")];
        for (state, want) in state_words {
            assert_eq!(state.word(), want);
        }
    }

    #[test]
    fn ended_jobs_are_reported_once_before_the_next_prompt() {
        let mut s = session();
        assert_eq!(s.execute("sleep 5 &").text(), "[1] 4243\n");
        // Not yet: the sleep has 5 simulated seconds to go.
        assert_eq!(s.execute("echo hi").text(), "hi\n");
        let _ = s.advance(5_000);
        assert!(!s.has_running_jobs());
        assert_eq!(s.execute("echo hi").text(), "hi\n[1]+  Done                    sleep 5\n");
        assert_eq!(s.execute("echo hi").text(), "hi\n");
        assert_eq!(s.execute("jobs").text(), "");
    }

    #[test]
    fn kill_and_fg_follow_bash() {
        let mut s = session();
        let _ = s.execute("sleep 60 &");
        assert_eq!(s.execute("kill %1").text(), "[1]+  Terminated              sleep 60\n");
        let table = [
            ("kill %1", "bash: kill: %1: no such job\n", 1),
            ("fg", "bash: fg: current: no such job\n", 1),
            ("kill -s BOGUS %1", "bash: kill: BOGUS: invalid signal specification\n", 1),
        ];
        for (cmd, want, code) in table {
            let out = s.execute(cmd);
            assert_eq!((out.text().as_str(), out.exit_code), (want, code), "{cmd}");
        }
        let _ = s.execute("sleep 60 &");
        let out = s.execute("fg");
        assert_eq!(out.text(), "sleep 60\n");
        assert!(out.streaming && s.is_streaming());
        s.interrupt();
        assert!(!s.is_streaming());
        assert_eq!(s.execute("jobs").text(), "");
    }
}

//! `kubectl exec`: the client-side checks (argument forms, completed pods, the default
//! container notice), the `pods/exec` request, and the session that follows. A one-off
//! command runs while simulated time advances until it exits (`command terminated with exit
//! code N` on stderr and as kubectl's exit code when it fails); one still running after
//! [`ONE_OFF_WAIT`] stays attached until Ctrl-C. `-i` without piped stdin (`-it ... -- sh`)
//! puts the session in exec mode: the terminal's lines go to the remote shell (see the
//! `impl Session` block below for the API the browser terminal uses).

use super::logs::{choose_container, find_pod};
use super::{fail, CmdResult, Ctx, Fail};
use crate::output::CommandOutput;
use crate::session::Session;
use crate::value::s;
use podlab_sim::kubelet::{ExecChunk, ExecHandle, ExecOutput};
use podlab_sim::time::SimDuration;
use podlab_sim::{ApiOk, Simulation, Status, Verb};

/// How long a one-off exec may run before the terminal is handed back to streaming mode.
pub const ONE_OFF_WAIT: SimDuration = SimDuration(30_000);
/// How far one typed line may advance simulated time in an interactive shell.
const LINE_WAIT: SimDuration = SimDuration(60_000);

/// An exec session the terminal is attached to.
pub struct ExecMode {
    handle: ExecHandle,
    /// Lines typed go to the remote stdin (`-i`); otherwise only Ctrl-C or a new command end it.
    stdin: bool,
    /// A remote tty (`-t`): Ctrl-C is sent to the remote foreground process as SIGINT.
    tty: bool,
}

fn print_chunks(out: &mut CommandOutput, chunks: &[ExecChunk]) {
    for c in chunks {
        if c.stream == "stderr" {
            out.err(&c.text);
        } else {
            out.out(&c.text);
        }
    }
}

/// kubectl's handling of the remote exit status.
fn print_exit(out: &mut CommandOutput, code: i32) {
    if code != 0 {
        out.err(&format!("command terminated with exit code {code}\n"));
    }
    out.exit_code = code;
}

/// Runs the session with `input` until it waits for input, exits or `limit` passes.
fn run_until_idle(sim: &mut Simulation, first: ExecOutput, limit: SimDuration) -> Result<ExecOutput, Status> {
    let deadline = sim.now().plus(limit);
    let mut acc = first;
    let mut rounds = 0;
    while acc.exit_code.is_none() && rounds < 10_000 {
        rounds += 1;
        let Some(next) = acc.wake_at.map(|w| w.max(sim.now())) else { break };
        if next > deadline {
            break;
        }
        sim.advance_to(next);
        let step = sim.exec_poll(&acc.handle, None, false)?;
        acc.chunks.extend(step.chunks);
        acc.exit_code = step.exit_code;
        acc.wake_at = step.wake_at;
    }
    Ok(acc)
}

/// How kubectl reports a failed `pods/exec` request: a Status the API server answers the
/// upgrade with is an API error (`Error from server (BadRequest): pod web does not have a host
/// assigned`); what the kubelet/runtime answers (`unable to upgrade connection: ...`, the
/// runtime's `Internal error occurred: ...`) is printed as a plain `error: ...`.
fn exec_error(st: Status) -> Fail {
    if st.reason == "InternalError" || st.message.starts_with("unable to upgrade connection") {
        Fail::Error(st.message)
    } else {
        Fail::Server(st)
    }
}

/// The command after `--`, or kubectl's error for the forms it rejects.
fn command_of(ctx: &Ctx) -> Result<(String, Vec<String>), Fail> {
    let args = ctx.flags.positionals.clone();
    let Some(target) = args.first().filter(|_| ctx.flags.dash_at != Some(0)) else {
        return Err(Fail::Plain(format!("error: pod, type/name or --filename must be specified\n{}\n", ctx.usage_hint())));
    };
    let command: Vec<String> = match ctx.flags.dash_at {
        Some(d) => args.get(d..).map(<[String]>::to_vec).unwrap_or_default(),
        None if args.len() > 1 => {
            return fail("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead");
        }
        None => Vec::new(),
    };
    if command.is_empty() {
        return fail("you must specify at least one command for the container");
    }
    Ok((target.clone(), command))
}

pub fn exec(ctx: &mut Ctx) -> CmdResult {
    let (target, command) = command_of(ctx)?;
    let pod = find_pod(ctx, &target, false)?;
    let phase = s(&pod, "status.phase");
    if phase == "Succeeded" || phase == "Failed" {
        return fail(format!("cannot exec into a container in a completed pod; current phase is {phase}"));
    }
    let container = choose_container(ctx, &pod)?;
    let want_stdin = ctx.flags.bool("stdin");
    // SetupTTY: a tty only with -i, and only when stdin is a terminal (not a heredoc/pipe).
    let interactive = want_stdin && ctx.stdin.is_none();
    let tty = interactive && ctx.flags.bool("tty");
    let stdin = if interactive { Some(String::new()) } else if want_stdin { ctx.stdin.map(str::to_string) } else { None };
    let verb = Verb::Exec { namespace: s(&pod, "metadata.namespace").into(), pod: s(&pod, "metadata.name").into(), container: Some(container), command, stdin, tty };
    let first = match ctx.submit(verb).map_err(exec_error)? {
        ApiOk::Exec(e) => e,
        _ => return Ok(()),
    };
    let limit = if interactive { LINE_WAIT } else { ONE_OFF_WAIT };
    let done = run_until_idle(&mut ctx.session.sim, first, limit).map_err(exec_error)?;
    print_chunks(ctx.out, &done.chunks);
    match done.exit_code {
        Some(code) => print_exit(ctx.out, code),
        None => {
            ctx.session.exec = Some(ExecMode { handle: done.handle, stdin: interactive, tty });
            ctx.out.streaming = !interactive;
        }
    }
    Ok(())
}

/// Exec mode: the browser terminal's side of `kubectl exec -it POD -- sh`.
impl Session {
    /// True while the terminal is attached to an exec session: [`Session::execute`] then sends
    /// the typed line to the remote shell instead of running it as a command.
    pub fn in_exec(&self) -> bool {
        self.exec.is_some()
    }

    /// True while the attached exec session reads the terminal's lines (`-i`).
    pub fn exec_reads_input(&self) -> bool {
        self.exec.as_ref().is_some_and(|e| e.stdin)
    }

    /// Sends `text` (a typed line with its `\n`, or nothing) to the attached session, lets
    /// simulated time run until it waits for input again, and returns what it printed (with a
    /// tty: the output and the next prompt, e.g. `/ # `; the typed line itself is not echoed).
    /// `close` sends EOF (Ctrl-D). When the session ends, exec mode ends and the result carries
    /// kubectl's exit code (and `command terminated with exit code N` when non-zero).
    pub fn exec_send(&mut self, text: Option<&str>, close: bool) -> CommandOutput {
        self.exec_step(text, close, LINE_WAIT)
    }

    /// One poll of the attached session, letting simulated time run at most `limit`.
    pub(crate) fn exec_step(&mut self, text: Option<&str>, close: bool, limit: SimDuration) -> CommandOutput {
        let Some(mode) = self.exec.take() else { return CommandOutput::default() };
        let step = self.sim.exec_poll(&mode.handle, text, close).and_then(|first| run_until_idle(&mut self.sim, first, limit));
        self.exec_result(mode, step)
    }

    /// Prints what one exchange with the remote process produced; the session stays attached
    /// unless the process exited (or the kubelet lost it: 137, as for a killed container).
    fn exec_result(&mut self, mode: ExecMode, step: Result<ExecOutput, Status>) -> CommandOutput {
        let mut out = CommandOutput::default();
        match step {
            Ok(o) => {
                print_chunks(&mut out, &o.chunks);
                match o.exit_code {
                    Some(code) => print_exit(&mut out, code),
                    None => self.exec = Some(mode),
                }
            }
            Err(_) => print_exit(&mut out, 137),
        }
        out.streaming = self.exec.as_ref().is_some_and(|m| !m.stdin);
        out
    }

    /// Ctrl-C while attached to an exec session. With a tty the terminal sends SIGINT to the
    /// remote foreground process: an interactive shell abandons its running command (`sleep`,
    /// `tail -f`, a `while` loop), prints `^C` and prompts again, and the session stays open.
    /// Without a tty Ctrl-C interrupts kubectl itself, which ends the session.
    pub fn exec_interrupt(&mut self) -> CommandOutput {
        let Some(mode) = self.exec.take() else { return CommandOutput::default() };
        if !mode.tty {
            self.exec = Some(mode);
            self.exec_detach();
            return CommandOutput::default();
        }
        let step = self.sim.exec_interrupt(&mode.handle).and_then(|first| run_until_idle(&mut self.sim, first, LINE_WAIT));
        self.exec_result(mode, step)
    }

    /// Detaches from the exec session (Ctrl-C on a blocking one-off exec; the client going
    /// away from a shell). The remote session is closed.
    pub fn exec_detach(&mut self) {
        if let Some(mode) = self.exec.take() {
            self.sim.exec_close(&mode.handle);
        }
    }
}

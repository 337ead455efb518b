//! The terminal's scrollback as lines, built from command output. Output may end mid-line: an
//! exec shell's prompt (`/ # `) is written without a newline and the learner types after it,
//! as in a real terminal. That unfinished line is held apart (`partial`) while a shell is
//! attached, shown as the input row's prompt, and joined with what the learner types.

use crate::state::{LineKind, TermLine};
use podlab_kubectl::output::{CommandOutput, Stream};

/// Terminal lines kept on screen; older ones scroll away for good.
pub const TERM_MAX_LINES: usize = 3_000;

/// Scrollback plus the unfinished last line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scrollback {
    pub lines: Vec<TermLine>,
    pub partial: String,
    partial_kind: Option<LineKind>,
}

impl Scrollback {
    /// Appends output in the order written. With `keep_partial` (a shell is attached) a final
    /// unterminated line stays pending; otherwise it becomes a line of its own at once.
    pub fn append(&mut self, out: &CommandOutput, keep_partial: bool) {
        for (stream, text) in out.chunks() {
            let kind = if stream == Stream::Stderr { LineKind::Err } else { LineKind::Out };
            let mut pieces = text.split('\n').peekable();
            while let Some(piece) = pieces.next() {
                if pieces.peek().is_none() {
                    // The text after the last newline: unfinished (maybe empty).
                    self.partial.push_str(piece);
                    if !piece.is_empty() {
                        self.partial_kind = Some(kind);
                    }
                    break;
                }
                let mut line = std::mem::take(&mut self.partial);
                line.push_str(piece);
                let k = self.partial_kind.take().unwrap_or(kind);
                self.lines.push(TermLine { kind: k, text: line });
            }
        }
        if !keep_partial {
            self.flush();
        }
        self.trim();
    }

    /// Ends the unfinished line (before a command echo, or when the shell detaches).
    pub fn flush(&mut self) {
        if !self.partial.is_empty() {
            let kind = self.partial_kind.take().unwrap_or(LineKind::Out);
            self.lines.push(TermLine { kind, text: std::mem::take(&mut self.partial) });
        }
    }

    /// A line typed at the pending prompt: the prompt and the text become one line.
    pub fn typed(&mut self, text: &str) {
        let line = format!("{}{text}", std::mem::take(&mut self.partial));
        self.partial_kind = None;
        self.lines.push(TermLine { kind: LineKind::Out, text: line });
        self.trim();
    }

    /// Ctrl+C at a shell prompt: the line is abandoned (`^C`) and the same prompt comes back.
    pub fn cancel_line(&mut self, text: &str) {
        let prompt = self.partial.clone();
        self.typed(&format!("{text}^C"));
        self.partial = prompt;
    }

    pub fn push(&mut self, kind: LineKind, text: &str) {
        self.flush();
        self.lines.push(TermLine { kind, text: text.to_string() });
        self.trim();
    }

    pub fn clear(&mut self) {
        self.lines.clear();
    }

    fn trim(&mut self) {
        if self.lines.len() > TERM_MAX_LINES {
            self.lines.drain(..self.lines.len() - TERM_MAX_LINES);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(chunks: &[(Stream, &str)]) -> CommandOutput {
        let mut out = CommandOutput::default();
        for (stream, text) in chunks {
            match stream {
                Stream::Stdout => out.out(text),
                Stream::Stderr => out.err(text),
            }
        }
        out
    }

    fn texts(s: &Scrollback) -> Vec<&str> {
        s.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn a_shell_prompt_waits_for_the_typed_line() {
        let mut s = Scrollback::default();
        s.append(&out(&[(Stream::Stdout, "/ # ")]), true);
        assert_eq!((texts(&s).len(), s.partial.as_str()), (0, "/ # "));
        s.typed("ls /etc");
        s.append(&out(&[(Stream::Stdout, "hostname\nhosts\n/ # ")]), true);
        assert_eq!(texts(&s), ["/ # ls /etc", "hostname", "hosts"]);
        assert_eq!(s.partial, "/ # ");
        // `exit`: the shell detaches and the pending text is flushed.
        s.cancel_line("cat /nope");
        assert_eq!((texts(&s)[3], s.partial.as_str()), ("/ # cat /nope^C", "/ # "));
        s.typed("exit");
        s.append(&out(&[]), false);
        assert_eq!(s.partial, "");
    }

    #[test]
    fn unterminated_output_outside_a_shell_is_its_own_line() {
        let mut s = Scrollback::default();
        s.append(&out(&[(Stream::Stdout, "v")]), false);
        s.append(&out(&[(Stream::Stderr, "Error from server (NotFound): x\n")]), false);
        assert_eq!(texts(&s), ["v", "Error from server (NotFound): x"]);
        assert_eq!(s.lines[1].kind, LineKind::Err);
    }

    #[test]
    fn chunks_split_mid_line_are_joined() {
        let mut s = Scrollback::default();
        s.append(&out(&[(Stream::Stdout, "NAME   READY"), (Stream::Stdout, "   STATUS\nweb   1/1\n")]), false);
        assert_eq!(texts(&s), ["NAME   READY   STATUS", "web   1/1"]);
    }

    #[test]
    fn scrollback_is_bounded() {
        let mut s = Scrollback::default();
        let text = "x\n".repeat(TERM_MAX_LINES + 10);
        s.append(&out(&[(Stream::Stdout, &text)]), false);
        assert_eq!(s.lines.len(), TERM_MAX_LINES);
    }
}

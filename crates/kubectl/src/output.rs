//! What one terminal command produced: stdout and stderr kept both separately and interleaved
//! in the order a terminal would show them, the exit code, and whether a stream (`get -w`,
//! `logs -f`) stays open and will produce more when simulated time advances.

/// Which stream a chunk of text went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The result of one command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    /// Both streams in the order they were written (what a terminal shows).
    pub chunks: Vec<(Stream, String)>,
    pub exit_code: i32,
    /// True while a `-w`/`-f` stream is open; poll the session for more output.
    pub streaming: bool,
}

impl CommandOutput {
    pub fn out(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.stdout.push_str(text);
        self.push(Stream::Stdout, text);
    }

    /// Like [`CommandOutput::out`] for text the command built and no longer needs: a printer's
    /// finished output (half a megabyte for `get pods -o yaml`) becomes `stdout` without being
    /// copied when nothing was written before it; its chunk is the one copy left.
    pub fn out_string(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        if !self.stdout.is_empty() {
            return self.out(&text);
        }
        self.push(Stream::Stdout, &text);
        self.stdout = text;
    }

    pub fn err(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.stderr.push_str(text);
        self.push(Stream::Stderr, text);
    }

    fn push(&mut self, stream: Stream, text: &str) {
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(text),
            _ => self.chunks.push((stream, text.to_string())),
        }
    }

    /// Everything as the terminal shows it, both streams interleaved.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// Appends another output (a later part of the same command).
    pub fn extend(&mut self, other: CommandOutput) {
        for (stream, text) in other.chunks {
            match stream {
                Stream::Stdout => self.out(&text),
                Stream::Stderr => self.err(&text),
            }
        }
        self.exit_code = other.exit_code;
        self.streaming = other.streaming;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One write: to stderr, or to stdout borrowed (`out`) or handed over (`out_string`).
    #[derive(Clone, Copy)]
    enum Write {
        Err(&'static str),
        Out(&'static str),
        Owned(&'static str),
    }

    /// Handing a String over must leave exactly what borrowing it would.
    #[test]
    fn out_string_matches_out() {
        use Write::*;
        let cases: &[&[Write]] = &[
            &[Owned("a\n")],
            &[Owned("")],
            &[Owned(""), Err("e\n"), Owned("b\n")],
            &[Out("a"), Owned("b\n")],
            &[Err("e\n"), Owned("b\n"), Owned("c\n")],
            &[Owned("a"), Out("b"), Err("e"), Owned("c")],
        ];
        for case in cases {
            let (mut borrowed, mut owned) = (CommandOutput::default(), CommandOutput::default());
            for w in *case {
                match *w {
                    Err(t) => {
                        borrowed.err(t);
                        owned.err(t);
                    }
                    Out(t) => {
                        borrowed.out(t);
                        owned.out(t);
                    }
                    Owned(t) => {
                        borrowed.out(t);
                        owned.out_string(t.to_string());
                    }
                }
            }
            assert_eq!(owned, borrowed);
        }
    }
}

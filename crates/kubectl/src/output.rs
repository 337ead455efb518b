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

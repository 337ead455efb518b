//! What one terminal command produced: stdout and stderr kept both separately and interleaved
//! in the order a terminal would show them, the exit code, and whether a stream (`get -w`,
//! `logs -f`) stays open and will produce more when simulated time advances.

use std::ops::Range;

/// Which stream a chunk of text went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The result of one command line.
///
/// The interleaved order is kept as byte ranges of `stdout` and `stderr` rather than copies of
/// the text: a printer's output (over a megabyte for `get pods -o json`) is then stored once.
/// Code that edits `stdout` or `stderr` directly leaves [`CommandOutput::chunks`] stale (a
/// range past the end reads as empty, never panics); write through the methods instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    /// Both streams in the order they were written (what a terminal shows), as ranges of the
    /// stream's own text; neighbouring chunks are of different streams.
    chunks: Vec<(Stream, Range<usize>)>,
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
        self.push(Stream::Stdout, self.stdout.len() - text.len(), self.stdout.len());
    }

    /// Like [`CommandOutput::out`] for text the command built and no longer needs: a printer's
    /// finished output (half a megabyte for `get pods -o yaml`) becomes `stdout` without being
    /// copied when nothing was written to stdout before it.
    pub fn out_string(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        if !self.stdout.is_empty() {
            return self.out(&text);
        }
        self.stdout = text;
        self.push(Stream::Stdout, 0, self.stdout.len());
    }

    pub fn err(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.stderr.push_str(text);
        self.push(Stream::Stderr, self.stderr.len() - text.len(), self.stderr.len());
    }

    /// Records that `stream`'s bytes `start..end` were written last.
    fn push(&mut self, stream: Stream, start: usize, end: usize) {
        match self.chunks.last_mut() {
            Some((s, r)) if *s == stream && r.end == start => r.end = end,
            _ => self.chunks.push((stream, start..end)),
        }
    }

    /// Both streams in the order they were written (what a terminal shows).
    pub fn chunks(&self) -> impl Iterator<Item = (Stream, &str)> + '_ {
        self.chunks.iter().map(|(stream, r)| {
            let text = match stream {
                Stream::Stdout => &self.stdout,
                Stream::Stderr => &self.stderr,
            };
            (*stream, text.get(r.clone()).unwrap_or_default())
        })
    }

    /// Did the command write nothing at all?
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Everything as the terminal shows it, both streams interleaved.
    pub fn text(&self) -> String {
        self.chunks().map(|(_, t)| t).collect()
    }

    /// Removes and returns what went to stdout (a redirect's file takes it); stderr stays.
    pub fn take_stdout(&mut self) -> String {
        let chunks = std::mem::take(&mut self.chunks);
        // Stderr chunks that stdout separated become neighbours: join them.
        for (stream, r) in chunks {
            if stream == Stream::Stderr {
                self.push(stream, r.start, r.end);
            }
        }
        std::mem::take(&mut self.stdout)
    }

    /// Appends what another output wrote, in its order; exit code and streaming stay.
    pub fn append(&mut self, other: &CommandOutput) {
        for (stream, text) in other.chunks() {
            match stream {
                Stream::Stdout => self.out(text),
                Stream::Stderr => self.err(text),
            }
        }
    }

    /// Appends another output (a later part of the same command).
    pub fn extend(&mut self, other: CommandOutput) {
        self.append(&other);
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

    /// The straightforward model the ranges replace: each chunk its own copy of the text.
    #[derive(Default)]
    struct Copies(Vec<(Stream, String)>);

    impl Copies {
        fn push(&mut self, stream: Stream, text: &str) {
            if text.is_empty() {
                return;
            }
            match self.0.last_mut() {
                Some((s, t)) if *s == stream => t.push_str(text),
                _ => self.0.push((stream, text.to_string())),
            }
        }
    }

    fn check(out: &CommandOutput, model: &Copies) {
        let got: Vec<(Stream, String)> = out.chunks().map(|(s, t)| (s, t.to_string())).collect();
        assert_eq!(got, model.0);
        let of = |stream| model.0.iter().filter(|(s, _)| *s == stream).map(|(_, t)| t.as_str()).collect::<String>();
        assert_eq!((out.stdout.clone(), out.stderr.clone()), (of(Stream::Stdout), of(Stream::Stderr)));
        assert_eq!(out.text(), model.0.iter().map(|(_, t)| t.as_str()).collect::<String>());
        assert_eq!(out.is_empty(), model.0.is_empty());
    }

    proptest::proptest! {
        /// Any mix of writes, redirects (`take_stdout`) and appended outputs reads back as the
        /// model of copied chunks does.
        #[test]
        fn ranges_read_like_copies(ops in proptest::collection::vec((0u8..5, "[a-c\\n]{0,4}"), 0..24)) {
            let (mut out, mut model) = (CommandOutput::default(), Copies::default());
            for (op, text) in &ops {
                match op {
                    0 => { out.out(text); model.push(Stream::Stdout, text); }
                    1 => { out.out_string(text.clone()); model.push(Stream::Stdout, text); }
                    2 => { out.err(text); model.push(Stream::Stderr, text); }
                    3 => {
                        let taken = out.take_stdout();
                        let expected: String = model.0.iter().filter(|(s, _)| *s == Stream::Stdout).map(|(_, t)| t.as_str()).collect();
                        proptest::prop_assert_eq!(taken, expected);
                        let kept: Vec<(Stream, String)> = model.0.drain(..).filter(|(s, _)| *s == Stream::Stderr).collect();
                        model = Copies::default();
                        for (s, t) in kept { model.push(s, &t); }
                    }
                    _ => {
                        let mut other = CommandOutput::default();
                        other.err(text);
                        other.out(text);
                        out.append(&other);
                        model.push(Stream::Stderr, text);
                        model.push(Stream::Stdout, text);
                    }
                }
                check(&out, &model);
            }
        }
    }
}

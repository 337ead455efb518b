//! The small slice of a POSIX shell a learner's terminal needs: splitting a typed line into
//! words the way bash does (single and double quotes, backslash escapes), spotting a heredoc
//! (`<<EOF`, `<<'EOF'`, `<<-EOF`) whose body follows on the next lines, and an output
//! redirection (`> file`, `>> file`) into the session's in-memory workspace. Nothing here runs a
//! command; it only turns text into argv so kubectl sees exactly what a real shell would pass.

/// A parsed command line: its argv plus the shell plumbing around it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine {
    pub argv: Vec<String>,
    pub heredoc: Option<Heredoc>,
    pub redirect: Option<Redirect>,
    /// A `| cmd ...` tail; only a few filters (`head`, `grep`) are understood by the session.
    pub pipe: Option<Vec<String>>,
    /// A trailing `&`: the session runs the command as a background job (`jobs.rs`).
    pub background: bool,
}

/// `<<DELIM`: the lines after the command, up to a line equal to `delimiter`, feed stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// `<<-` strips leading tabs from body lines and the delimiter line.
    pub strip_tabs: bool,
}

/// `> path` or `>> path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub path: String,
    pub append: bool,
}

/// Why a line could not be split; worded like bash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellError {
    UnterminatedQuote(char),
    MissingRedirectTarget(String),
    /// Shell syntax the terminal does not run (a second command after `&`).
    Unsupported(String),
}

impl ShellError {
    /// The message bash prints for this error.
    pub fn message(&self) -> String {
        match self {
            ShellError::UnterminatedQuote(q) => {
                format!("bash: unexpected EOF while looking for matching `{q}'")
            }
            ShellError::MissingRedirectTarget(tok) => {
                format!("bash: syntax error near unexpected token `{tok}'")
            }
            ShellError::Unsupported(op) => {
                format!("bash: this terminal runs one command per line; put the command after `{op}' on its own line")
            }
        }
    }
}

enum Token {
    Word(String),
    HeredocOp { strip_tabs: bool },
    Redirect { append: bool },
    Pipe,
    Background,
}

/// Splits `line` into words and operators. Quotes are removed and escapes resolved; a word
/// that was quoted is never taken for an operator.
fn tokenize(line: &str) -> Result<Vec<Token>, ShellError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(ShellError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.peek() {
                            Some(&n) if matches!(n, '"' | '\\' | '$' | '`') => {
                                word.push(n);
                                chars.next();
                            }
                            _ => word.push('\\'),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err(ShellError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            '<' if !in_word && chars.peek() == Some(&'<') => {
                chars.next();
                let strip_tabs = chars.peek() == Some(&'-');
                if strip_tabs {
                    chars.next();
                }
                tokens.push(Token::HeredocOp { strip_tabs });
            }
            '>' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                let append = chars.peek() == Some(&'>');
                if append {
                    chars.next();
                }
                tokens.push(Token::Redirect { append });
            }
            // `2>&1`: after a redirection operator `&` starts the target, not a job.
            '&' if !in_word && matches!(tokens.last(), Some(Token::Redirect { .. })) => {
                in_word = true;
                word.push(c);
            }
            '&' if chars.peek() != Some(&'&') => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                tokens.push(Token::Background);
            }
            '|' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                tokens.push(Token::Pipe);
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// Parses one typed line into a [`CommandLine`].
pub fn parse_line(line: &str) -> Result<CommandLine, ShellError> {
    let mut out = CommandLine::default();
    let mut tokens = tokenize(line)?.into_iter();
    let mut in_pipe = false;
    while let Some(tok) = tokens.next() {
        match tok {
            Token::Word(w) if in_pipe => out.pipe.get_or_insert_with(Vec::new).push(w),
            Token::Word(w) => out.argv.push(w),
            Token::HeredocOp { strip_tabs } => match tokens.next() {
                Some(Token::Word(d)) => {
                    out.heredoc = Some(Heredoc { delimiter: d, strip_tabs });
                }
                _ => return Err(ShellError::MissingRedirectTarget("newline".into())),
            },
            Token::Redirect { append } => match tokens.next() {
                Some(Token::Word(p)) => out.redirect = Some(Redirect { path: p, append }),
                _ => return Err(ShellError::MissingRedirectTarget("newline".into())),
            },
            Token::Background => {
                // Only a trailing `&` is understood; `&` with no command before it is bash's
                // syntax error, and words after it would be a second command line.
                if out.argv.is_empty() || (in_pipe && out.pipe.as_ref().is_none_or(|p| p.is_empty())) {
                    return Err(ShellError::MissingRedirectTarget("&".into()));
                }
                if tokens.next().is_some() {
                    return Err(ShellError::Unsupported("&".into()));
                }
                out.background = true;
            }
            Token::Pipe => {
                if out.argv.is_empty() || in_pipe {
                    return Err(ShellError::MissingRedirectTarget("|".into()));
                }
                in_pipe = true;
                out.pipe = Some(Vec::new());
            }
        }
    }
    if in_pipe && out.pipe.as_ref().is_none_or(|p| p.is_empty()) {
        return Err(ShellError::MissingRedirectTarget("newline".into()));
    }
    Ok(out)
}

/// Quotes `word` so that [`parse_line`] would give it back unchanged (used when echoing argv).
pub fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quotes_and_escapes() {
        let c = parse_line(r#"kubectl exec web -- sh -c "echo \"hi\" 'x'" a\ b 'c d'"#).unwrap();
        assert_eq!(c.argv, ["kubectl", "exec", "web", "--", "sh", "-c", "echo \"hi\" 'x'", "a b", "c d"]);
    }

    #[test]
    fn finds_heredoc_and_redirect() {
        let c = parse_line("cat > pod.yaml <<'EOF'").unwrap();
        assert_eq!(c.argv, ["cat"]);
        assert_eq!(c.redirect, Some(Redirect { path: "pod.yaml".into(), append: false }));
        assert_eq!(c.heredoc, Some(Heredoc { delimiter: "EOF".into(), strip_tabs: false }));
        let c = parse_line("kubectl apply -f - <<-END").unwrap();
        assert_eq!(c.heredoc.unwrap().strip_tabs, true);
    }

    #[test]
    fn comments_and_errors() {
        assert!(parse_line("# just a comment").unwrap().argv.is_empty());
        assert_eq!(parse_line("echo 'abc").unwrap_err(), ShellError::UnterminatedQuote('\''));
        assert!(parse_line("kubectl get pods >").is_err());
        assert_eq!(parse_line("kubectl get po | head -3").unwrap().pipe.unwrap(), ["head", "-3"]);
    }

    /// A typed line and what it parses to: (argv, background), or None for an error.
    type AmpCase = (&'static str, Option<(&'static [&'static str], bool)>);

    #[test]
    fn trailing_ampersand_makes_a_background_job() {
        let table: [AmpCase; 6] = [
            ("kubectl port-forward pod/web 8080:80 &", Some((&["kubectl", "port-forward", "pod/web", "8080:80"], true))),
            ("sleep 10&", Some((&["sleep", "10"], true))),
            ("echo 'a & b'", Some((&["echo", "a & b"], false))),
            ("echo hi >&2", Some((&["echo", "hi"], false))),
            ("&", None),
            ("sleep 1 & ls", None),
        ];
        for (line, want) in table {
            let got = parse_line(line).ok().map(|c| (c.argv, c.background));
            let want = want.map(|(a, b)| (a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), b));
            assert_eq!(got, want, "{line}");
        }
    }

    #[test]
    fn quote_round_trips() {
        for w in ["a b", "it's", "", "plain", "$HOME"] {
            assert_eq!(parse_line(&quote(w)).unwrap().argv, [w]);
        }
    }
}

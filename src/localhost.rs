//! The page's "localhost" browser: what `http://localhost:PORT/path` means in Podlab and how a
//! fetch's result travels through the recording. `kubectl port-forward` keeps its forwarded
//! ports in the Session, and `Session::forward_http` sends one GET through them; this module
//! parses the address bar, names the status line and turns a result into the `CommandOutput`
//! replay hands back (and back again), so a fetch is an input like a typed command and time
//! travel reproduces it. No Leptos here: the component (`ui_localhost.rs`) only renders it.

use podlab_kubectl::output::CommandOutput;
// The status line says what the container's server sent, so it takes the runtime's wording
// (nginx's "503 Service Temporarily Unavailable"), the same one `curl -i` prints in a pod.
use podlab_runtime::net::reason_phrase;

/// A parsed address bar: the local port and the request path (always starting with `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub port: u16,
    pub path: String,
}

impl Address {
    pub fn url(&self) -> String {
        format!("http://localhost:{}{}", self.port, self.path)
    }
}

/// Reads `http://localhost:8080/path`, `localhost:8080`, `127.0.0.1:8080/x` or a bare `8080`.
/// Only the loopback exists here: kubectl port-forward listens on 127.0.0.1, nothing else.
pub fn parse_address(text: &str) -> Result<Address, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type an address such as http://localhost:8080/".into());
    }
    let rest = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => return Err(format!("Protocol \"{scheme}\" not supported: kubectl port-forward forwards plain TCP, fetch it over http://")),
        None => text,
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    if let Ok(port) = authority.parse::<u16>() {
        return Ok(Address { port, path });
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("URL rejected: Port number was not a decimal number between 0 and 65535: {p}"))?),
        None => (authority, 80),
    };
    if !matches!(host.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1") {
        return Err(format!("Only localhost is reachable from this page, not {host}: forward a pod's port with kubectl port-forward and fetch http://localhost:PORT/"));
    }
    Ok(Address { port, path })
}

/// What the address bar fetches when left empty: the first forwarded port's root.
pub fn default_address(ports: &[u16]) -> String {
    format!("http://localhost:{}/", ports.first().copied().unwrap_or(8080))
}

/// One fetch and what came back: `(status, body)` or the error text `forward_http` gave
/// (curl's "Failed to connect …", kubectl's "an error occurred forwarding …").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    pub url: String,
    pub outcome: Result<(u16, String), String>,
}

impl Fetch {
    /// `HTTP/1.1 200 OK`, as curl -i shows it (None when nothing answered).
    pub fn status_line(&self) -> Option<String> {
        self.outcome.as_ref().ok().map(|(status, _)| format!("HTTP/1.1 {status} {}", reason_phrase(*status)).trim_end().to_string())
    }
}

/// The exit code of a fetch that got no HTTP answer (curl's "couldn't connect", 7).
const NO_ANSWER_EXIT_CODE: i32 = 7;

/// What replay's `apply` returns for a fetch: the status on the first stdout line, then the
/// body; or the error on stderr with curl's exit code 7. `decode` reverses it exactly.
pub fn encode(outcome: &Result<(u16, String), String>) -> CommandOutput {
    let mut out = CommandOutput::default();
    match outcome {
        Ok((status, body)) => out.out(&format!("{status}\n{body}")),
        Err(e) => {
            out.err(e);
            out.exit_code = NO_ANSWER_EXIT_CODE;
        }
    }
    out
}

pub fn decode(out: &CommandOutput) -> Result<(u16, String), String> {
    if out.exit_code != 0 {
        return Err(out.stderr.clone());
    }
    let (status, body) = out.stdout.split_once('\n').unwrap_or((out.stdout.as_str(), ""));
    status.parse::<u16>().map(|s| (s, body.to_string())).map_err(|_| format!("malformed fetch result: {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_like_a_browser_bar() {
        let ok = |port: u16, path: &str| Ok(Address { port, path: path.into() });
        let table: [(&str, Result<Address, String>); 8] = [
            ("http://localhost:8080/", ok(8080, "/")),
            ("http://localhost:8080", ok(8080, "/")),
            ("  localhost:8080/index.html ", ok(8080, "/index.html")),
            ("HTTP://127.0.0.1:9000/a?b=c", ok(9000, "/a?b=c")),
            ("localhost:8080?x=1", ok(8080, "/?x=1")),
            ("8080", ok(8080, "/")),
            ("http://localhost/", ok(80, "/")),
            ("8080/healthz", ok(8080, "/healthz")),
        ];
        for (text, want) in table {
            assert_eq!(parse_address(text), want, "{text}");
        }
    }

    #[test]
    fn bad_addresses_say_why() {
        for (text, needle) in [("", "Type an address"), ("https://localhost:8443/", "Protocol \"https\""), ("http://example.com/", "not example.com"), ("localhost:99999", "Port number"), ("web:80", "not web")] {
            let e = parse_address(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn outcomes_survive_the_replay_encoding() {
        let cases: [Result<(u16, String), String>; 4] = [
            Ok((200, "<h1>Welcome to nginx!</h1>\nline2\n".into())),
            Ok((404, String::new())),
            Ok((204, "\n\n".into())),
            Err("Failed to connect to localhost port 8080: Couldn't connect to server".into()),
        ];
        for c in cases {
            assert_eq!(decode(&encode(&c)), c);
        }
    }

    #[test]
    fn an_empty_bar_fetches_the_first_forwarded_port() {
        assert_eq!(default_address(&[9090, 8080]), "http://localhost:9090/");
        assert_eq!(default_address(&[]), "http://localhost:8080/");
    }

    #[test]
    fn status_lines_name_the_code() {
        let f = |s: u16| Fetch { url: String::new(), outcome: Ok((s, String::new())) }.status_line();
        assert_eq!(f(200).as_deref(), Some("HTTP/1.1 200 OK"));
        assert_eq!(f(404).as_deref(), Some("HTTP/1.1 404 Not Found"));
        assert_eq!(f(503).as_deref(), Some("HTTP/1.1 503 Service Temporarily Unavailable"));
        assert_eq!(f(599).as_deref(), Some("HTTP/1.1 599"));
        assert_eq!(Fetch { url: String::new(), outcome: Err("x".into()) }.status_line(), None);
    }
}

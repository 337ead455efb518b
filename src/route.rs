//! Hash routes. The page is one static file served from anywhere (GitHub Pages under a
//! sub-path, a plain static server, `file://`), so navigation lives in the URL fragment:
//! `#/`, `#/lessons/<slug>`, `#/scenarios/<slug>`, `#/sandbox`. Unknown fragments fall back to
//! home rather than failing.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Lesson(String),
    Scenario(String),
    Sandbox,
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split(['?', '#']).next().unwrap_or("");
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        match (parts.next(), parts.next(), parts.next()) {
            (Some("sandbox"), None, _) => Route::Sandbox,
            (Some("lessons"), Some(slug), None) if valid_slug(slug) => Route::Lesson(slug.to_string()),
            (Some("scenarios"), Some(slug), None) if valid_slug(slug) => Route::Scenario(slug.to_string()),
            _ => Route::Home,
        }
    }

    /// The fragment for this route, `#/…`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Lesson(s) => format!("#/lessons/{s}"),
            Route::Scenario(s) => format!("#/scenarios/{s}"),
            Route::Sandbox => "#/sandbox".into(),
        }
    }
}

/// Slugs are lowercase words with dashes (what lesson files are named), nothing that could
/// smuggle markup or paths.
fn valid_slug(s: &str) -> bool {
    !s.is_empty() && s.len() <= 80 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_route() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/"), Route::Home);
        assert_eq!(Route::parse("#/sandbox"), Route::Sandbox);
        assert_eq!(Route::parse("#/lessons/what-is-a-pod"), Route::Lesson("what-is-a-pod".into()));
        assert_eq!(Route::parse("#/scenarios/crashloop"), Route::Scenario("crashloop".into()));
        assert_eq!(Route::parse("#/lessons/a/b"), Route::Home);
        assert_eq!(Route::parse("#/lessons/<script>"), Route::Home);
        assert_eq!(Route::parse("#/nope"), Route::Home);
    }

    #[test]
    fn round_trips() {
        for r in [Route::Home, Route::Sandbox, Route::Lesson("x-1".into()), Route::Scenario("y".into())] {
            assert_eq!(Route::parse(&r.to_hash()), r);
        }
    }
}

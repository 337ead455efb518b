//! Error markers for the editor: after an apply fails, which line of the file each message
//! belongs to. A YAML syntax error carries its own position (from `podlab_api::manifest`); a
//! validation or decode error names a field path (`spec.containers[0].image`), which the
//! manifest's position map turns into a line. The message shown is kubectl's own line, verbatim.

use podlab_api::manifest::{self, Document};

/// One marker: a 1-based line and the message to show beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub line: usize,
    pub message: String,
}

/// Markers for `text` given the stderr of `kubectl apply -f` on it. Lines of stderr that name
/// no locatable field become a marker on line 1 when nothing better exists, so a failed apply
/// never goes unmarked.
pub fn markers(text: &str, stderr: &str) -> Vec<Marker> {
    let mut docs: Vec<Document> = Vec::new();
    for result in manifest::parse(text) {
        match result {
            Ok(d) => docs.push(d),
            Err(e) => {
                let line = e.position.map_or(1, |p| p.line);
                let message = stderr.lines().find(|l| l.contains(&e.message)).map_or(e.message.clone(), str::to_string);
                return vec![Marker { line, message }];
            }
        }
    }
    let mut out = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let doc = pick_document(&docs, line);
        let mut located = false;
        for path in field_paths(line) {
            if let Some(pos) = doc.and_then(|d| d.position_of(&path)) {
                push_unique(&mut out, Marker { line: pos.line, message: line.to_string() });
                located = true;
                break;
            }
        }
        if !located && out.is_empty() && is_error_line(line) {
            out.push(Marker { line: doc.map_or(1, |d| d.first_line + 1), message: line.to_string() });
        }
    }
    out
}

fn is_error_line(line: &str) -> bool {
    line.starts_with("error") || line.starts_with("Error") || line.starts_with("The ") || line.contains(" is invalid")
}

fn push_unique(out: &mut Vec<Marker>, m: Marker) {
    if !out.contains(&m) {
        out.push(m);
    }
}

/// The document a message is about: the one whose `metadata.name` the message quotes, else the
/// first non-empty one.
fn pick_document<'a>(docs: &'a [Document], message: &str) -> Option<&'a Document> {
    let named = docs.iter().find(|d| {
        let name = d.json().pointer("/metadata/name").and_then(|n| n.as_str()).unwrap_or("");
        !name.is_empty() && message.contains(&format!("\"{name}\""))
    });
    named.or_else(|| docs.iter().find(|d| !d.is_empty()))
}

/// Field paths mentioned in a message: words starting with a top-level field, as the API
/// server and kubectl write them (`spec.containers[0].image:`, `"spec.containers[0].imag"`,
/// `ValidationError(Pod.spec.containers[0])`).
fn field_paths(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = message.as_bytes();
    for root in ["spec.", "metadata.", "apiVersion", "kind"] {
        let mut from = 0;
        while let Some(i) = message[from..].find(root) {
            let start = from + i;
            from = start + root.len();
            // Only at a word start (not inside `podSpec.`); `Pod.spec` counts (OpenAPI style).
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let end = message[start..].find(|c: char| !(c.is_ascii_alphanumeric() || "._-[]/".contains(c))).map_or(message.len(), |e| start + e);
            let path = message[start..end].trim_end_matches('.').to_string();
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    // Deeper paths first: they point more precisely.
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: \"\"\n";

    #[test]
    fn validation_error_points_at_the_field() {
        let err = "The Pod \"web\" is invalid: spec.containers[0].image: Required value\n";
        assert_eq!(markers(POD, err), vec![Marker { line: 8, message: err.trim_end().into() }]);
    }

    #[test]
    fn syntax_error_uses_the_parser_position() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   bad: [\n";
        let m = markers(text, "error: error parsing pod.yaml: whatever\n");
        assert_eq!(m.len(), 1);
        assert!(m[0].line >= 4, "{m:?}");
    }

    #[test]
    fn unknown_field_from_strict_decoding() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    imag: nginx\n";
        let err = "Error from server (BadRequest): error when creating \"pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imag\"\n";
        assert_eq!(markers(text, err)[0].line, 8);
    }

    #[test]
    fn unlocatable_error_still_marks_the_document() {
        let m = markers(POD, "error: something odd\n");
        assert_eq!(m, vec![Marker { line: 1, message: "error: something odd".into() }]);
        assert!(markers(POD, "").is_empty());
    }

    #[test]
    fn paths_are_extracted_at_word_starts() {
        assert_eq!(field_paths("x: spec.containers[0].image: Required"), ["spec.containers[0].image"]);
        assert!(field_paths("podspec.x").is_empty());
        assert_eq!(field_paths("ValidationError(Pod.spec.containers[1])"), ["spec.containers[1]"]);
    }
}

//! `kubectl explain TYPE[.FIELD...] [--recursive]`: lays out the field documentation of
//! `podlab_api::explain` the way kubectl 1.33's explain v2 plaintext template does (GROUP/KIND/
//! VERSION header, `FIELD: name <type>` with its ENUM, a DESCRIPTION wrapped at 76 columns and
//! indented 4, and FIELDS as `name<TAB><type> -required-` lines with their enums and
//! descriptions, or the bare field tree with `--recursive`). The template's whitespace quirks
//! (two blank lines after FIELD, the four-space line closing DESCRIPTION) are kept on purpose:
//! they are what a learner sees on a real cluster.

use super::{fail, CmdResult, Ctx, Fail};
use podlab_api::explain::{self as docs, ExplainError, Explanation, Field};

/// Nesting `--recursive` follows at most; the documented schemas are far shallower, so this
/// only bounds the walk.
const DEPTH_MAX: usize = 16;

pub fn explain(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    // Messages and streams as the real kubectl 1.33 prints them (checked against it).
    let Some(what) = args.first() else {
        return fail("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    if args.len() > 1 {
        return fail("We accept only this format: explain RESOURCE");
    }
    match ctx.flags.get("output").unwrap_or("plaintext") {
        "plaintext" => {}
        "plaintext-openapiv2" => return fail("Podlab's simulated API server publishes only the OpenAPI v3 explain format (--output=plaintext)"),
        other => return fail(format!("unrecognized format: {other}")),
    }
    let e = match docs::explain(what) {
        Ok(e) => e,
        // The resource mapper's error reaches the terminal without the `error: ` prefix.
        Err(err @ ExplainError::UnknownResource(_)) => return Err(Fail::Plain(format!("{err}\n"))),
        Err(err @ ExplainError::UnknownField(_)) => {
            // The template has already written the header when it meets the unknown field.
            if let Ok(kind) = docs::explain(what.split('.').next().unwrap_or_default()) {
                ctx.stdout(&header(&kind));
            }
            return fail(err.to_string());
        }
    };
    if let Some(v) = ctx.flags.get("api-version").filter(|v| !v.is_empty()) {
        let served = if e.group.is_empty() { e.version.to_string() } else { format!("{}/{}", e.group, e.version) };
        if v != served {
            let (group, version) = v.rsplit_once('/').unwrap_or(("", v));
            let plural = podlab_api::registry::lookup(e.kind).map_or("", |i| i.plural);
            return fail(format!("couldn't find resource for \"{group}/{version}, Resource={plural}\""));
        }
    }
    let text = render(&e, ctx.flags.bool("recursive"));
    ctx.stdout(&text);
    Ok(())
}

/// `GROUP:` (named groups only), `KIND:`, `VERSION:` and the blank line after them.
fn header(e: &Explanation) -> String {
    let mut out = String::new();
    if !e.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", e.group));
    }
    out.push_str(&format!("KIND:       {}\nVERSION:    {}\n\n", e.kind, e.version));
    out
}

/// The complete plaintext output for one explanation.
pub fn render(e: &Explanation, recursive: bool) -> String {
    let mut out = header(e);
    if let Some(f) = &e.field {
        out.push_str(&format!("FIELD: {} <{}>\n", f.name, f.type_name));
        if !f.enums.is_empty() {
            out.push_str("ENUM:");
            for v in f.enums {
                out.push_str("\n    ");
                out.push_str(v);
            }
        }
        out.push_str("\n\n");
    }
    out.push_str("DESCRIPTION:\n");
    let description: String = e.description.iter().map(|d| format!("{d}\n")).collect();
    let description = if description.is_empty() { "<empty>".to_string() } else { description };
    out.push_str(&indent(&word_wrap(&description, 76), 4));
    out.push('\n');
    if !e.fields.is_empty() {
        out.push_str("FIELDS:\n");
        let mut path = Vec::new();
        field_list(&mut out, e.fields, 1, recursive, &mut path);
    }
    out.push('\n');
    out
}

/// The template's `fieldList`: each field, and with `--recursive` its children one level
/// deeper, stopping at a schema already on the path (explain's cycle rule).
fn field_list(out: &mut String, fields: &[Field], level: usize, recursive: bool, path: &mut Vec<&'static str>) {
    for f in fields {
        field_detail(out, f, level, recursive);
        if !recursive || level >= DEPTH_MAX {
            continue;
        }
        let Some(child) = f.schema.filter(|s| !path.contains(s)).and_then(docs::schema) else { continue };
        path.push(child.name);
        field_list(out, child.fields, level + 1, recursive, path);
        path.pop();
    }
}

/// The template's `fieldDetail`: `name<TAB><type> -required-`, the enum line, then (unless
/// recursive) the description wrapped to the remaining width and a blank line.
fn field_detail(out: &mut String, f: &Field, level: usize, short: bool) {
    let pad = " ".repeat(level * 2);
    out.push_str(&format!("{pad}{}\t<{}>", f.name, f.type_name));
    if f.required {
        out.push_str(" -required-");
    }
    if !f.enums.is_empty() {
        // The one-line form lists four values, then `, ....`.
        let shown: Vec<&str> = f.enums.iter().take(4).copied().collect();
        out.push_str(&format!("\n{pad}enum: {}", shown.join(", ")));
        if f.enums.len() > 4 {
            out.push_str(", ....");
        }
    }
    out.push('\n');
    if !short {
        out.push_str(&indent(&word_wrap(f.description, 78 - level * 2), level * 2 + 2));
        out.push_str("\n\n");
    }
}

/// Sprig-style `indent`: `amount` spaces at the start and after every newline.
fn indent(text: &str, amount: usize) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// go-wordwrap's `WrapString` (what kubectl's explain `wrap` uses): greedy on whitespace,
/// lines at most `limit` characters, existing newlines kept, a word longer than the limit
/// left whole, and the spaces where a line breaks dropped.
pub fn word_wrap(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for ch in text.chars() {
        if ch == '\n' {
            out.push_str(&space);
            out.push_str(&word);
            (space_len, word_len) = (0, 0);
            space.clear();
            word.clear();
            out.push('\n');
            current = 0;
        } else if ch.is_whitespace() && ch != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                out.push_str(&space);
                out.push_str(&word);
                (space_len, word_len) = (0, 0);
                space.clear();
                word.clear();
            }
            space.push(ch);
            space_len += 1;
        } else {
            word.push(ch);
            word_len += 1;
            if current + space_len + word_len > limit && word_len < limit {
                out.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= limit {
            out.push_str(&space);
        }
    } else {
        out.push_str(&space);
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_wrap_matches_go_wordwrap() {
        let cases: &[(&str, usize, &str)] = &[
            ("aaa bbb ccc", 7, "aaa bbb\nccc"),
            ("aaa bbb ccc", 6, "aaa\nbbb\nccc"),
            ("a verylongword b", 4, "a\nverylongword\nb"),
            ("one\ntwo three", 5, "one\ntwo\nthree"),
            ("trailing \n", 20, "trailing \n"),
            ("", 10, ""),
        ];
        for (input, limit, want) in cases {
            assert_eq!(word_wrap(input, *limit), *want, "{input:?} at {limit}");
        }
    }

    #[test]
    fn lays_out_a_field_like_the_v2_template() {
        let e = docs::explain("pod.spec.restartPolicy").unwrap();
        let text = render(&e, false);
        assert!(text.starts_with("KIND:       Pod\nVERSION:    v1\n\nFIELD: restartPolicy <string>\nENUM:\n    Always\n    Never\n    OnFailure\n\nDESCRIPTION:\n    "), "{text}");
        assert!(text.ends_with("\n    \n\n"), "{text:?}");
        assert!(!text.contains("FIELDS:"));
        let d = render(&docs::explain("deploy").unwrap(), false);
        assert!(d.starts_with("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nDESCRIPTION:\n"), "{d}");
        assert!(d.contains("FIELDS:\n  apiVersion\t<string>\n    "), "{d}");
    }

    #[test]
    fn recursive_lists_the_tree_without_descriptions() {
        let text = render(&docs::explain("pod.spec.containers").unwrap(), true);
        assert!(text.contains("  env\t<[]EnvVar>\n    name\t<string> -required-\n    value\t<string>\n    valueFrom\t<EnvVarSource>\n"), "{text}");
        assert!(text.contains("  imagePullPolicy\t<string>\n  enum: Always, IfNotPresent, Never\n"), "{text}");
        assert!(text.ends_with("\t<string>\n\n"), "{text:?}");
    }

    #[test]
    fn every_documented_path_renders_within_bounds() {
        for kind in ["pod", "deploy", "rs", "job", "svc", "cm", "secret", "no", "ns", "pvc", "pv", "sa", "ev"] {
            let text = render(&docs::explain(kind).unwrap(), true);
            assert!(text.lines().count() < 2_000, "{kind}");
        }
    }
}

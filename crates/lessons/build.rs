//! Build-time bundling of the `lessons/` content folder. Markdown is rendered to HTML here (raw
//! HTML in the source is escaped, never passed through) and every YAML file is converted to
//! JSON, so the wasm embeds one JSON document and carries neither a Markdown nor a YAML parser.
//! A file that does not parse is NOT a build failure: its error text is bundled in its place so
//! the runtime loader reports it with the file name, and a test turns it into a red CI run.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{json, Map, Value};
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest_dir.join("../../lessons");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=build.rs");
    let bundle = json!({
        "index": yaml_doc(&root, "index.yaml"),
        "lessons": lessons(&root),
        "scenarios": scenarios(&root),
    });
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("bundle.json");
    let text = serde_json::to_string(&bundle).unwrap_or_else(|_| "{}".to_string());
    if let Err(e) = fs::write(&out, text) {
        // Without the bundle the crate cannot compile; say why instead of a bare include error.
        println!("cargo:warning=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}

/// Sorted sub-folders of `dir` (sorting keeps the bundle byte-identical across machines).
fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every folder under `lessons/` holding a `lesson.md` (`scenarios/` is not a lesson).
fn lessons(root: &Path) -> Vec<Value> {
    subdirs(root)
        .into_iter()
        .filter(|d| d != "scenarios" && root.join(d).join("lesson.md").exists())
        .map(|dir| {
            let md_rel = format!("{dir}/lesson.md");
            let mut entry = Map::new();
            entry.insert("dir", json!(dir));
            entry.insert("file", json!(format!("lessons/{md_rel}")));
            match fs::read_to_string(root.join(&md_rel)) {
                Ok(text) => {
                    let (title, html) = render_markdown(&text);
                    entry.insert("title", json!(title));
                    entry.insert("html", json!(html));
                }
                Err(e) => {
                    entry.insert("error", json!(format!("cannot read: {e}")));
                }
            }
            entry.insert("exercise", yaml_doc(root, &format!("{dir}/exercise.yaml")));
            Value::Object(entry)
        })
        .collect()
}

fn scenarios(root: &Path) -> Vec<Value> {
    let dir = root.join("scenarios");
    subdirs(&dir)
        .into_iter()
        .map(|name| {
            json!({
                "dir": format!("scenarios/{name}"),
                "scenario": yaml_doc(root, &format!("scenarios/{name}/scenario.yaml")),
            })
        })
        .collect()
}

/// One YAML file as `{file, value}` or `{file, error}`; a `story` string also gets `story_html`.
fn yaml_doc(root: &Path, rel: &str) -> Value {
    let file = format!("lessons/{rel}");
    let text = match fs::read_to_string(root.join(rel)) {
        Ok(t) => t,
        Err(e) => return json!({ "file": file, "error": format!("cannot read: {e}") }),
    };
    let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(&text);
    let value = match parsed.map(serde_json::to_value) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return json!({ "file": file, "error": format!("not representable as JSON: {e}") }),
        Err(e) => return json!({ "file": file, "error": format!("YAML syntax: {e}") }),
    };
    let story_html = value
        .get("story")
        .and_then(Value::as_str)
        .map(|s| render_markdown(s).1);
    json!({ "file": file, "value": value, "story_html": story_html })
}

/// Markdown to HTML with raw HTML turned into text; returns the first level-1 heading as title.
fn render_markdown(text: &str) -> (String, String) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut title = String::new();
    let mut in_h1 = false;
    let events: Vec<Event> = Parser::new_ext(text, opts)
        .map(|ev| match ev {
            // The escape hatch Markdown offers for HTML is closed: it is shown, not interpreted.
            Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
            other => other,
        })
        .inspect(|ev| match ev {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) if title.is_empty() => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => in_h1 = false,
            Event::Text(t) | Event::Code(t) if in_h1 => title.push_str(t),
            _ => {}
        })
        .collect();
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    (title, out)
}

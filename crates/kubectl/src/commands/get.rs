//! `kubectl get`: resources by type, name, `kind/name`, label and field selector, in every
//! output form (tables with `-o wide`, `--show-labels`, `-L`, `-A`; `-o yaml|json|name`;
//! `-o jsonpath=...`; `-o custom-columns=...`), `--sort-by`, `--ignore-not-found`, and `-w`
//! streaming through the session.

use super::{fail, kind_prefix, parse_targets, CmdResult, Ctx, Fail, Target};
use crate::printers::{render_table, TableOptions};
use crate::value::s;
use serde_json::{json, Value};
use std::borrow::{Borrow, Cow};
use std::sync::Arc;

/// The `-o` forms kubectl accepts, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Table { wide: bool },
    Yaml,
    Json,
    Name,
    JsonPath(String),
    CustomColumns(Vec<(String, String)>),
}

const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// Parses `-o` (or fails with kubectl's message).
pub fn parse_format(o: &str) -> Result<Format, Fail> {
    let strip_quotes = |t: &str| -> String {
        let t = t.trim();
        for q in ['\'', '"'] {
            if let Some(inner) = t.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
                return inner.to_string();
            }
        }
        t.to_string()
    };
    let (name, arg) = match o.split_once('=') {
        Some((n, a)) => (n, Some(a)),
        None => (o, None),
    };
    match (name, arg) {
        ("", None) => Ok(Format::Table { wide: false }),
        ("wide", None) => Ok(Format::Table { wide: true }),
        ("yaml", None) => Ok(Format::Yaml),
        ("json", None) => Ok(Format::Json),
        ("name", None) => Ok(Format::Name),
        ("jsonpath", Some(t)) => {
            let t = strip_quotes(t);
            crate::jsonpath::validate(&t).map_err(|e| Fail::Error(format!("error parsing jsonpath {t}, {e}")))?;
            Ok(Format::JsonPath(t))
        }
        ("jsonpath", None) => fail("template format specified but no template given"),
        ("custom-columns", Some(spec)) => parse_custom_columns(spec),
        ("custom-columns", None) => fail("custom-columns format specified but no custom columns given"),
        _ => fail(format!("unable to match a printer suitable for the output format {o:?}, allowed formats are: {ALLOWED}")),
    }
}

fn parse_custom_columns(spec: &str) -> Result<Format, Fail> {
    let mut cols = Vec::new();
    for part in spec.split(',') {
        let Some((header, path)) = part.split_once(':') else {
            return fail(format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
        };
        let path = if path.starts_with('{') { path.to_string() } else { format!("{{{}}}", if path.starts_with('.') { path.to_string() } else { format!(".{path}") }) };
        crate::jsonpath::validate(&path).map_err(|e| Fail::Error(e))?;
        cols.push((header.to_string(), path));
    }
    Ok(Format::CustomColumns(cols))
}

/// Drops what kubectl hides unless asked (`metadata.managedFields`).
pub fn for_output(mut obj: Value, show_managed: bool) -> Value {
    if !show_managed {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
    }
    obj
}

/// The object as printed: borrowed as it is, copied only when there is something to hide.
fn visible(obj: &Value, show_managed: bool) -> Cow<'_, Value> {
    if show_managed || crate::value::at(obj, "metadata.managedFields").is_none() {
        Cow::Borrowed(obj)
    } else {
        Cow::Owned(for_output(obj.clone(), false))
    }
}

/// Prints objects in a non-table format; `single` prints the object rather than a List.
/// Lists are written around the borrowed items (no copy of the objects); only jsonpath needs
/// the List as one value.
pub fn print_objects<T: Borrow<Value>>(ctx: &mut Ctx, format: &Format, objs: &[T], single: bool) -> CmdResult {
    let show_mf = ctx.flags.bool("show-managed-fields");
    if let Format::Name = format {
        for o in objs {
            let o: &Value = o.borrow();
            let info = super::resource(s(o, "kind"))?;
            ctx.stdout(&format!("{}/{}\n", kind_prefix(info), s(o, "metadata.name")));
        }
        return Ok(());
    }
    let objs: Vec<Cow<'_, Value>> = objs.iter().map(|o| visible(o.borrow(), show_mf)).collect();
    let items: Vec<&Value> = objs.iter().map(|o| o.as_ref()).collect();
    let one = (single && items.len() == 1).then(|| items[0]);
    match format {
        Format::Yaml => ctx.out.out_string(one.map_or_else(|| crate::yaml::list_to_yaml(&items), crate::yaml::to_yaml)),
        Format::Json => ctx.out.out_string(one.map_or_else(|| crate::jsonfmt::list_to_json(&items), crate::jsonfmt::to_json)),
        Format::JsonPath(t) => {
            let wrapper = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}});
            let text = match one {
                Some(o) => crate::jsonpath::render(t, o),
                None => crate::jsonpath::render_list(t, &wrapper, &items).unwrap_or_else(|| crate::jsonpath::render(t, &list_value(&items))),
            };
            ctx.stdout(&text.map_err(Fail::Error)?);
        }
        Format::CustomColumns(cols) => ctx.stdout(&custom_columns(cols, &items, ctx.flags.bool("no-headers"))),
        Format::Name | Format::Table { .. } => {}
    }
    Ok(())
}

/// The `List` kubectl wraps several objects in (what jsonpath templates address as `.items`).
fn list_value(items: &[&Value]) -> Value {
    // Built by hand: `json!` would deep-copy every item through Serialize.
    let mut list = serde_json::Map::new();
    list.insert("apiVersion", json!("v1"));
    list.insert("items", Value::Array(items.iter().map(|o| (*o).clone()).collect()));
    list.insert("kind", json!("List"));
    list.insert("metadata", json!({"resourceVersion": ""}));
    Value::Object(list)
}

fn custom_columns(cols: &[(String, String)], objs: &[&Value], no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        text.push_str(&cols.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join("\t"));
        text.push('\n');
    }
    for o in objs {
        let cells: Vec<String> = cols
            .iter()
            .map(|(_, p)| {
                let v = crate::jsonpath::values(p, o).unwrap_or_default();
                if v.is_empty() { "<none>".into() } else { v.join(",") }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    crate::tabwriter::layout(&text, crate::tabwriter::TABLE)
}

/// Collects the objects of one target, printing per-name errors as kubectl does.
fn fetch(ctx: &mut Ctx, t: &Target, errors: &mut Vec<Fail>) -> Result<Vec<Arc<Value>>, Fail> {
    let ns = ctx.namespace();
    if t.names.is_empty() {
        let scope = if ctx.all_namespaces() { None } else { Some(ns.as_str()) };
        let labels = ctx.flags.get("selector").map(str::to_string);
        let fields = ctx.flags.get("field-selector").map(str::to_string);
        return ctx.list_shared(t.info, scope, labels.as_deref(), fields.as_deref());
    }
    let mut objs = Vec::new();
    for name in &t.names {
        match ctx.get_object(t.info, &ns, name) {
            Ok(o) => objs.push(Arc::new(o)),
            Err(Fail::Server(st)) if st.reason == "NotFound" && ctx.flags.bool("ignore-not-found") => {}
            Err(e) => errors.push(e),
        }
    }
    Ok(objs)
}

/// `--sort-by`: each key is rendered once (not once per comparison), then a stable sort.
fn sort_by(objs: &mut Vec<Arc<Value>>, expr: &str) {
    let path = if expr.starts_with('{') { expr.to_string() } else { format!("{{{expr}}}") };
    let mut keyed: Vec<(Option<f64>, String, Arc<Value>)> = std::mem::take(objs)
        .into_iter()
        .map(|o| {
            let text = crate::jsonpath::render(&path, &o).unwrap_or_default();
            (text.parse::<f64>().ok(), text, o)
        })
        .collect();
    keyed.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.1.cmp(&b.1),
    });
    objs.extend(keyed.into_iter().map(|k| k.2));
}

/// `kubectl get`.
pub fn get(ctx: &mut Ctx) -> CmdResult {
    let format = parse_format(ctx.flags.get_or("output", ""))?;
    let args = ctx.flags.positionals.clone();
    let from_files = !ctx.flags.all("filename").is_empty();
    if args.is_empty() && !from_files {
        return Err(Fail::Plain(format!(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n{}\n",
            ctx.usage_hint()
        )));
    }
    let targets = if from_files { super::apply::targets_from_files(ctx)? } else { parse_targets(&args, "get")? };
    let mut errors = Vec::new();
    let mut groups: Vec<(Target, Vec<Arc<Value>>)> = Vec::new();
    for t in targets {
        let mut objs = fetch(ctx, &t, &mut errors)?;
        if let Some(expr) = ctx.flags.get("sort-by") {
            sort_by(&mut objs, expr);
        }
        groups.push((t, objs));
    }
    let single = groups.len() == 1 && groups[0].0.names.len() == 1;
    let total: usize = groups.iter().map(|g| g.1.len()).sum();
    if ctx.flags.bool("watch") || ctx.flags.bool("watch-only") {
        // A named object that is not there fails before any watch opens.
        if !errors.is_empty() {
            return finish(ctx, errors);
        }
        return crate::streams::start_watch(ctx, &groups, &format);
    }
    match &format {
        Format::Table { wide } => print_tables(ctx, &groups, *wide, errors.is_empty() && total == 0)?,
        other => {
            let all: Vec<Arc<Value>> = groups.into_iter().flat_map(|g| g.1).collect();
            if all.is_empty() && errors.is_empty() && !single && !matches!(other, Format::Yaml | Format::Json) {
                no_resources(ctx);
            } else {
                print_objects(ctx, other, &all, single)?;
            }
        }
    }
    finish(ctx, errors)
}

/// Prints per-name errors after the output and sets the exit code.
pub fn finish(ctx: &mut Ctx, errors: Vec<Fail>) -> CmdResult {
    if errors.is_empty() {
        return Ok(());
    }
    for e in &errors {
        e.print(ctx.out);
    }
    Err(Fail::Printed)
}

fn no_resources(ctx: &mut Ctx) {
    if ctx.all_namespaces() {
        ctx.stderr("No resources found\n");
    } else {
        let ns = ctx.namespace();
        ctx.stderr(&format!("No resources found in {ns} namespace.\n"));
    }
}

/// The table options `get` flags ask for.
pub fn table_options(ctx: &Ctx, wide: bool, namespaced: bool, prefix: Option<String>) -> TableOptions {
    TableOptions {
        wide,
        namespace_column: ctx.all_namespaces() && namespaced,
        show_labels: ctx.flags.bool("show-labels"),
        label_columns: ctx.flags.all("label-columns"),
        no_headers: ctx.flags.bool("no-headers"),
        kind_prefix: prefix,
    }
}

fn print_tables(ctx: &mut Ctx, groups: &[(Target, Vec<Arc<Value>>)], wide: bool, nothing: bool) -> CmdResult {
    let several = groups.len() > 1 || ctx.flags.bool("show-kind");
    if nothing {
        let cluster_scoped = groups.iter().all(|g| !g.0.info.namespaced);
        if cluster_scoped && !groups.is_empty() {
            ctx.stderr("No resources found\n");
        } else {
            no_resources(ctx);
        }
        return Ok(());
    }
    let now = ctx.now_ms();
    let mut first = true;
    for (t, objs) in groups {
        if objs.is_empty() {
            continue;
        }
        if !first {
            ctx.stdout("\n");
        }
        first = false;
        let prefix = several.then(|| kind_prefix(t.info));
        let opts = table_options(ctx, wide, t.info.namespaced, prefix);
        ctx.out.out_string(render_table(t.info.kind, objs, &opts, now));
    }
    Ok(())
}

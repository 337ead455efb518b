//! `kubectl get`'s human-readable tables: the per-kind column data in [`kinds`], the pod
//! STATUS logic in [`pod`], and here the assembly kubectl does around them (a NAMESPACE
//! column with `-A`, `kind/name` prefixes when several types are listed, `-L` label columns,
//! `--show-labels`, `--no-headers`) before the tabwriter lays the table out.

pub mod kinds;
pub mod pod;

use crate::tabwriter::{layout, TABLE};
use crate::value::{format_labels, s};
use serde_json::Value;
use std::borrow::Borrow;

/// The options of one `kubectl get` table.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    pub wide: bool,
    pub namespace_column: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub no_headers: bool,
    /// `pod` or `deployment.apps`: prefix NAME as `pod/web` (several resource types listed).
    pub kind_prefix: Option<String>,
}

/// The header of a `-L key` column: the key's last path segment, upper-cased.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

/// The tab-separated lines of a table (header included unless `no_headers`).
pub fn table_lines<T: Borrow<Value>>(kind: &str, items: &[T], opts: &TableOptions, now_ms: i64) -> String {
    let table = kinds::table_for(kind);
    let keep: Vec<bool> = table.columns.iter().map(|c| opts.wide || !c.wide).collect();
    let mut out = String::new();
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if opts.namespace_column {
            header.push("NAMESPACE".into());
        }
        header.extend(table.columns.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c.name.to_string()));
        header.extend(opts.label_columns.iter().map(|k| label_header(k)));
        if opts.show_labels {
            header.push("LABELS".into());
        }
        out.push_str(&header.join("\t"));
        out.push('\n');
    }
    for item in items {
        let item: &Value = item.borrow();
        let mut row: Vec<String> = Vec::new();
        if opts.namespace_column {
            row.push(s(item, "metadata.namespace").to_string());
        }
        let cells = (table.cells)(item, now_ms);
        for (idx, cell) in cells.into_iter().enumerate() {
            if keep.get(idx).copied().unwrap_or(false) {
                let first = row.len() == usize::from(opts.namespace_column);
                match (&opts.kind_prefix, first && table.columns[idx].name == "NAME") {
                    (Some(prefix), true) => row.push(format!("{prefix}/{cell}")),
                    _ => row.push(cell),
                }
            }
        }
        for key in &opts.label_columns {
            row.push(crate::value::at(item, "metadata.labels").and_then(|l| l.get(key.as_str())).map(crate::value::scalar_text).unwrap_or_default());
        }
        if opts.show_labels {
            row.push(format_labels(item, "metadata.labels"));
        }
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

/// A laid-out table, as printed.
pub fn render_table<T: Borrow<Value>>(kind: &str, items: &[T], opts: &TableOptions, now_ms: i64) -> String {
    layout(&table_lines(kind, items, opts, now_ms), TABLE)
}

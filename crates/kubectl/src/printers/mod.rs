//! `kubectl get`'s human-readable tables: the per-kind column data in [`kinds`], the pod
//! STATUS logic in [`pod`], and here the assembly kubectl does around them (a NAMESPACE
//! column with `-A`, `kind/name` prefixes when several types are listed, `-L` label columns,
//! `--show-labels`, `--no-headers`) before the tabwriter lays the table out.

pub mod controllerrevision;
pub mod daemonset;
pub mod event;
pub mod kinds;
pub mod lease;
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
    let mut out = String::with_capacity(64 * (items.len() + 1));
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
    // Cells go straight into `out`, tab-separated; `cells` counts those of the current row.
    for (row, item) in items.iter().enumerate() {
        let item: &Value = item.borrow();
        let row_start = out.len();
        let mut cells = 0usize;
        if opts.namespace_column {
            push_cell(&mut out, &mut cells, s(item, "metadata.namespace"));
        }
        push_kind_cells(&mut out, &mut cells, table, &keep, item, opts, now_ms);
        for key in &opts.label_columns {
            let value = crate::value::at(item, "metadata.labels").and_then(|l| l.get(key.as_str())).map(crate::value::scalar_text);
            push_cell(&mut out, &mut cells, value.as_deref().unwrap_or(""));
        }
        if opts.show_labels {
            push_cell(&mut out, &mut cells, &format_labels(item, "metadata.labels"));
        }
        out.push('\n');
        if row == 0 {
            // Rows of one kind are alike (an Event row is three times a Pod row): size the
            // text once from the first instead of growing it.
            out.reserve((out.len() - row_start) * (items.len() - 1));
        }
    }
    out
}

/// Appends the cells of the kind's own columns to the row being written, NAME prefixed as
/// `kind/name` when it is the row's first cell and the table lists several kinds.
fn push_kind_cells(out: &mut String, cells: &mut usize, table: &kinds::KindTable, keep: &[bool], item: &Value, opts: &TableOptions, now_ms: i64) {
    match table.cells {
        kinds::Cells::All(all_cells) => {
            for (idx, text) in all_cells(item, now_ms).into_iter().enumerate() {
                if keep.get(idx).copied().unwrap_or(false) {
                    let first = *cells == usize::from(opts.namespace_column);
                    match (&opts.kind_prefix, first && table.columns[idx].name == "NAME") {
                        (Some(prefix), true) => push_cell(out, cells, &format!("{prefix}/{text}")),
                        _ => push_cell(out, cells, &text),
                    }
                }
            }
        }
        kinds::Cells::Write(write) => {
            if *cells > 0 {
                out.push('\t');
            }
            // The writer's first cell is the first kept column: prefixing it is writing the
            // prefix just before.
            let first_kept = table.columns.iter().zip(keep).find(|(_, k)| **k).map(|(c, _)| c.name);
            if let (Some(prefix), Some("NAME")) = (&opts.kind_prefix, first_kept) {
                out.push_str(prefix);
                out.push('/');
            }
            write(item, now_ms, opts.wide, out);
            *cells += 1;
        }
    }
}

/// Appends one cell to the row being written, after a tab unless it is the row's first.
fn push_cell(out: &mut String, cells: &mut usize, text: &str) {
    if *cells > 0 {
        out.push('\t');
    }
    out.push_str(text);
    *cells += 1;
}

/// A laid-out table, as printed.
pub fn render_table<T: Borrow<Value>>(kind: &str, items: &[T], opts: &TableOptions, now_ms: i64) -> String {
    layout(&table_lines(kind, items, opts, now_ms), TABLE)
}

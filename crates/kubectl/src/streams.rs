//! Long-running kubectl output that keeps printing as simulated time advances: `get -w`
//! (rows appended as the watched objects change, aligned to the widths already printed, the
//! way kubectl's tabwriter with RememberWidths does) and `logs -f`. A background job brought
//! back with `fg` (`jobs.rs`) holds the terminal the same way: a port-forward until Ctrl+C, a
//! `sleep` until its time is up.

use crate::commands::get::{print_objects, table_options, Format};
use crate::commands::{CmdResult, Ctx, Fail, Target};
use crate::output::CommandOutput;
use crate::printers::table_lines;
use crate::session::Session;
use podlab_sim::selector::{FieldSelector, LabelSelector};
use podlab_sim::{WatchFilter, WatchId};
use serde_json::Value;

/// A stream the session keeps open until the next command (or Ctrl-C).
pub enum ActiveStream {
    Watch(WatchStream),
    /// `logs -f`: one stream per followed pod (several with `-l`).
    Logs(Vec<crate::commands::follow::LogStream>),
    /// A port-forward in the foreground (`fg`): its local ports, released on Ctrl+C.
    Forward(Vec<u16>),
    /// A `sleep` in the foreground (`fg`), until this instant.
    Sleep(podlab_sim::SimTime),
}

pub struct WatchStream {
    id: WatchId,
    kind: &'static str,
    format: Format,
    opts: crate::printers::TableOptions,
    widths: Vec<usize>,
    show_events: bool,
    /// Nothing was printed yet, so the first row brings the header (the table printer prints
    /// it with its first object, as kubectl does for an empty list or `--watch-only`).
    header_pending: bool,
}

impl ActiveStream {
    /// New output, and whether the stream has ended by itself (a followed container exited).
    pub fn poll(&mut self, session: &mut Session) -> (CommandOutput, bool) {
        match self {
            ActiveStream::Watch(w) => (w.poll(session), false),
            ActiveStream::Logs(streams) => {
                // Each pod's stream ends with its containers; the command ends with the last.
                let mut out = CommandOutput::default();
                let mut open = Vec::new();
                for mut l in std::mem::take(streams) {
                    let (text, done) = l.poll(session);
                    out.extend(text);
                    if !done {
                        open.push(l);
                    }
                }
                *streams = open;
                (out, streams.is_empty())
            }
            ActiveStream::Forward(ports) => (CommandOutput::default(), !session.port_forwards.iter().any(|f| ports.contains(&f.0))),
            ActiveStream::Sleep(until) => (CommandOutput::default(), session.sim.now() >= *until),
        }
    }

    /// Releases what the stream holds: the watch, or the forwarded ports.
    pub fn close(self, session: &mut Session) {
        match self {
            ActiveStream::Watch(w) => session.sim.close_watch(w.id),
            ActiveStream::Forward(ports) => session.port_forwards.retain(|f| !ports.contains(&f.0)),
            ActiveStream::Logs(_) | ActiveStream::Sleep(_) => {}
        }
    }
}

/// Pads every tab-terminated cell to the remembered widths, growing them as needed.
fn align(lines: &str, widths: &mut Vec<usize>) -> String {
    let rows: Vec<Vec<&str>> = lines.lines().map(|l| l.split('\t').collect()).collect();
    for cells in &rows {
        for (i, cell) in cells.iter().enumerate().take(cells.len().saturating_sub(1)) {
            let need = (cell.chars().count() + 3).max(6);
            if widths.len() <= i {
                widths.push(need);
            }
            widths[i] = widths[i].max(need);
        }
    }
    let mut out = String::new();
    for cells in &rows {
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// Prints the initial state and opens the watch (`kubectl get -w`).
pub fn start_watch(ctx: &mut Ctx, groups: &[(Target, Vec<std::sync::Arc<Value>>)], format: &Format) -> CmdResult {
    if groups.len() != 1 {
        return Err(Fail::Error("you may only specify a single resource type".into()));
    }
    let (target, objs) = &groups[0];
    let wide = matches!(format, Format::Table { wide: true });
    let mut opts = table_options(ctx, wide, target.info.namespaced, None);
    let show_events = ctx.flags.bool("output-watch-events");
    let mut widths = Vec::new();
    let watch_only = ctx.flags.bool("watch-only");
    if !watch_only && !objs.is_empty() {
        match format {
            Format::Table { .. } => {
                let mut text = table_lines(target.info.kind, objs, &opts, ctx.now_ms());
                if show_events {
                    text = prefix_event_column(&text, "ADDED", !opts.no_headers);
                }
                // The first block is laid out by the tabwriter, then its widths are remembered.
                ctx.stdout(&align(&text, &mut widths));
            }
            other => print_objects(ctx, other, objs, false)?,
        }
    }
    // Several named objects are printed, then the builder refuses to watch them (`Result.Watch`).
    if target.names.len() > 1 {
        return Err(Fail::Error(format!("watch is only supported on individual resources and resource collections, but {} resources were found", target.names.len())));
    }
    let header_pending = (watch_only || objs.is_empty()) && !opts.no_headers;
    opts.no_headers = true;
    let ns = (!ctx.all_namespaces() && target.info.namespaced).then(|| ctx.namespace());
    // The watch asks for what the list asked for: the same label and field selectors, and
    // `metadata.name=NAME` for one named object (kubectl's watch of a single resource).
    let labels = LabelSelector::parse(ctx.flags.get("selector").unwrap_or("")).map_err(Fail::Error)?;
    let mut field_text = ctx.flags.get("field-selector").unwrap_or("").to_string();
    if let Some(name) = target.names.first() {
        field_text = if field_text.is_empty() { format!("metadata.name={name}") } else { format!("{field_text},metadata.name={name}") };
    }
    let fields = FieldSelector::parse(target.info.kind, &field_text).map_err(Fail::Error)?;
    let filter = WatchFilter { kind: target.info.kind.to_string(), namespace: ns, labels, fields };
    let rv = ctx.session.sim.resource_version();
    let id = ctx.session.sim.watch_filtered(filter, Some(rv)).map_err(Fail::Server)?;
    ctx.session.stream = Some(ActiveStream::Watch(WatchStream { id, kind: target.info.kind, format: format.clone(), opts, widths, show_events, header_pending }));
    ctx.out.streaming = true;
    Ok(())
}

fn prefix_event_column(text: &str, event: &str, header: bool) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i == 0 && header { format!("EVENT\t{l}\n") } else { format!("{event}\t{l}\n") })
        .collect()
}

impl WatchStream {
    fn poll(&mut self, session: &mut Session) -> CommandOutput {
        let mut out = CommandOutput::default();
        let events = session.sim.drain_watch(self.id);
        let now = session.sim.epoch().epoch_ms(session.sim.now());
        for ev in events {
            let obj: Value = (*ev.object).clone();
            match &self.format {
                Format::Table { .. } => {
                    let header = std::mem::take(&mut self.header_pending);
                    let opts = crate::printers::TableOptions { no_headers: !header, ..self.opts.clone() };
                    let mut text = table_lines(self.kind, std::slice::from_ref(&obj), &opts, now);
                    if self.show_events {
                        text = prefix_event_column(&text, ev.event_type.as_str(), header);
                    }
                    out.out(&align(&text, &mut self.widths));
                }
                Format::Name => out.out(&format!("{}/{}\n", self.kind.to_lowercase(), crate::value::s(&obj, "metadata.name"))),
                Format::Json => out.out(&crate::jsonfmt::to_json(&obj)),
                Format::Yaml => out.out(&format!("---\n{}", crate::yaml::to_yaml(&obj))),
                Format::JsonPath(t) => out.out(&crate::jsonpath::render(t, &obj).unwrap_or_default()),
                Format::CustomColumns(_) => {}
            }
        }
        out
    }
}

//! kubectl's JSONPath templates (`-o jsonpath=...`), the subset learners use: literal text,
//! `{.a.b}`, `{.items[*].metadata.name}`, indexes and slices (`[0]`, `[-1]`, `[0:2]`), `[*]`,
//! `..name`, filters (`[?(@.type=="Ready")]`), `{range ...}{end}` and quoted literals
//! (`{"\n"}`). Missing keys print nothing, as kubectl enables AllowMissingKeys. Several
//! results of one expression are joined by a space; maps and lists print as compact JSON.

use crate::jsonfmt::to_compact;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Wildcard,
    Recursive(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter { path: Vec<Step>, op: Option<(String, Value)> },
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// Parses and evaluates `template` against `data`; errors are kubectl's parse-error wording.
pub fn render(template: &str, data: &Value) -> Result<String, String> {
    let nodes = parse(template)?;
    let mut out = String::new();
    eval_nodes(&nodes, data, &mut out);
    Ok(out)
}

/// The text of every result of a single-expression template (`{.spec.containers[*].image}`),
/// for custom-columns, which joins several results with commas.
pub fn values(template: &str, data: &Value) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for node in parse(template)? {
        match node {
            Node::Path(p) => out.extend(select(&p, data).into_iter().map(text_of)),
            Node::Text(t) => out.push(t),
            Node::Range(..) => {}
        }
    }
    Ok(out)
}

/// Every node's results, as kubectl's `JSONPath.FindResults` gives them (a text node is one
/// result, its own text; a missing key gives an empty list): what `kubectl wait
/// --for=jsonpath=...` compares.
pub fn results(template: &str, data: &Value) -> Result<Vec<Vec<Value>>, String> {
    let mut out = Vec::new();
    for node in parse(template)? {
        match node {
            Node::Path(p) | Node::Range(p, _) => out.push(select(&p, data).into_iter().cloned().collect()),
            Node::Text(t) => out.push(vec![Value::String(t)]),
        }
    }
    Ok(out)
}

/// Checks a template without evaluating it (kubectl rejects bad templates before any request).
pub fn validate(template: &str) -> Result<(), String> {
    parse(template).map(|_| ())
}

fn parse(template: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
    let mut current: Vec<Node> = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            current.push(Node::Text(rest.to_string()));
            break;
        };
        if open > 0 {
            current.push(Node::Text(rest[..open].to_string()));
        }
        let close = find_close(&rest[open..]).ok_or_else(|| format!("unclosed action"))? + open;
        let action = rest[open + 1..close].trim();
        rest = &rest[close + 1..];
        if let Some(p) = action.strip_prefix("range ") {
            stack.push((parse_path(p.trim())?, std::mem::take(&mut current)));
        } else if action == "end" {
            let (path, outer) = stack.pop().ok_or("not in range, nothing to end")?;
            let body = std::mem::replace(&mut current, outer);
            current.push(Node::Range(path, body));
        } else if action.starts_with('"') || action.starts_with('\'') {
            current.push(Node::Text(unquote(action)?));
        } else if action.is_empty() {
            continue;
        } else {
            current.push(Node::Path(parse_path(action)?));
        }
    }
    if !stack.is_empty() {
        return Err("unexpected EOF".into());
    }
    Ok(current)
}

/// Position of the `}` closing the action that starts at `s[0] == '{'`, skipping quotes.
fn find_close(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(_), '\\') if !escaped => escaped = true,
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => escaped = false,
            (None, '"' | '\'') => quote = Some(c),
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn unquote(lit: &str) -> Result<String, String> {
    let q = lit.chars().next().unwrap_or('"');
    let inner = lit.strip_prefix(q).and_then(|l| l.strip_suffix(q)).ok_or("unterminated quoted string")?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    Ok(out)
}

fn parse_path(p: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    if chars.first() == Some(&'$') {
        i = 1;
    } else if chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                let (name, next) = read_name(&chars, i + 2);
                steps.push(Step::Recursive(name));
                i = next;
            }
            '.' => {
                let (name, next) = read_name(&chars, i + 1);
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
                i = next;
            }
            '[' => {
                let close = matching_bracket(&chars, i).ok_or_else(|| format!("unterminated array"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = close + 1;
            }
            // parseInsideAction consumes spaces between steps.
            ' ' => i += 1,
            c if i == 0 && c.is_alphanumeric() => {
                let (name, next) = read_name(&chars, i);
                steps.push(Step::Field(name));
                i = next;
            }
            c => return Err(format!("unrecognized character in action: U+{:04X} '{c}'", c as u32)),
        }
    }
    Ok(steps)
}

/// Ends a field name (client-go's `isTerminator`); what follows is parsed as the next step,
/// so a `,` outside brackets is the parser's "unrecognized character" error, as in kubectl.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '[' | ',' | ']' | '$' | '@' | '{' | '}') || c.is_whitespace()
}

/// A field name up to the next unescaped terminator. As in client-go's parser (`advance`,
/// `parseField`), a backslash escapes the character after it and every backslash is dropped
/// from the name, so `.metadata.annotations.deployment\.kubernetes\.io/revision` reads one key.
fn read_name(chars: &[char], start: usize) -> (String, usize) {
    let mut name = String::new();
    let mut end = start;
    while end < chars.len() && !is_terminator(chars[end]) {
        if chars[end] == '\\' {
            end += 1;
            if let Some(&c) = chars.get(end) {
                if c != '\\' {
                    name.push(c);
                }
            }
            end = (end + 1).min(chars.len());
            continue;
        }
        name.push(chars[end]);
        end += 1;
    }
    (name, end)
}

fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return parse_filter(f.trim());
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        return Ok(Step::Field(unquote(inner)?));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() { Ok(None) } else { s.parse().map(Some).map_err(|_| format!("invalid array index {s}")) }
        };
        let b = b.split(':').next().unwrap_or("");
        return Ok(Step::Slice(num(a)?, num(b)?));
    }
    inner.parse().map(Step::Index).map_err(|_| format!("invalid array index {inner}"))
}

fn parse_filter(f: &str) -> Result<Step, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((lhs, rhs)) = f.split_once(op) {
            let rhs = rhs.trim();
            let value = if rhs.starts_with('"') || rhs.starts_with('\'') {
                Value::String(unquote(rhs)?)
            } else {
                serde_json::from_str(rhs).map_err(|_| format!("unrecognized identifier {rhs}"))?
            };
            return Ok(Step::Filter { path: parse_path(lhs.trim())?, op: Some((op.to_string(), value)) });
        }
    }
    Ok(Step::Filter { path: parse_path(f)?, op: None })
}

fn eval_nodes(nodes: &[Node], data: &Value, out: &mut String) {
    eval_with(nodes, &|p| select(p, data), out);
}

/// Evaluates `nodes`, selecting each path's values with `sel` (the root may be virtual).
fn eval_with<'a>(nodes: &[Node], sel: &dyn Fn(&[Step]) -> Vec<&'a Value>, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Path(p) => {
                let results = sel(p);
                let texts: Vec<String> = results.iter().map(|v| text_of(v)).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(p, body) => {
                for item in sel(p) {
                    // `range` over a single list walks its items, like Go's template range.
                    match item {
                        Value::Array(items) if p.last() != Some(&Step::Wildcard) => {
                            items.iter().for_each(|i| eval_nodes(body, i, out))
                        }
                        other => eval_nodes(body, other, out),
                    }
                }
            }
        }
    }
}

/// Evaluates `template` against kubectl's `List` (`wrapper` holding everything but `items`)
/// without building the List, so `-o jsonpath` on many objects copies none of them. None when
/// the template addresses the list as a whole (`{.items}`, `{..name}`, `{[*]}`): the caller
/// then renders against the built List, with the same result.
pub fn render_list(template: &str, wrapper: &Value, items: &[&Value]) -> Option<Result<String, String>> {
    let nodes = match parse(template) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    let eligible = nodes.iter().all(|n| match n {
        Node::Text(_) => true,
        Node::Path(p) | Node::Range(p, _) => match p.first() {
            Some(Step::Field(f)) if f == "items" => p.len() >= 2,
            Some(Step::Field(_)) => true,
            _ => false,
        },
    });
    if !eligible {
        return None;
    }
    let mut out = String::new();
    eval_with(&nodes, &|p| list_select(p, wrapper, items), &mut out);
    Some(Ok(out))
}

/// `select` on the virtual List: `.items` steps walk `items`, anything else the wrapper.
fn list_select<'a>(path: &[Step], wrapper: &'a Value, items: &[&'a Value]) -> Vec<&'a Value> {
    let (Some(Step::Field(f)), Some(first)) = (path.first(), path.get(1)) else { return select(path, wrapper) };
    if f != "items" {
        return select(path, wrapper);
    }
    let mut current: Vec<&Value> = Vec::new();
    match first {
        Step::Wildcard => current.extend(items.iter().copied()),
        Step::Recursive(name) => items.iter().for_each(|i| recurse(name, i, &mut current)),
        Step::Index(i) => {
            let idx = if *i < 0 { items.len() as i64 + i } else { *i };
            if idx >= 0 && (idx as usize) < items.len() {
                current.push(items[idx as usize]);
            }
        }
        Step::Slice(a, b) => {
            let len = items.len() as i64;
            let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
            let (start, end) = (norm(a.unwrap_or(0)), norm(b.unwrap_or(len)));
            if start < end {
                current.extend(items[start as usize..end as usize].iter().copied());
            }
        }
        Step::Filter { path, op } => current.extend(items.iter().copied().filter(|item| filter_matches(path, op, item))),
        // A key looked up on the items array finds nothing, as on the built List.
        Step::Field(_) => {}
    }
    for step in &path[2..] {
        let mut next = Vec::new();
        for v in current {
            apply_step(step, v, &mut next);
        }
        current = next;
    }
    current
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => to_compact(v),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn select<'a>(path: &[Step], data: &'a Value) -> Vec<&'a Value> {
    let mut current = vec![data];
    for step in path {
        let mut next = Vec::new();
        for v in current {
            apply_step(step, v, &mut next);
        }
        current = next;
    }
    current
}

fn apply_step<'a>(step: &Step, v: &'a Value, next: &mut Vec<&'a Value>) {
    match step {
        Step::Field(name) => {
            if let Some(x) = v.get(name.as_str()) {
                next.push(x);
            }
        }
        Step::Wildcard => match v {
            Value::Array(a) => next.extend(a.iter()),
            Value::Object(m) => next.extend(m.values()),
            _ => {}
        },
        Step::Recursive(name) => recurse(name, v, next),
        Step::Index(i) => {
            if let Value::Array(a) = v {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                if idx >= 0 && (idx as usize) < a.len() {
                    next.push(&a[idx as usize]);
                }
            }
        }
        Step::Slice(a, b) => {
            if let Value::Array(items) = v {
                let len = items.len() as i64;
                let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                let start = norm(a.unwrap_or(0));
                let end = norm(b.unwrap_or(len));
                if start < end {
                    next.extend(items[start as usize..end as usize].iter());
                }
            }
        }
        Step::Filter { path, op } => {
            if let Value::Array(items) = v {
                next.extend(items.iter().filter(|item| filter_matches(path, op, item)));
            }
        }
    }
}

fn recurse<'a>(name: &str, v: &'a Value, next: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                next.push(x);
            }
            m.values().for_each(|c| recurse(name, c, next));
        }
        Value::Array(a) => a.iter().for_each(|c| recurse(name, c, next)),
        _ => {}
    }
}

fn filter_matches(path: &[Step], op: &Option<(String, Value)>, item: &Value) -> bool {
    let found = select(path, item);
    let Some((op, want)) = op else { return !found.is_empty() };
    let Some(got) = found.first() else { return false };
    let ord = match (got, want) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op.as_str() {
        "==" => *got == want || ord == Some(std::cmp::Ordering::Equal),
        "!=" => !(*got == want || ord == Some(std::cmp::Ordering::Equal)),
        "<" => ord == Some(std::cmp::Ordering::Less),
        ">" => ord == Some(std::cmp::Ordering::Greater),
        "<=" => ord.is_some_and(|o| o != std::cmp::Ordering::Greater),
        ">=" => ord.is_some_and(|o| o != std::cmp::Ordering::Less),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({"items": [
            {"metadata": {"name": "a", "labels": {"app": "x"}}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]})
    }

    #[test]
    fn names_and_ranges() {
        assert_eq!(render("{.items[*].metadata.name}", &list()).unwrap(), "a b");
        assert_eq!(render("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &list()).unwrap(), "a\nb\n");
        assert_eq!(render("x={.items[0].metadata.labels}", &list()).unwrap(), "x={\"app\":\"x\"}");
        assert_eq!(render("{.items[-1].metadata.name}{.missing}", &list()).unwrap(), "b");
    }

    #[test]
    fn virtual_list_renders_like_the_built_one() {
        let built = list();
        let items: Vec<&Value> = built["items"].as_array().unwrap().iter().collect();
        let wrapper = json!({"apiVersion": "v1", "kind": "List"});
        let mut full = built.clone();
        full["apiVersion"] = json!("v1");
        full["kind"] = json!("List");
        let templates = [
            "{.items[*].metadata.name}",
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.conditions[0].status}{\"\\n\"}{end}",
            "{.items[0].metadata.labels} {.items[-1].metadata.name} {.items[1:].metadata.name}",
            "{.items[?(@.metadata.name==\"b\")].metadata.name}{.kind}{.items..type}",
            "{.items.metadata}{.apiVersion}",
        ];
        for t in templates {
            assert_eq!(render_list(t, &wrapper, &items), Some(render(t, &full)), "{t}");
        }
        for whole in ["{.items}", "{..name}", "{range .items}{.metadata.name}{end}"] {
            assert_eq!(render_list(whole, &wrapper, &items), None, "{whole}");
        }
    }

    #[test]
    fn escaped_dots_read_one_key() {
        let v = json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "2"}}});
        let cases = [
            (r#"{.metadata.annotations.deployment\.kubernetes\.io/revision}"#, "2"),
            (r#"{.metadata.annotations.deployment.kubernetes.io/revision}"#, ""),
        ];
        for (template, want) in cases {
            assert_eq!(render(template, &v).as_deref(), Ok(want), "{template}");
        }
    }

    #[test]
    fn a_comma_outside_brackets_is_a_parse_error() {
        let v = json!({"metadata": {"name": "web"}, "spec": {"nodeName": "node01"}});
        let err = render("{.metadata.name,.spec.nodeName}", &v);
        assert_eq!(err, Err("unrecognized character in action: U+002C ','".to_string()));
        assert_eq!(render("{.metadata .name}", &v).as_deref(), Ok("web"));
    }

    #[test]
    fn filters_and_recursion() {
        let t = "{.items[*].status.conditions[?(@.type==\"Ready\")].status}";
        assert_eq!(render(t, &list()).unwrap(), "True False");
        assert_eq!(render("{..name}", &list()).unwrap(), "a b");
        assert!(render("{range .items[*]}", &list()).is_err());
    }
}

//! pflag's command-line grammar as kubectl uses it: `--flag=value`, `--flag value`, `-n value`,
//! `-nvalue`, `-n=value`, grouped booleans (`-it`), `--` ending the flags (everything after it
//! is positional, e.g. the command of `kubectl exec`), flags anywhere among the arguments, and
//! pflag's error texts (`unknown flag: --foo`, `unknown shorthand flag: 'z' in -z`,
//! `flag needs an argument: 'n' in -n`, `invalid argument "x" for "--tail" flag: ...`).

use std::collections::BTreeMap;

/// What kind of value a flag takes; the type decides parsing and the error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    Str,
    /// Repeatable (`--env A=1 --env B=2`); values accumulate.
    List,
    /// Comma-separated and repeatable (pflag StringSlice).
    Slice,
    Int,
    Int32,
    /// Go duration (`30s`).
    Duration,
    /// A string flag with a value used when it is given bare (`--dry-run` means `unchanged`).
    OptStr(&'static str),
}

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
    /// Global (persistent) flags report a missing argument with `Error:` rather than `error:`.
    pub global: bool,
}

/// Builds a [`FlagSpec`] for a command's own flag.
pub const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagSpec {
    FlagSpec { long, short, kind, global: false }
}

/// The result of parsing argv against a command's flags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Values by long flag name, in the order given.
    pub values: BTreeMap<&'static str, Vec<String>>,
    pub positionals: Vec<String>,
    /// Index into `positionals` where `--` appeared (cobra's ArgsLenAtDash).
    pub dash_at: Option<usize>,
}

/// A flag error in pflag's words; `global` picks kubectl's `Error:` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError {
    pub message: String,
    pub global: bool,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
    /// The last value given for `long`.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values.get(long).and_then(|v| v.last()).map(String::as_str)
    }
    pub fn get_or<'a>(&'a self, long: &str, default: &'a str) -> &'a str {
        self.get(long).unwrap_or(default)
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }
    pub fn bool(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| parse_bool(v) == Some(true))
    }
    pub fn bool_or(&self, long: &str, default: bool) -> bool {
        self.get(long).and_then(parse_bool).unwrap_or(default)
    }
    pub fn int(&self, long: &str) -> Option<i64> {
        self.get(long).and_then(parse_go_int)
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(v, 0, 64)`: decimal, `0x`, `0o`/leading `0`, `0b`, `_` separators.
pub fn parse_go_int(v: &str) -> Option<i64> {
    let (neg, body) = match v.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let lower = body.to_ascii_lowercase();
    let (digits, radix, prefixed) = if let Some(h) = lower.strip_prefix("0x") {
        (h, 16, true)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b, 2, true)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o, 8, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8, true)
    } else {
        (lower.as_str(), 10, false)
    };
    if digits.is_empty() || (!prefixed && digits.contains('_')) || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let n = i64::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -n } else { n })
}

fn display_name(spec: &FlagSpec) -> String {
    match spec.short {
        Some(s) => format!("-{s}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

/// Checks `value` against the flag's type, with pflag's error wording.
fn check_value(spec: &FlagSpec, value: &str) -> Result<(), FlagError> {
    let bad = |why: String| FlagError {
        message: format!("invalid argument {value:?} for {:?} flag: {why}", display_name(spec)),
        global: false,
    };
    match spec.kind {
        FlagKind::Bool if parse_bool(value).is_none() => {
            Err(bad(format!("strconv.ParseBool: parsing {value:?}: invalid syntax")))
        }
        FlagKind::Int | FlagKind::Int32 => match parse_go_int(value) {
            None if value.chars().all(|c| c.is_ascii_digit() || c == '-') && !value.is_empty() && value != "-" => {
                Err(bad(format!("strconv.ParseInt: parsing {value:?}: value out of range")))
            }
            None => Err(bad(format!("strconv.ParseInt: parsing {value:?}: invalid syntax"))),
            Some(n) if spec.kind == FlagKind::Int32 && i32::try_from(n).is_err() => {
                Err(bad(format!("strconv.ParseInt: parsing {value:?}: value out of range")))
            }
            Some(_) => Ok(()),
        },
        // Go's time.ParseDuration takes a sign (`kubectl wait --timeout=-1s` waits a week).
        FlagKind::Duration if { let v = value.strip_prefix(['-', '+']).unwrap_or(value); crate::duration::parse_duration_millis(v).is_none() || v.parse::<f64>().is_ok() && v != "0" } => {
            Err(bad(format!("time: invalid duration {value:?}")))
        }
        _ => Ok(()),
    }
}

fn store(parsed: &mut Parsed, spec: &FlagSpec, value: String) -> Result<(), FlagError> {
    check_value(spec, &value)?;
    let entry = parsed.values.entry(spec.long).or_default();
    if spec.kind == FlagKind::Slice {
        // pflag reads the value as one CSV record; an empty value is no items at all.
        if !value.is_empty() {
            entry.extend(value.split(',').map(str::to_string));
        }
    } else {
        entry.push(value);
    }
    Ok(())
}

fn takes_no_value(spec: &FlagSpec) -> Option<&'static str> {
    match spec.kind {
        FlagKind::Bool => Some("true"),
        FlagKind::OptStr(d) => Some(d),
        _ => None,
    }
}

/// Parses `args` (the words after the command path) against `specs`.
pub fn parse(args: &[String], specs: &[FlagSpec]) -> Result<Parsed, FlagError> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            parsed.dash_at = Some(parsed.positionals.len());
            parsed.positionals.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            if long.starts_with('-') || long.starts_with('=') {
                return Err(FlagError { message: format!("bad flag syntax: {arg}"), global: false });
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = specs.iter().find(|s| s.long == name).ok_or_else(|| FlagError {
                message: format!("unknown flag: --{name}"),
                global: false,
            })?;
            let value = match (inline, takes_no_value(spec)) {
                (Some(v), _) => v,
                (None, Some(d)) => d.to_string(),
                (None, None) if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                (None, None) => {
                    return Err(FlagError { message: format!("flag needs an argument: {arg}"), global: spec.global })
                }
            };
            store(&mut parsed, spec, value)?;
        } else if arg.len() > 1 && arg.starts_with('-') {
            i = parse_shorts(arg, args, i, specs, &mut parsed)?;
        } else {
            parsed.positionals.push(arg.clone());
        }
    }
    Ok(parsed)
}

/// `-abc`, `-nvalue`, `-n=value`, `-n value`; returns the next argv index.
fn parse_shorts(arg: &str, args: &[String], mut i: usize, specs: &[FlagSpec], parsed: &mut Parsed) -> Result<usize, FlagError> {
    let shorts: Vec<char> = arg[1..].chars().collect();
    let mut k = 0;
    while k < shorts.len() {
        let c = shorts[k];
        let spec = specs.iter().find(|s| s.short == Some(c)).ok_or_else(|| FlagError {
            message: format!("unknown shorthand flag: {c:?} in {arg}"),
            global: false,
        })?;
        let rest: String = shorts[k + 1..].iter().collect();
        if let Some(v) = rest.strip_prefix('=') {
            store(parsed, spec, v.to_string())?;
            return Ok(i);
        }
        if let Some(d) = takes_no_value(spec) {
            store(parsed, spec, d.to_string())?;
            k += 1;
            continue;
        }
        if !rest.is_empty() {
            store(parsed, spec, rest)?;
        } else if i < args.len() {
            store(parsed, spec, args[i].clone())?;
            i += 1;
        } else {
            return Err(FlagError { message: format!("flag needs an argument: {c:?} in -{c}"), global: spec.global });
        }
        return Ok(i);
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlagKind::*;

    const SPECS: &[FlagSpec] = &[
        FlagSpec { long: "namespace", short: Some('n'), kind: Str, global: true },
        flag("output", Some('o'), Str),
        flag("stdin", Some('i'), Bool),
        flag("tty", Some('t'), Bool),
        flag("tail", None, Int),
        flag("watch", Some('w'), Bool),
        flag("env", None, List),
        flag("dry-run", None, OptStr("unchanged")),
    ];

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn forms_of_values() {
        let p = parse(&argv("web -n=a -nb --namespace c --namespace=d -oyaml -it --env X=1 --env Y=2 --dry-run -- sh -c x"), SPECS).unwrap();
        assert_eq!(p.all("namespace"), ["a", "b", "c", "d"]);
        assert_eq!(p.get("output"), Some("yaml"));
        assert!(p.bool("stdin") && p.bool("tty"));
        assert_eq!(p.all("env"), ["X=1", "Y=2"]);
        assert_eq!(p.get("dry-run"), Some("unchanged"));
        assert_eq!(p.positionals, ["web", "sh", "-c", "x"]);
        assert_eq!(p.dash_at, Some(1));
    }

    #[test]
    fn pflag_errors() {
        let err = |s: &str| parse(&argv(s), SPECS).unwrap_err();
        assert_eq!(err("--foo").message, "unknown flag: --foo");
        assert_eq!(err("-z").message, "unknown shorthand flag: 'z' in -z");
        assert_eq!(err("-iz").message, "unknown shorthand flag: 'z' in -iz");
        assert_eq!(err("-n"), FlagError { message: "flag needs an argument: 'n' in -n".into(), global: true });
        assert_eq!(err("-o").message, "flag needs an argument: 'o' in -o");
        assert_eq!(err("--tail abc").message, "invalid argument \"abc\" for \"--tail\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
        assert_eq!(err("-w=maybe").message, "invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
    }

    #[test]
    fn go_ints() {
        assert_eq!(parse_go_int("-1"), Some(-1));
        assert_eq!(parse_go_int("0x10"), Some(16));
        assert_eq!(parse_go_int("010"), Some(8));
        assert_eq!(parse_go_int("1_0"), None);
        assert_eq!(parse_go_int("x"), None);
    }
}

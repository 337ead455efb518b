//! Field-level validation errors, a port of k8s.io/apimachinery/pkg/util/validation/field:
//! the error types, how a bad value is printed (`%q` for strings, bare for numbers and
//! Stringers), and how a list becomes the API server's and kubectl's "is invalid" message.

use std::fmt;

/// Go's `field.ErrorType`; `Display` is its `String()` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

impl ErrorType {
    /// The machine-readable cause type (`FieldValueRequired` ...) the Status carries.
    pub fn cause_type(self) -> &'static str {
        match self {
            ErrorType::NotFound => "FieldValueNotFound",
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::Forbidden => "FieldValueForbidden",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
            ErrorType::Internal => "InternalError",
            ErrorType::TypeInvalid => "FieldValueTypeInvalid",
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid | ErrorType::TypeInvalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        })
    }
}

/// The offending value, classified by how Go's `ErrorBody` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    /// `omitValue`: only the type is printed.
    Omit,
    /// A nil value: printed as `"null"`.
    Null,
    /// A Go string: printed with `%q`.
    Str(String),
    /// int32/int64: printed bare.
    Int(i64),
    Bool(bool),
    /// A Stringer or `%#v` rendering, printed exactly as given (e.g. a ResourceName `cpuu`).
    Raw(String),
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        BadValue::Str(s.to_string())
    }
}
impl From<String> for BadValue {
    fn from(s: String) -> Self {
        BadValue::Str(s)
    }
}
impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        BadValue::Str(s.clone())
    }
}
impl From<i64> for BadValue {
    fn from(v: i64) -> Self {
        BadValue::Int(v)
    }
}
impl From<i32> for BadValue {
    fn from(v: i32) -> Self {
        BadValue::Int(i64::from(v))
    }
}
impl From<bool> for BadValue {
    fn from(v: bool) -> Self {
        BadValue::Bool(v)
    }
}

/// One field error (Go's `*field.Error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorType,
    /// The field path as Go prints it: `spec.containers[0].image`, `metadata.labels[app]`.
    pub field: String,
    pub bad_value: BadValue,
    pub detail: String,
}

impl Error {
    pub fn new(
        kind: ErrorType,
        field: impl Into<String>,
        bad_value: BadValue,
        detail: impl Into<String>,
    ) -> Self {
        Error {
            kind,
            field: field.into(),
            bad_value,
            detail: detail.into(),
        }
    }
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::new(
            ErrorType::Required,
            field,
            BadValue::Str(String::new()),
            detail,
        )
    }
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<BadValue>,
        detail: impl Into<String>,
    ) -> Self {
        Error::new(ErrorType::Invalid, field, value.into(), detail)
    }
    pub fn not_found(field: impl Into<String>, value: impl Into<BadValue>) -> Self {
        Error::new(ErrorType::NotFound, field, value.into(), "")
    }
    pub fn duplicate(field: impl Into<String>, value: impl Into<BadValue>) -> Self {
        Error::new(ErrorType::Duplicate, field, value.into(), "")
    }
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::new(
            ErrorType::Forbidden,
            field,
            BadValue::Str(String::new()),
            detail,
        )
    }
    /// `field.NotSupported`: detail lists the quoted valid values.
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<BadValue>,
        valid: &[&str],
    ) -> Self {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Error::new(ErrorType::NotSupported, field, value.into(), detail)
    }
    /// `field.TooLong` (value not printed).
    pub fn too_long(field: impl Into<String>, max_length: usize) -> Self {
        Error::new(
            ErrorType::TooLong,
            field,
            BadValue::Omit,
            format!("must have at most {max_length} bytes"),
        )
    }
    /// `field.TooMany`.
    pub fn too_many(field: impl Into<String>, actual: i64, max: i64) -> Self {
        Error::new(
            ErrorType::TooMany,
            field,
            BadValue::Int(actual),
            format!("must have at most {max} items"),
        )
    }

    /// Go's `ErrorBody()`: the message without the field path.
    pub fn body(&self) -> String {
        let mut s = match (self.kind, &self.bad_value) {
            (
                ErrorType::Required
                | ErrorType::Forbidden
                | ErrorType::TooLong
                | ErrorType::Internal,
                _,
            )
            | (_, BadValue::Omit) => self.kind.to_string(),
            (_, BadValue::Null) => format!("{}: \"null\"", self.kind),
            (_, BadValue::Str(v)) => format!("{}: {}", self.kind, go_quote(v)),
            (_, BadValue::Int(v)) => format!("{}: {v}", self.kind),
            (_, BadValue::Bool(v)) => format!("{}: {v}", self.kind),
            (_, BadValue::Raw(v)) => format!("{}: {v}", self.kind),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// Go's `field.ErrorList`, in the order validation produced it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorList(pub Vec<Error>);

impl ErrorList {
    pub fn new() -> Self {
        ErrorList(Vec::new())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn push(&mut self, e: Error) {
        self.0.push(e);
    }
    pub fn extend(&mut self, other: ErrorList) {
        self.0.extend(other.0);
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }
    /// `ToAggregate()` keeps the first of identical messages.
    fn deduped(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for e in &self.0 {
            let m = e.to_string();
            if !seen.contains(&m) {
                seen.push(m);
            }
        }
        seen
    }

    /// The Status message the API server sends (`errors.NewInvalid`):
    /// `Pod "x" is invalid: a` or `Pod "x" is invalid: [a, b]`.
    pub fn to_status_message(&self, kind: &str, name: &str) -> String {
        let msgs = self.deduped();
        let q = go_quote(name);
        match msgs.len() {
            0 => format!("{kind} {q} is invalid"),
            1 => format!("{kind} {q} is invalid: {}", msgs[0]),
            _ => format!("{kind} {q} is invalid: [{}]", msgs.join(", ")),
        }
    }

    /// What kubectl prints for a 422 Invalid (cmdutil.checkErr + MultilineError), built from the
    /// Status causes, without the leading `error: `-less convention (kubectl prints it as is):
    /// `The Pod "x" is invalid: spec.containers[0].image: Required value` for one cause, or
    /// `The Pod "x" is invalid: \n* a\n* b` for several (Go's `Fprintln(prefix)` keeps the space
    /// before the newline). kubectl's `statusCausesToAggrError` drops repeated `field: message`
    /// causes first, so two identical causes print in the one-line form. Ends with a newline
    /// like kubectl's output.
    pub fn to_invalid_message(&self, kind: &str, name: &str) -> String {
        let prefix = format!("The {kind} {} is invalid: ", go_quote(name));
        let causes = self.deduped();
        match causes.as_slice() {
            [] => format!("The {kind} {} is invalid\n", go_quote(name)),
            [one] => format!("{prefix}{one}\n"),
            many => {
                let mut out = format!("{prefix}\n");
                for e in many {
                    out.push_str(&format!("* {e}\n"));
                }
                out
            }
        }
    }
}

impl fmt::Display for ErrorList {
    /// Go's aggregate `Error()`: one message, or `[a, b]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msgs = self.deduped();
        match msgs.len() {
            0 => Ok(()),
            1 => f.write_str(&msgs[0]),
            _ => write!(f, "[{}]", msgs.join(", ")),
        }
    }
}

impl IntoIterator for ErrorList {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Go's `strconv.Quote`: double quotes, Go escapes for control and non-printable runes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || c == '\u{feff}' => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A field path under construction, mirroring `field.Path` (`Child`, `Index`, `Key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    pub fn new(root: &str) -> Path {
        Path(root.to_string())
    }
    // Paths are built for every field validated, error or not, so they are assembled with
    // exact-capacity pushes rather than `format!` (same text, a fraction of the work).
    pub fn child(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(name.to_string())
        } else {
            self.joined(".", name, "")
        }
    }
    pub fn index(&self, i: usize) -> Path {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = i;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // ASCII digits only, so this never fails; fall back to formatting should it ever.
        match std::str::from_utf8(&digits[at..]) {
            Ok(d) => self.joined("[", d, "]"),
            Err(_) => Path(format!("{}[{i}]", self.0)),
        }
    }
    pub fn key(&self, k: &str) -> Path {
        self.joined("[", k, "]")
    }
    fn joined(&self, open: &str, part: &str, close: &str) -> Path {
        let mut s = String::with_capacity(self.0.len() + open.len() + part.len() + close.len());
        s.push_str(&self.0);
        s.push_str(open);
        s.push_str(part);
        s.push_str(close);
        Path(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&Path> for String {
    fn from(p: &Path) -> String {
        p.0.clone()
    }
}
impl From<Path> for String {
    fn from(p: Path) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_match_go() {
        let cases = [
            (Error::required("spec.containers[0].image", ""), "spec.containers[0].image: Required value"),
            (Error::not_supported("spec.restartPolicy", "Sometimes", &["Always", "OnFailure", "Never"]), "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
            (Error::not_found("spec.containers[0].volumeMounts[0].name", "logs"), "spec.containers[0].volumeMounts[0].name: Not found: \"logs\""),
            (Error::invalid("spec.containers[0].ports[0].containerPort", 70000, "must be between 1 and 65535, inclusive"), "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
            (Error::forbidden("spec", "x"), "spec: Forbidden: x"),
            (Error::invalid("a", BadValue::Raw("cpuu".into()), "d"), "a: Invalid value: cpuu: d"),
            (Error::invalid("a", "tab\there", "d"), "a: Invalid value: \"tab\\there\": d"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }

    #[test]
    fn list_messages() {
        let one = ErrorList(vec![Error::required("spec.containers[0].image", "")]);
        assert_eq!(
            one.to_invalid_message("Pod", "web"),
            "The Pod \"web\" is invalid: spec.containers[0].image: Required value\n"
        );
        assert_eq!(
            one.to_status_message("Pod", "web"),
            "Pod \"web\" is invalid: spec.containers[0].image: Required value"
        );
        let two = ErrorList(vec![Error::required("a", ""), Error::required("b", "")]);
        assert_eq!(
            two.to_invalid_message("Pod", "web"),
            "The Pod \"web\" is invalid: \n* a: Required value\n* b: Required value\n"
        );
        assert_eq!(
            two.to_status_message("Pod", "web"),
            "Pod \"web\" is invalid: [a: Required value, b: Required value]"
        );
        // kubectl drops a repeated `field: message` cause before choosing the layout.
        let repeated = ErrorList(vec![Error::required("a", ""), Error::required("a", "")]);
        assert_eq!(repeated.to_invalid_message("Pod", "web"), "The Pod \"web\" is invalid: a: Required value\n");
        let three = ErrorList(vec![Error::required("a", ""), Error::required("b", ""), Error::required("a", "")]);
        assert_eq!(three.to_invalid_message("Pod", "web"), "The Pod \"web\" is invalid: \n* a: Required value\n* b: Required value\n");
        assert_eq!(ErrorList(Vec::new()).to_invalid_message("Pod", "web"), "The Pod \"web\" is invalid\n");
    }

    /// `child`, `index` and `key` build exactly what formatting gives.
    #[test]
    fn path_building_equals_formatting() {
        let roots = ["", "spec", "spec.containers[0]", "metadata.labels[a/b]"];
        let indexes = [0usize, 7, 10, 99, 1234, usize::MAX];
        for root in roots {
            let p = Path::new(root);
            let want_child = if root.is_empty() { "name".to_string() } else { format!("{root}.name") };
            assert_eq!(p.child("name").as_str(), want_child);
            assert_eq!(p.child("").as_str(), if root.is_empty() { String::new() } else { format!("{root}.") });
            for i in indexes {
                assert_eq!(p.index(i).as_str(), format!("{root}[{i}]"));
            }
            assert_eq!(p.key("k.v/x").as_str(), format!("{root}[k.v/x]"));
        }
    }
}

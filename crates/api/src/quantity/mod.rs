//! `resource.Quantity` with Kubernetes' exact parse and canonical-format rules (`100m`,
//! `0.5` -> `500m`, `128Mi`, `1e3`, `1000` -> `1k`). Values are `mantissa * 10^exponent`
//! held in integers so the simulation never touches floats; the suffix family (binary,
//! decimal SI, decimal exponent) is kept like Go's `Format` because it decides the printed form.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// Which suffix family the quantity was written with (Go's `resource.Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    DecimalExponent,
    BinarySI,
    DecimalSI,
}

/// Parse failures, worded exactly as k8s.io/apimachinery/pkg/api/resource/quantity.go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityError {
    FormatWrong,
    Numeric,
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            QuantityError::Numeric => "unable to parse quantity's numeric part",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

impl std::error::Error for QuantityError {}

/// A resource amount: `mantissa * 10^exponent`, exponent never below -9 (nano precision).
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
    pub format: QuantityFormat,
}

/// More significant digits than this are rounded up, keeping i128 arithmetic overflow-free.
const MAX_DIGITS: usize = 30;
/// Exponents beyond this saturate: no real manifest is anywhere near 10^1000.
const MAX_EXPONENT: i64 = 1000;
const NANO: i32 = -9;

/// The pieces `parseQuantityString` splits a quantity into.
struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// A line-for-line port of Go's `parseQuantityString`, including its quirks ("m" is zero).
fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    if pos < end && (b[0] == b'-' || b[0] == b'+') {
        positive = b[0] == b'+';
        pos += 1;
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(Parts {
            positive,
            num: "0",
            denom: "",
            suffix: "",
        });
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == num_start {
        "0"
    } else {
        &s[num_start..pos]
    };
    let mut denom = "";
    if pos < end && b[pos] == b'.' {
        pos += 1;
        let d = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d..pos];
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::FormatWrong);
    }
    Ok(Parts {
        positive,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// (base, exponent, format) of a suffix, as Go's `quantitySuffixer.interpret`.
fn interpret(suffix: &str) -> Option<(u32, i64, QuantityFormat)> {
    use QuantityFormat::*;
    let dec = |e| Some((10, e, DecimalSI));
    let bin = |e| Some((2, e, BinarySI));
    match suffix {
        "" => dec(0),
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            let rest = &suffix[1..];
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            // Go parses the exponent as int64; saturate instead of overflowing.
            let mag = digits.trim_start_matches('0');
            let e = if mag.len() > 6 {
                MAX_EXPONENT * 10
            } else {
                mag.parse::<i64>().unwrap_or(0)
            };
            Some((
                10,
                if rest.starts_with('-') { -e } else { e },
                DecimalExponent,
            ))
        }
        _ => None,
    }
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Quantity {
    /// Parses like Go's `resource.ParseQuantity`.
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let p = split(s)?;
        let (base, exp, mut format) = interpret(p.suffix).ok_or(QuantityError::Suffix)?;
        // All significant digits, most significant first, and the decimal exponent of the last one.
        // Quantities are parsed for every request a pod's resources pass through: without a
        // fraction (nearly all of them) the digits are the integer part as written.
        let joined;
        let digits_all = if p.denom.is_empty() {
            p.num
        } else {
            joined = [p.num, p.denom].concat();
            joined.as_str()
        };
        let digits_trim = digits_all.trim_start_matches('0');
        let mut e10: i64 = -(p.denom.len() as i64);
        let mut digits = digits_trim;
        let mut round_up = false;
        if digits.len() > MAX_DIGITS {
            round_up = digits[MAX_DIGITS..].bytes().any(|c| c != b'0');
            e10 += (digits.len() - MAX_DIGITS) as i64;
            digits = &digits[..MAX_DIGITS];
        }
        let mut m: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| QuantityError::Numeric)?
        };
        if round_up {
            m += 1;
        }
        if base == 10 {
            e10 += exp;
        } else {
            m = m.checked_mul(1i128 << exp).ok_or(QuantityError::Numeric)?;
        }
        let mut q = Quantity {
            mantissa: if p.positive { m } else { -m },
            exponent: 0,
            format,
        };
        q.set_exponent_rounding_up(e10);
        if format == QuantityFormat::BinarySI {
            let max = Quantity::from_int(i64::MAX as i128, 0, format);
            if q.cmp(&max) == Ordering::Greater {
                q = max;
            }
            if q.mantissa > 0 && q.cmp(&Quantity::from_int(1, 0, format)) == Ordering::Less {
                format = QuantityFormat::DecimalSI;
                q.format = format;
            }
        }
        Ok(q)
    }

    /// Sets `exponent`, rounding finer-than-nano values away from zero as Go does
    /// ("if you want some resources, you should get some resources").
    fn set_exponent_rounding_up(&mut self, e10: i64) {
        let e10 = e10.clamp(-MAX_EXPONENT * 20, MAX_EXPONENT);
        if e10 >= i64::from(NANO) || self.mantissa == 0 {
            self.exponent = e10.max(i64::from(NANO)) as i32;
            if self.mantissa == 0 {
                self.exponent = 0;
            }
            return;
        }
        let shift = (i64::from(NANO) - e10) as u32;
        let neg = self.mantissa < 0;
        let mut mag = self.mantissa.unsigned_abs();
        mag = match 10u128.checked_pow(shift) {
            Some(div) => mag / div + u128::from(!mag.is_multiple_of(div)),
            None => 1,
        };
        let mag = mag as i128;
        self.mantissa = if neg { -mag } else { mag };
        self.exponent = NANO;
    }

    /// `value * 10^exponent` in the given format, e.g. `from_int(100, -3, DecimalSI)` = 100m.
    pub fn from_int(value: i128, exponent: i32, format: QuantityFormat) -> Quantity {
        let mut q = Quantity {
            mantissa: value,
            exponent: 0,
            format,
        };
        q.set_exponent_rounding_up(i64::from(exponent));
        q
    }

    /// Millicores-style constructor (`Quantity::from_millis(500)` prints `500m`).
    pub fn from_millis(millis: i64) -> Quantity {
        Quantity::from_int(i128::from(millis), -3, QuantityFormat::DecimalSI)
    }

    /// A plain integer amount (bytes, counts) in the binary family, like Go's `NewQuantity(v, BinarySI)`.
    pub fn from_bytes(bytes: i64) -> Quantity {
        Quantity::from_int(i128::from(bytes), 0, QuantityFormat::BinarySI)
    }

    pub fn zero() -> Quantity {
        Quantity {
            mantissa: 0,
            exponent: 0,
            format: QuantityFormat::DecimalSI,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The value at `10^scale`, rounded away from zero, saturating at the i64 range
    /// (Go's `ScaledValue`).
    pub fn scaled_value(&self, scale: i32) -> i64 {
        let diff = i64::from(self.exponent) - i64::from(scale);
        let neg = self.mantissa < 0;
        let mag = self.mantissa.unsigned_abs();
        let out: u128 = if diff >= 0 {
            10u128
                .checked_pow(diff as u32)
                .and_then(|p| mag.checked_mul(p))
                .unwrap_or(u128::MAX)
        } else {
            match 10u128.checked_pow((-diff) as u32) {
                Some(div) => mag / div + u128::from(!mag.is_multiple_of(div)),
                None => u128::from(mag != 0),
            }
        };
        let capped = out.min(i64::MAX as u128) as i64;
        if neg {
            -capped
        } else {
            capped
        }
    }

    /// Go's `MilliValue()`: thousandths, rounded up.
    pub fn millis(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// Go's `Value()`: whole units, rounded up (`100m` -> 1).
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// Brings both to a common exponent; None when that would overflow.
    fn aligned(&self, other: &Quantity) -> Option<(i128, i128, i32)> {
        let e = self.exponent.min(other.exponent);
        let a = pow10((self.exponent - e) as u32)?.checked_mul(self.mantissa)?;
        let b = pow10((other.exponent - e) as u32)?.checked_mul(other.mantissa)?;
        Some((a, b, e))
    }

    /// Sum, keeping this quantity's format (Go's `Add`); saturates rather than overflowing.
    pub fn add(&self, other: &Quantity) -> Quantity {
        let format = if self.is_zero() {
            other.format
        } else {
            self.format
        };
        match self.aligned(other) {
            Some((a, b, e)) => Quantity::from_int(a.saturating_add(b), e, format),
            None if self.cmp_abs(other) == Ordering::Less => Quantity { format, ..*other },
            None => Quantity { format, ..*self },
        }
    }

    /// Difference (Go's `Sub`).
    pub fn sub(&self, other: &Quantity) -> Quantity {
        self.add(&Quantity {
            mantissa: -other.mantissa,
            ..*other
        })
    }

    fn magnitude(&self) -> i64 {
        let digits = self
            .mantissa
            .unsigned_abs()
            .checked_ilog10()
            .map_or(0, |d| d as i64 + 1);
        digits + i64::from(self.exponent)
    }

    fn cmp_abs(&self, other: &Quantity) -> Ordering {
        let (ma, mb) = (self.magnitude(), other.magnitude());
        if self.mantissa == 0 || other.mantissa == 0 || ma != mb {
            if self.mantissa == 0 || other.mantissa == 0 {
                return self
                    .mantissa
                    .unsigned_abs()
                    .cmp(&other.mantissa.unsigned_abs());
            }
            return ma.cmp(&mb);
        }
        // Same order of magnitude: exponents differ by at most the digit counts (< 40).
        let (a, b) = (
            self.mantissa.unsigned_abs().to_string(),
            other.mantissa.unsigned_abs().to_string(),
        );
        let width = a.len().max(b.len());
        format!("{a:0<width$}").cmp(&format!("{b:0<width$}"))
    }

    /// The canonical text (Go's `String()` / `CanonicalizeBytes`).
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".to_string();
        }
        let mut format = self.format;
        if format == QuantityFormat::BinarySI {
            let k = |v: i128| Quantity::from_int(v, 0, format);
            let small =
                self.cmp(&k(-1024)) == Ordering::Greater && self.cmp(&k(1024)) == Ordering::Less;
            let fits = self.cmp(&k(i64::MAX as i128)) != Ordering::Greater
                && self.cmp(&k(i64::MIN as i128)) != Ordering::Less;
            if small || !self.is_integer() || !fits {
                // Go avoids rounding: such values print in the decimal family instead.
                format = QuantityFormat::DecimalSI;
            } else {
                return binary_canonical(self.value());
            }
        }
        decimal_canonical(self.mantissa, self.exponent, format)
    }

    fn is_integer(&self) -> bool {
        if self.exponent >= 0 {
            return true;
        }
        match pow10((-self.exponent) as u32) {
            Some(p) => self.mantissa % p == 0,
            None => false,
        }
    }
}

/// Go's `AsCanonicalBase1024Bytes` plus the binary suffix.
fn binary_canonical(v: i64) -> String {
    let mut amount = v;
    let mut times = 0;
    while times < 6 && amount != 0 && amount % 1024 == 0 {
        amount /= 1024;
        times += 1;
    }
    let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][times];
    let mut text = amount.to_string();
    text.push_str(suffix);
    text
}

/// Go's `AsCanonicalBytes` plus the decimal suffix: trailing zeros move into the exponent,
/// which is then lowered to a multiple of three.
fn decimal_canonical(mantissa: i128, exponent: i32, format: QuantityFormat) -> String {
    let mut m = mantissa;
    let mut e = i64::from(exponent);
    while m != 0 && m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    let mut digits = m.to_string();
    match e.rem_euclid(3) {
        1 => {
            digits.push('0');
            e -= 1;
        }
        2 => {
            digits.push_str("00");
            e -= 2;
        }
        _ => {}
    }
    let suffix = match (format, e) {
        (_, 0) => String::new(),
        (QuantityFormat::DecimalExponent, _) => format!("e{e}"),
        (_, -9) => "n".into(),
        (_, -6) => "u".into(),
        (_, -3) => "m".into(),
        (_, 3) => "k".into(),
        (_, 6) => "M".into(),
        (_, 9) => "G".into(),
        (_, 12) => "T".into(),
        (_, 15) => "P".into(),
        (_, 18) => "E".into(),
        _ => format!("e{e}"),
    };
    digits + &suffix
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        let (sa, sb) = (self.mantissa.signum(), other.mantissa.signum());
        if sa != sb {
            return sa.cmp(&sb);
        }
        match sa {
            0 => Ordering::Equal,
            1 => self.cmp_abs(other),
            _ => other.cmp_abs(self),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical())
    }
}

/// Accepts a JSON string or a bare JSON number, as Go's `Quantity.UnmarshalJSON` does.
impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quantity")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v.trim()).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                // JSON floats print as Go's encoder writes them (0.5, 1.5), which parse alike.
                Quantity::parse(&format!("{v}")).map_err(E::custom)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Quantity, E> {
                Ok(Quantity::zero())
            }
            // Go's UnmarshalJSON hands any other JSON text to ParseQuantity, which rejects it.
            fn visit_bool<E: serde::de::Error>(self, _v: bool) -> Result<Quantity, E> {
                Err(E::custom(QuantityError::FormatWrong))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _a: A) -> Result<Quantity, A::Error> {
                Err(serde::de::Error::custom(QuantityError::FormatWrong))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, _a: A) -> Result<Quantity, A::Error> {
                Err(serde::de::Error::custom(QuantityError::FormatWrong))
            }
            fn visit_newtype_struct<D2: Deserializer<'de>>(
                self,
                d: D2,
            ) -> Result<Quantity, D2::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_newtype_struct("Quantity", V)
    }
}

impl Default for Quantity {
    fn default() -> Self {
        Quantity::zero()
    }
}

#[cfg(test)]
mod tests;

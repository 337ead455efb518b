//! Wall-clock instants as the Kubernetes API writes them: `Time` (RFC 3339, whole seconds,
//! `metav1.Time`) and `MicroTime` (six fractional digits, `metav1.MicroTime`). Both wrap
//! milliseconds since the Unix epoch and convert with pure civil-calendar arithmetic, because
//! the simulation owns the clock and this crate must never read one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

const MILLIS_PER_DAY: i64 = 86_400_000;
/// Years outside 0000..=9999 cannot be written in RFC 3339; clamp instead of panicking.
const MIN_MILLIS: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00Z
const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/// `metav1.Time`: serialised as `2025-01-01T12:00:00Z` (sub-second precision is dropped on
/// the wire, exactly like the Go type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

/// `metav1.MicroTime`: serialised as `2025-01-01T12:00:00.000000Z`; used by Event.eventTime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MicroTime(pub i64);

/// Why an RFC 3339 text was rejected; worded like Go's `time.Parse` error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeParseError(pub String);

impl fmt::Display for TimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Splits milliseconds into the civil fields used by both formats.
fn fields(millis: i64) -> (i64, u32, u32, i64, i64, i64, i64) {
    let m = millis.clamp(MIN_MILLIS, MAX_MILLIS);
    let days = m.div_euclid(MILLIS_PER_DAY);
    let rem = m.rem_euclid(MILLIS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    (
        y,
        mo,
        d,
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    )
}

/// Parses RFC 3339 (`2025-01-01T12:00:00Z`, `...T12:00:00.5+02:00`) into epoch milliseconds.
pub fn parse_rfc3339_millis(text: &str) -> Result<i64, TimeParseError> {
    let err = || {
        TimeParseError(format!(
            "parsing time {:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {:?} as \"2006\"",
            text, text
        ))
    };
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, TimeParseError> {
        let s = &text[r];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<i64>().map_err(|_| err())
        } else {
            Err(err())
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(err());
    }
    let (year, month, day) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(err());
    }
    let mut pos = 19;
    let mut frac_millis = 0i64;
    if b[pos] == b'.' {
        let start = pos + 1;
        pos = start;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == start {
            return Err(err());
        }
        let digits = &text[start..pos.min(start + 3)];
        frac_millis =
            digits.parse::<i64>().map_err(|_| err())? * 10i64.pow(3 - digits.len() as u32);
    }
    let offset_secs = match &text[pos..] {
        "Z" | "z" => 0,
        rest if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let h = num(pos + 1..pos + 3)?;
            let m = num(pos + 4..pos + 6)?;
            let s = (h * 60 + m) * 60;
            if rest.starts_with('-') {
                -s
            } else {
                s
            }
        }
        _ => return Err(err()),
    };
    let days = days_from_civil(year, month, day);
    Ok(days * MILLIS_PER_DAY
        + ((hour * 60 + minute) * 60 + second - offset_secs) * 1000
        + frac_millis)
}

impl Time {
    pub fn from_millis(millis: i64) -> Self {
        Time(millis)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn parse(text: &str) -> Result<Self, TimeParseError> {
        parse_rfc3339_millis(text).map(Time)
    }
    /// The instant truncated to whole seconds, as it looks after a round-trip through the API.
    pub fn truncated(self) -> Self {
        Time(self.0.div_euclid(1000) * 1000)
    }
}

impl MicroTime {
    pub fn from_millis(millis: i64) -> Self {
        MicroTime(millis)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn parse(text: &str) -> Result<Self, TimeParseError> {
        parse_rfc3339_millis(text).map(MicroTime)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` of an instant, written digit by digit: every object and Event
/// the simulation creates gets timestamps, and `write!` with zero-padded widths cost ~10 times
/// as much. `fields` clamps the year to 0..=9999, so four digits always hold it (as `{y:04}`).
fn stamp(millis: i64) -> [u8; 27] {
    let (y, mo, d, h, mi, s, ms) = fields(millis);
    let mut b = *b"0000-00-00T00:00:00.000000Z";
    let parts = [(0, 4, y), (5, 2, i64::from(mo)), (8, 2, i64::from(d)), (11, 2, h), (14, 2, mi), (17, 2, s), (20, 6, ms * 1000)];
    for (at, width, value) in parts {
        let mut v = value.unsigned_abs();
        for slot in b[at..at + width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    b
}

/// Writes the ASCII of `stamp`'s bytes (digits and separators only, so never an error).
fn write_ascii(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str(std::str::from_utf8(bytes).map_err(|_| fmt::Error)?)
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One write of the whole text, so `to_string` allocates exactly its 20 bytes.
        let full = stamp(self.0);
        let mut b = [b'Z'; 20];
        b[..19].copy_from_slice(&full[..19]);
        write_ascii(f, &b)
    }
}

impl fmt::Display for MicroTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ascii(f, &stamp(self.0))
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for MicroTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct("Time", TimeVisitor).map(Time)
    }
}

impl<'de> Deserialize<'de> for MicroTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct("MicroTime", TimeVisitor)
            .map(MicroTime)
    }
}

/// Accepts the RFC 3339 text inside a JSON string (the Go types' UnmarshalJSON).
struct TimeVisitor;

impl<'de> serde::de::Visitor<'de> for TimeVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 time string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        parse_rfc3339_millis(v).map_err(E::custom)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<i64, D::Error> {
        d.deserialize_str(TimeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_known_instants() {
        let cases: &[(i64, &str, &str)] = &[
            (0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"),
            (
                1_735_732_800_000,
                "2025-01-01T12:00:00Z",
                "2025-01-01T12:00:00.000000Z",
            ),
            (
                1_735_732_800_123,
                "2025-01-01T12:00:00Z",
                "2025-01-01T12:00:00.123000Z",
            ),
            (
                951_782_400_000,
                "2000-02-29T00:00:00Z",
                "2000-02-29T00:00:00.000000Z",
            ),
            (-1000, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.000000Z"),
        ];
        for (millis, t, mt) in cases {
            assert_eq!(Time(*millis).to_string(), *t, "{millis}");
            assert_eq!(MicroTime(*millis).to_string(), *mt, "{millis}");
        }
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(
            Time::parse("2025-01-01T14:00:00+02:00")
                .unwrap()
                .to_string(),
            "2025-01-01T12:00:00Z"
        );
        assert_eq!(
            MicroTime::parse("2025-01-01T12:00:00.5Z").unwrap().0 % 1000,
            500
        );
        for bad in [
            "",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-01-01 12:00:00Z",
            "2025-01-01T12:00:00",
            "2025-01-01T12:00:00.Z",
            "2025-01-01T12:00:00Zé",
        ] {
            assert!(Time::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn round_trips(secs in -62_000_000_000i64..253_000_000_000i64) {
            let t = Time(secs * 1000);
            prop_assert_eq!(Time::parse(&t.to_string()).unwrap(), t);
        }
        /// The digit-by-digit writer prints what the zero-padded `write!` printed, over the
        /// whole clamped range and beyond it.
        #[test]
        fn stamps_equal_padded_formatting(millis in prop_oneof![MIN_MILLIS - 5_000..MAX_MILLIS + 5_000, any::<i64>()]) {
            let (y, mo, d, h, mi, s, ms) = fields(millis);
            let time = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            let micro = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}Z", ms * 1000);
            prop_assert_eq!(Time(millis).to_string(), time);
            prop_assert_eq!(MicroTime(millis).to_string(), micro);
        }
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Time::parse(&s);
        }
    }
}

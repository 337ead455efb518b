//! Durations as lesson authors write them (`30s`, `2m`, `1m30s`, `500ms`, `1h`), held as
//! simulated milliseconds. Its own tiny parser, because the wasm must not carry a general one
//! and because a typo here must become a load error naming the field, not a panic.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

impl Dur {
    pub const fn secs(s: u64) -> Dur {
        Dur(s * 1000)
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Parses `<n><unit>` groups (units ms, s, m, h), e.g. `1m30s`; a bare integer is seconds.
    pub fn parse(text: &str) -> Result<Dur, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty duration".into());
        }
        if let Ok(secs) = t.parse::<u64>() {
            return secs.checked_mul(1000).map(Dur).ok_or_else(|| format!("duration {t:?} is too large"));
        }
        let mut total: u64 = 0;
        let mut rest = t;
        while !rest.is_empty() {
            let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(format!("invalid duration {t:?}: expected a number before {rest:?}"));
            }
            let n: u64 = rest[..digits].parse().map_err(|_| format!("invalid duration {t:?}"))?;
            rest = &rest[digits..];
            let unit_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            let factor = match &rest[..unit_len] {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                other => return Err(format!("invalid duration {t:?}: unknown unit {other:?} (use ms, s, m or h)")),
            };
            rest = &rest[unit_len..];
            total = n
                .checked_mul(factor)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("duration {t:?} is too large"))?;
        }
        Ok(Dur(total))
    }
}

impl fmt::Display for Dur {
    /// Go-like text (`1m30s`, `500ms`), the way Kubernetes prints durations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms < 1000 {
            return write!(f, "{ms}ms");
        }
        let (h, m, s, rem) = (ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if h > 0 || m > 0 {
            write!(f, "{m}m")?;
        }
        if rem > 0 {
            write!(f, "{s}.{rem:03}s")
        } else {
            write!(f, "{s}s")
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dur, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Secs(s) => Ok(Dur::secs(s)),
            Raw::Text(t) => Dur::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_like_go() {
        for (text, ms, shown) in [
            ("30s", 30_000, "30s"),
            ("2m", 120_000, "2m0s"),
            ("1m30s", 90_000, "1m30s"),
            ("500ms", 500, "500ms"),
            ("1h", 3_600_000, "1h0m0s"),
            ("45", 45_000, "45s"),
        ] {
            let d = Dur::parse(text).unwrap();
            assert_eq!(d.0, ms, "{text}");
            assert_eq!(d.to_string(), shown);
        }
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in ["", "s", "10x", "1m30", "99999999999999999999h", "-5s", "1.5m"] {
            assert!(Dur::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = Dur::parse(&s);
        }
    }
}

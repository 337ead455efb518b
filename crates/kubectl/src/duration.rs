//! Durations as kubectl prints them: apimachinery's `duration.HumanDuration` (AGE columns,
//! `RESTARTS 5 (40s ago)`, describe's event ages) and Go's `time.Duration.String()` (probe
//! timings, back-off delays). Both take milliseconds because simulated time is kept in ms.

/// apimachinery `duration.HumanDuration`: `119s`, `4m59s`, `60m`, `3h5m`, `26h`, `3d4h`, `400d`,
/// `2y5d`. Within one second of the future it still answers `0s`, beyond that `<invalid>`.
pub fn human_duration(millis: i64) -> String {
    let mut out = String::with_capacity(8);
    push_human_duration(&mut out, millis);
    out
}

/// [`human_duration`] appended to `out` (`get events` writes its ages straight into the table
/// text rather than one String each).
pub fn push_human_duration(out: &mut String, millis: i64) {
    // Go truncates towards zero when it converts a Duration to whole seconds.
    let seconds = millis / 1000;
    if seconds < -1 {
        out.push_str("<invalid>");
        return;
    } else if seconds < 0 {
        out.push_str("0s");
        return;
    }
    // Written number by number (tables print two or three ages per row), not with `format!`.
    let mut put = |n: i64, unit: char| {
        crate::jsonfmt::push_i64(out, n);
        out.push(unit);
    };
    let (minutes, hours) = (seconds / 60, seconds / 3600);
    if seconds < 60 * 2 {
        put(seconds, 's');
    } else if minutes < 10 {
        put(minutes, 'm');
        if seconds % 60 != 0 {
            put(seconds % 60, 's');
        }
    } else if minutes < 60 * 3 {
        put(minutes, 'm');
    } else if hours < 8 {
        put(hours, 'h');
        if minutes % 60 != 0 {
            put(minutes % 60, 'm');
        }
    } else if hours < 48 {
        put(hours, 'h');
    } else if hours < 24 * 8 {
        put(hours / 24, 'd');
        if hours % 24 != 0 {
            put(hours % 24, 'h');
        }
    } else if hours < 24 * 365 * 2 {
        put(hours / 24, 'd');
    } else if hours < 24 * 365 * 8 {
        put(hours / 24 / 365, 'y');
        if (hours / 24) % 365 != 0 {
            put((hours / 24) % 365, 'd');
        }
    } else {
        put(hours / 24 / 365, 'y');
    }
}

/// Go `time.Duration.String()` for a millisecond-resolution duration: `0s`, `850ms`, `10s`,
/// `1m20s`, `5m0s`, `1h0m0s`, `4.512s`.
pub fn go_duration(millis: i64) -> String {
    if millis == 0 {
        return "0s".to_string();
    }
    let neg = millis < 0;
    let ms = millis.unsigned_abs();
    let sign = if neg { "-" } else { "" };
    if ms < 1000 {
        return format!("{sign}{ms}ms");
    }
    let total_secs = ms / 1000;
    let frac = ms % 1000;
    let secs = total_secs % 60;
    let mins = (total_secs / 60) % 60;
    let hours = total_secs / 3600;
    let mut sec_text = secs.to_string();
    if frac != 0 {
        let f = format!("{frac:03}");
        sec_text.push('.');
        sec_text.push_str(f.trim_end_matches('0'));
    }
    if hours > 0 {
        format!("{sign}{hours}h{mins}m{sec_text}s")
    } else if mins > 0 {
        format!("{sign}{mins}m{sec_text}s")
    } else {
        format!("{sign}{sec_text}s")
    }
}

/// Parses the durations learners type (`30s`, `2m`, `1h30m`, `500ms`, plain seconds) into
/// milliseconds, as Go's `time.ParseDuration` would (a bare number is accepted for `sleep`).
pub fn parse_duration_millis(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    if let Ok(n) = text.parse::<f64>() {
        return (n >= 0.0).then_some((n * 1000.0) as i64);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return None,
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Some(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_apimachinery() {
        let cases = [
            (0, "0s"), (-1500, "0s"), (-2500, "<invalid>"), (119_999, "119s"), (120_000, "2m"),
            (299_000, "4m59s"), (3_600_000, "60m"), (179 * 60_000, "179m"), (185 * 60_000, "3h5m"),
            (8 * 3_600_000, "8h"), (26 * 3_600_000, "26h"), (76 * 3_600_000, "3d4h"),
            (48 * 3_600_000, "2d"), (400 * 86_400_000, "400d"), (735 * 86_400_000, "2y5d"),
            (9 * 365 * 86_400_000, "9y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }

    /// `human_duration` as it was written with `format!`, the reference for the faster one.
    fn reference_human_duration(millis: i64) -> String {
        let seconds = millis / 1000;
        if seconds < -1 {
            return "<invalid>".to_string();
        } else if seconds < 0 {
            return "0s".to_string();
        } else if seconds < 60 * 2 {
            return format!("{seconds}s");
        }
        let minutes = seconds / 60;
        if minutes < 10 {
            let s = seconds % 60;
            return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
        } else if minutes < 60 * 3 {
            return format!("{minutes}m");
        }
        let hours = minutes / 60;
        if hours < 8 {
            let m = minutes % 60;
            return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
        } else if hours < 48 {
            return format!("{hours}h");
        } else if hours < 24 * 8 {
            let h = hours % 24;
            return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
        } else if hours < 24 * 365 * 2 {
            return format!("{}d", hours / 24);
        } else if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365;
            let years = hours / 24 / 365;
            return if dy == 0 { format!("{years}y") } else { format!("{years}y{dy}d") };
        }
        format!("{}y", hours / 24 / 365)
    }

    proptest::proptest! {
        #[test]
        fn human_duration_matches_the_reference(ms in proptest::prop_oneof![-5_000i64..200_000, 0i64..400_000_000_000, proptest::num::i64::ANY]) {
            proptest::prop_assert_eq!(human_duration(ms), reference_human_duration(ms));
        }
    }

    #[test]
    fn go_duration_strings() {
        assert_eq!(go_duration(300_000), "5m0s");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(850), "850ms");
        assert_eq!(go_duration(4_512), "4.512s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }

    #[test]
    fn parses_typed_durations() {
        assert_eq!(parse_duration_millis("30s"), Some(30_000));
        assert_eq!(parse_duration_millis("2m"), Some(120_000));
        assert_eq!(parse_duration_millis("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_millis("5"), Some(5_000));
        assert_eq!(parse_duration_millis("abc"), None);
        assert_eq!(parse_duration_millis("5x"), None);
    }
}

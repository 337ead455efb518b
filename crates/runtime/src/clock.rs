//! Calendar formatting of simulated time (Unix milliseconds, always UTC): the formats `date`,
//! `ls -l`, nginx's error and access logs, redis and postgres use. Pure integer arithmetic
//! (days-from-civil), no wall clock.

/// Broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Sunday.
    pub weekday: u32,
    /// 1-based day of the year.
    pub yday: u32,
}

pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
pub const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

pub fn civil(ms: u64) -> Civil {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = cum[(month - 1) as usize] + day + u32::from(leap && month > 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem / 60 % 60) as u32,
        second: (rem % 60) as u32,
        millis: (ms % 1000) as u32,
        weekday: ((days + 4).rem_euclid(7)) as u32,
        yday,
    }
}

/// strftime subset (`%Y %m %d %H %M %S %a %b %e %T %F %D %s %Z %z %j %y %p %I %n %t %%`).
pub fn strftime(fmt: &str, ms: u64) -> String {
    let c = civil(ms);
    let mut out = String::new();
    let mut it = fmt.chars();
    while let Some(ch) = it.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let Some(f) = it.next() else {
            out.push('%');
            break;
        };
        let piece = match f {
            'Y' => c.year.to_string(),
            'y' => format!("{:02}", c.year % 100),
            'm' => format!("{:02}", c.month),
            'd' => format!("{:02}", c.day),
            'e' => format!("{:>2}", c.day),
            'H' => format!("{:02}", c.hour),
            'I' => format!("{:02}", if c.hour.is_multiple_of(12) { 12 } else { c.hour % 12 }),
            'p' => (if c.hour < 12 { "AM" } else { "PM" }).to_string(),
            'M' => format!("{:02}", c.minute),
            'S' => format!("{:02}", c.second),
            'a' => DAYS[c.weekday as usize].to_string(),
            'A' => ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][c.weekday as usize].to_string(),
            'b' | 'h' => MONTHS[(c.month - 1) as usize].to_string(),
            'T' => format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
            'R' => format!("{:02}:{:02}", c.hour, c.minute),
            'F' => format!("{}-{:02}-{:02}", c.year, c.month, c.day),
            'D' => format!("{:02}/{:02}/{:02}", c.month, c.day, c.year % 100),
            's' => (ms / 1000).to_string(),
            'N' => format!("{:09}", u64::from(c.millis) * 1_000_000),
            'j' => format!("{:03}", c.yday),
            'Z' => "UTC".to_string(),
            'z' => "+0000".to_string(),
            'n' => "\n".to_string(),
            't' => "\t".to_string(),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

/// busybox/coreutils `date` default: `Wed Jan  1 12:00:00 UTC 2025`.
pub fn date_default(ms: u64) -> String {
    strftime("%a %b %e %H:%M:%S %Z %Y", ms)
}

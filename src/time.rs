//! Time: one type for every clock bmpctl reads (capture times, router per-peer timestamps,
//! OpenBMP collector times, the station's own clock), RFC 3339 text in and out, and no date
//! library.
//!
//! A [`Timestamp`] keeps nanoseconds, as pcapng and the system clock give them; everything
//! bmpctl shows, orders, filters or subtracts uses microseconds ([`Timestamp::micros`]), the
//! resolution of BMP's own per-peer timestamps.

use std::fmt;

/// A point in time, UTC, since the Unix epoch, as integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp {
    secs: u64,
    /// Within the second: always below 1e9.
    nanos: u32,
}

const NANOS_PER_SEC: u32 = 1_000_000_000;

impl Timestamp {
    /// From seconds and nanoseconds (nanoseconds of a second or more carry into the seconds).
    pub const fn new(secs: u64, nanos: u32) -> Self {
        Timestamp {
            secs: secs.saturating_add((nanos / NANOS_PER_SEC) as u64),
            nanos: nanos % NANOS_PER_SEC,
        }
    }

    /// From seconds and microseconds, as a BMP per-peer header carries them (microseconds of
    /// a second or more carry into the seconds).
    pub const fn from_micros(secs: u64, micros: u32) -> Self {
        Timestamp {
            secs: secs.saturating_add((micros / 1_000_000) as u64),
            nanos: (micros % 1_000_000) * 1000,
        }
    }

    /// The system clock now.
    pub fn now() -> Self {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp::new(d.as_secs(), d.subsec_nanos())
    }

    /// Whole seconds since the epoch.
    pub const fn secs(self) -> u64 {
        self.secs
    }

    /// Microseconds within the second.
    pub const fn subsec_micros(self) -> u32 {
        self.nanos / 1000
    }

    /// Microseconds since the epoch (saturating: a capture clock can be set anywhere), the
    /// measure for ordering, filtering and durations.
    pub const fn micros(self) -> u64 {
        self.secs
            .saturating_mul(1_000_000)
            .saturating_add(self.subsec_micros() as u64)
    }

    /// Since the epoch, as a duration.
    pub fn since_epoch(self) -> std::time::Duration {
        std::time::Duration::new(self.secs, self.nanos)
    }

    /// Parses a time given on the command line: RFC 3339 (`2024-06-11T14:00:00Z`, fractional
    /// seconds and `+hh:mm` offsets allowed) or whole seconds since the epoch.
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        if let Ok(secs) = s.parse::<u64>() {
            return Ok(Timestamp::new(secs, 0));
        }
        parse_rfc3339(s).ok_or_else(|| {
            format!("'{s}' is not a time: use RFC 3339 (2024-06-11T14:00:00Z) or epoch seconds")
        })
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`, UTC, for tables that show a time on two lines.
    pub fn date_and_time(self) -> (String, String) {
        let text = self.to_string();
        (
            text.get(..10).unwrap_or(&text).to_string(),
            text.get(11..19).unwrap_or("").to_string(),
        )
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: microseconds, UTC.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = (self.secs / 86_400) as i64;
        let rem = self.secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60,
            self.subsec_micros()
        )
    }
}

/// As its RFC 3339 text.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok());
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut micros = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
        let padded = format!("{:0<6}", &frac[..digits.min(6)]);
        micros = padded.parse().ok()?;
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        o if o.len() == 6 && matches!(o.as_bytes()[0], b'+' | b'-') && o.as_bytes()[3] == b':' => {
            // By `get`: the other octets need not fall on character boundaries.
            let part = |r: std::ops::Range<usize>| o.get(r).and_then(|x| x.parse::<i64>().ok());
            let v = part(1..3)? * 3600 + part(4..6)? * 60;
            if o.starts_with('-') { -v } else { v }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset;
    u64::try_from(secs)
        .ok()
        .map(|s| Timestamp::from_micros(s, micros))
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        assert_eq!(
            Timestamp::new(0, 0).to_string(),
            "1970-01-01T00:00:00.000000Z"
        );
        assert_eq!(
            Timestamp::from_micros(1_419_906_571, 920_608).to_string(),
            "2014-12-30T02:29:31.920608Z"
        );
        assert_eq!(
            Timestamp::from_micros(951_782_400, 1).to_string(),
            "2000-02-29T00:00:00.000001Z"
        );
        // Nanoseconds below a microsecond are not shown.
        assert_eq!(
            Timestamp::new(0, 1_999).to_string(),
            "1970-01-01T00:00:00.000001Z"
        );
    }

    #[test]
    fn parses_what_it_formats_and_the_command_line_forms() {
        for t in [
            Timestamp::from_micros(1_419_906_571, 920_608),
            Timestamp::new(0, 0),
            Timestamp::from_micros(4_102_444_800, 999_999),
        ] {
            assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        }
        assert_eq!(Timestamp::parse("0").map(Timestamp::micros), Ok(0));
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:01Z").map(Timestamp::micros),
            Ok(1_000_000)
        );
        assert_eq!(
            Timestamp::parse("2014-12-30T04:29:31+02:00").map(Timestamp::micros),
            Ok(1_419_906_571_000_000)
        );
        assert!(Timestamp::parse("yesterday").is_err());
        assert!(Timestamp::parse("2014-13-30T04:29:31Z").is_err());
        assert!(Timestamp::parse("1969-12-31T23:59:59Z").is_err());
        // Offsets that are not ASCII where the digits should be: an error, not a panic.
        assert!(Timestamp::parse("2024-06-11T14:00:00+é:00").is_err());
        assert!(Timestamp::parse("2024-06-11T14:00:00éabcd").is_err());
        assert!(Timestamp::parse("2024-06-11T14:00:00+0é:0").is_err());
        assert!(Timestamp::parse("2024-06-11T14:00:00.é").is_err());
    }

    #[test]
    fn carries_and_saturates() {
        assert_eq!(
            Timestamp::new(1, 2_500_000_000),
            Timestamp::new(3, 500_000_000)
        );
        assert_eq!(
            Timestamp::from_micros(1, 1_500_000),
            Timestamp::from_micros(2, 500_000)
        );
        assert_eq!(Timestamp::new(u64::MAX, 0).micros(), u64::MAX);
        assert!(Timestamp::new(1, 0) < Timestamp::new(1, 1));
    }
}

//! A calendar date (日期), the kind the bureau writes `YYYY-MM-DD`: an inspection date, a
//! filing cut-off, a deadline. Held as a day number, so a value of this type is always a
//! real date and arithmetic on it is plain; made only by [`Date::parse`] (or from a day
//! number), written only as `YYYY-MM-DD`. Text that has not been parsed is a `String`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day, as days since 1970-01-01. On the wire: `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(i64);

impl Date {
    /// The date written `YYYY-MM-DD` (a real date, year 1900 or later).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if y < 1900 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y as i64, m) {
            return None;
        }
        Some(Date(days_from_civil(y as i64, m, d)))
    }

    /// The date `n` days after 1970-01-01.
    pub const fn from_day_number(n: i64) -> Date {
        Date(n)
    }

    /// Days since 1970-01-01.
    pub const fn day_number(self) -> i64 {
        self.0
    }

    /// The last day of `month` of `year`.
    pub fn last_of_month(year: i32, month: u32) -> Date {
        let (ny, nm) =
            if month >= 12 { (i64::from(year) + 1, 1) } else { (i64::from(year), month.max(1) + 1) };
        Date(days_from_civil(ny, nm, 1) - 1)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }

    /// The date `days` later (earlier when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl TryFrom<String> for Date {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse(&s).ok_or_else(|| format!("“{s}”不是有效日期，应写成如“2023-01-31”"))
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// The bureau's time zone: China Standard Time (UTC+8), the one zone people read times in.
pub const ZONE_OFFSET_SECS: i64 = 8 * 3600;

/// A stored UTC timestamp (`2026-12-05T14:33:05Z`) as people read it: Beijing time,
/// `2026-12-05 22:33:05`. Text that is not such a timestamp comes back unchanged.
pub fn local_time(ts: &str) -> String {
    let b = ts.as_bytes();
    let parsed = (b.len() == 20 && b[10] == b'T' && b[19] == b'Z')
        .then(|| {
            let date = Date::parse(&ts[..10])?;
            let num = |r: std::ops::Range<usize>| ts.get(r)?.parse::<i64>().ok();
            let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
            (b[13] == b':' && b[16] == b':' && h < 24 && m < 60 && s < 60)
                .then_some((date, h * 3600 + m * 60 + s))
        })
        .flatten();
    match parsed {
        Some((date, secs)) => {
            let total = secs + ZONE_OFFSET_SECS;
            let day = date.plus_days(total.div_euclid(86_400));
            let rem = total.rem_euclid(86_400);
            format!("{day} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
        }
        None => ts.to_string(),
    }
}

/// Beijing time with minutes only (`2026-12-05 22:33`), where seconds are noise.
pub fn local_minutes(ts: &str) -> String {
    let t = local_time(ts);
    if t.len() == 19 && t.as_bytes()[10] == b' ' {
        t[..16].to_string()
    } else {
        t
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    }
}

/// The Beijing (UTC+8) date of a stored UTC time `YYYY-MM-DDTHH:MM:SSZ`, as `YYYY-MM-DD`:
/// the date people read (a result published at 20:00 UTC was published the next day in
/// Beijing). Text that is not such a time gives its first ten characters back.
pub fn beijing_date(utc: &str) -> String {
    let hour = utc.get(11..13).and_then(|h| h.parse::<u32>().ok());
    match (utc.get(..10).and_then(Date::parse), hour) {
        (Some(d), Some(h)) if h >= 16 => d.plus_days(1).to_string(),
        (Some(d), _) => d.to_string(),
        _ => utc.get(..10).unwrap_or(utc).to_string(),
    }
}

/// (year, month, day) to days since 1970-01-01; Howard Hinnant's algorithm.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day); the inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_time_has_its_beijing_date() {
        assert_eq!(beijing_date("2026-12-05T15:59:59Z"), "2026-12-05");
        assert_eq!(beijing_date("2026-12-05T16:00:00Z"), "2026-12-06");
        assert_eq!(beijing_date("2023-12-31T20:00:00Z"), "2024-01-01");
        assert_eq!(beijing_date("2023-03-20"), "2023-03-20");
    }

    #[test]
    fn dates_parse_round_trip_and_count() {
        for s in ["1970-01-01", "2000-02-29", "2023-10-07", "2024-02-29", "2026-12-31"] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        for s in [
            "2023-02-29",
            "2023-1-31",
            "2023-13-01",
            "1899-12-31",
            "2023-00-10",
            "2023/01/31",
            "",
            "２０２３-01-01",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert_eq!(Date::parse("2023-10-07").unwrap().weekday(), 5, "a Saturday");
        assert_eq!(Date::last_of_month(2023, 2).to_string(), "2023-02-28");
        assert_eq!(Date::last_of_month(2024, 2).to_string(), "2024-02-29");
        assert_eq!(Date::last_of_month(2023, 12).to_string(), "2023-12-31");
        assert_eq!(Date::parse("2023-12-31").unwrap().plus_days(1).to_string(), "2024-01-01");
        assert_eq!(serde_json::to_string(&Date::parse("2023-03-01")).unwrap(), "\"2023-03-01\"");
        assert!(serde_json::from_str::<Date>("\"2023-02-30\"").is_err());
    }
}

#[cfg(test)]
mod local_time_tests {
    #[test]
    fn utc_becomes_beijing_time() {
        assert_eq!(super::local_time("2026-12-05T14:33:05Z"), "2026-12-05 22:33:05");
        assert_eq!(super::local_time("2023-12-31T16:00:00Z"), "2024-01-01 00:00:00");
        assert_eq!(super::local_minutes("2023-03-10T02:30:00Z"), "2023-03-10 10:30");
        assert_eq!(super::local_time("尚未抽取"), "尚未抽取");
        assert_eq!(super::local_time("2023-03-10"), "2023-03-10");
    }
}

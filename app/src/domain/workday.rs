//! Working days on the Chinese calendar: weekends, public holidays and make-up working
//! days (调休), for the 20-working-day deadline to publish results.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Results must be published within this many working days of the inspection's end.
pub const PUBLISH_WITHIN_WORKING_DAYS: u32 = 20;

/// A day that differs from the Monday–Friday rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// 法定节假日 (or a day off moved next to one): not a working day even on a weekday.
    Holiday,
    /// 调休上班: a weekend day that is a working day.
    Workday,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "调休上班",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(Self::Holiday),
            "workday" => Some(Self::Workday),
            _ => None,
        }
    }
}

/// One entry of the calendar table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub kind: DayKind,
    /// e.g. 国庆节.
    pub name: String,
}

/// The exceptions to Monday–Friday, by day number (days since 1970-01-01).
#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    exceptions: BTreeMap<i64, DayKind>,
}

impl WorkCalendar {
    /// A calendar from the table's rows; rows with malformed dates are skipped.
    pub fn new<'a>(days: impl IntoIterator<Item = (&'a str, DayKind)>) -> Self {
        Self { exceptions: days.into_iter().filter_map(|(d, k)| Some((day_number(d)?, k))).collect() }
    }

    /// Whether day number `n` is a working day.
    pub fn is_working(&self, n: i64) -> bool {
        match self.exceptions.get(&n) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => weekday(n) < 5,
        }
    }

    /// The `count`-th working day after `day` (not counting `day` itself).
    pub fn add_working_days(&self, day: i64, count: u32) -> i64 {
        let mut n = day;
        let mut left = count;
        while left > 0 {
            n += 1;
            if self.is_working(n) {
                left -= 1;
            }
        }
        n
    }

    /// Working days after `from` up to and including `to` (0 when `to` ≤ `from`).
    pub fn working_days_between(&self, from: i64, to: i64) -> u32 {
        ((from + 1)..=to).filter(|&n| self.is_working(n)).count() as u32
    }

    /// The publication deadline for an inspection that ended on `end` (`YYYY-MM-DD`).
    pub fn publish_deadline(&self, end: &str) -> Option<String> {
        Some(format_day(self.add_working_days(day_number(end)?, PUBLISH_WITHIN_WORKING_DAYS)))
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (`None` if it is not a real date).
pub fn day_number(s: &str) -> Option<i64> {
    if !super::task::is_iso_date(s) {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(n: i64) -> String {
    let (y, m, d) = civil_from_days(n);
    format!("{y:04}-{m:02}-{d:02}")
}

/// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(n: i64) -> i64 {
    (n + 3).rem_euclid(7)
}

/// The last day of a month, `YYYY-MM-DD`.
pub fn last_day_of_month(year: i32, month: u32) -> String {
    let (ny, nm) = if month == 12 { (year as i64 + 1, 1) } else { (year as i64, month + 1) };
    format_day(days_from_civil(ny, nm, 1) - 1)
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

    /// The 2023 Mid-Autumn and National Day holiday as the State Council announced it:
    /// 9 月 29 日至 10 月 6 日放假，10 月 7 日（周六）、8 日（周日）上班.
    fn national_day_2023() -> WorkCalendar {
        let mut days: Vec<(String, DayKind)> =
            (29..=30).map(|d| (format!("2023-09-{d}"), DayKind::Holiday)).collect();
        days.extend((1..=6).map(|d| (format!("2023-10-0{d}"), DayKind::Holiday)));
        days.push(("2023-10-07".into(), DayKind::Workday));
        days.push(("2023-10-08".into(), DayKind::Workday));
        WorkCalendar::new(days.iter().map(|(d, k)| (d.as_str(), *k)))
    }

    #[test]
    fn dates_round_trip_and_weekdays() {
        for s in ["1970-01-01", "2000-02-29", "2023-10-07", "2026-12-31"] {
            assert_eq!(format_day(day_number(s).unwrap()), s);
        }
        assert_eq!(weekday(day_number("2023-10-07").unwrap()), 5, "a Saturday");
        assert_eq!(weekday(day_number("2026-11-27").unwrap()), 4, "a Friday");
        assert_eq!(last_day_of_month(2023, 2), "2023-02-28");
        assert_eq!(last_day_of_month(2024, 2), "2024-02-29");
        assert_eq!(last_day_of_month(2023, 12), "2023-12-31");
        assert_eq!(day_number("2023-02-30"), None);
    }

    #[test]
    fn twenty_working_days_across_the_2023_national_day_holiday() {
        let cal = national_day_2023();
        // Inspection ends Thursday 28 September. Then: 29 Sep – 6 Oct off (8 days),
        // 7 and 8 Oct (Sat, Sun) are make-up working days 1 and 2, 9–13 Oct are 3–7,
        // 16–20 are 8–12, 23–27 are 13–17, 30 and 31 Oct and 1 Nov are 18–20.
        assert_eq!(cal.publish_deadline("2023-09-28").as_deref(), Some("2023-11-01"));
        // Counting Monday–Friday only would put the deadline on 26 October instead.
        let plain = WorkCalendar::default();
        assert_eq!(plain.publish_deadline("2023-09-28").as_deref(), Some("2023-10-26"));
        let end = day_number("2023-09-28").unwrap();
        assert_eq!(cal.working_days_between(end, day_number("2023-10-08").unwrap()), 2);
        assert!(!cal.is_working(day_number("2023-10-02").unwrap()));
        assert!(cal.is_working(day_number("2023-10-07").unwrap()));
        assert!(!cal.is_working(day_number("2023-10-14").unwrap()), "an ordinary Saturday");
    }
}

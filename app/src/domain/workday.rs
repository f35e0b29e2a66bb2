//! Working days on the Chinese calendar: weekends, public holidays and make-up working
//! days (调休), for the 20-working-day deadline to publish results.

use super::date::Date;
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

/// The exceptions to Monday–Friday.
#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    exceptions: BTreeMap<Date, DayKind>,
}

impl WorkCalendar {
    /// A calendar from the table's rows; rows with malformed dates are skipped.
    pub fn new<'a>(days: impl IntoIterator<Item = (&'a str, DayKind)>) -> Self {
        Self { exceptions: days.into_iter().filter_map(|(d, k)| Some((Date::parse(d)?, k))).collect() }
    }

    /// Whether `day` is a working day.
    pub fn is_working(&self, day: Date) -> bool {
        match self.exceptions.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => day.weekday() < 5,
        }
    }

    /// The `count`-th working day after `day` (not counting `day` itself).
    pub fn add_working_days(&self, day: Date, count: u32) -> Date {
        let mut n = day;
        let mut left = count;
        while left > 0 {
            n = n.plus_days(1);
            if self.is_working(n) {
                left -= 1;
            }
        }
        n
    }

    /// Working days after `from` up to and including `to` (0 when `to` ≤ `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        ((from.day_number() + 1)..=to.day_number())
            .filter(|&n| self.is_working(Date::from_day_number(n)))
            .count() as u32
    }

    /// The publication deadline for an inspection that ended on `end`.
    pub fn publish_deadline(&self, end: Date) -> Date {
        self.add_working_days(end, PUBLISH_WITHIN_WORKING_DAYS)
    }
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
    fn twenty_working_days_across_the_2023_national_day_holiday() {
        let cal = national_day_2023();
        // Inspection ends Thursday 28 September. Then: 29 Sep – 6 Oct off (8 days),
        // 7 and 8 Oct (Sat, Sun) are make-up working days 1 and 2, 9–13 Oct are 3–7,
        // 16–20 are 8–12, 23–27 are 13–17, 30 and 31 Oct and 1 Nov are 18–20.
        let day = |s: &str| Date::parse(s).unwrap();
        assert_eq!(cal.publish_deadline(day("2023-09-28")), day("2023-11-01"));
        // Counting Monday–Friday only would put the deadline on 26 October instead.
        let plain = WorkCalendar::default();
        assert_eq!(plain.publish_deadline(day("2023-09-28")), day("2023-10-26"));
        assert_eq!(cal.working_days_between(day("2023-09-28"), day("2023-10-08")), 2);
        assert!(!cal.is_working(day("2023-10-02")));
        assert!(cal.is_working(day("2023-10-07")));
        assert!(!cal.is_working(day("2023-10-14")), "an ordinary Saturday");
    }
}

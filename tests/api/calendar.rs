//! 工作日历: the shipped calendar table against the State Council's notices for 2023–2026,
//! typed here again from the notices (not from the migration), day by day, and one
//! 20-working-day publication deadline a year counted by hand.

use crate::helpers::spawn_app;
use app::domain::date::Date;
use std::collections::BTreeMap;

/// One holiday of a notice: its name, first and last day off, and the 调休 working days.
type Holiday = (&'static str, (&'static str, &'static str), &'static [&'static str]);

/// 国务院办公厅关于 2023 年部分节假日安排的通知（国办发明电〔2022〕16号）, and for 2024
/// (〔2023〕7号), 2025 (〔2024〕12号), 2026 (〔2025〕7号): every range off and every
/// weekend day worked.
const NOTICES: &[(i32, &[Holiday])] = &[
    (
        2023,
        &[
            ("元旦", ("2022-12-31", "2023-01-02"), &[]),
            ("春节", ("2023-01-21", "2023-01-27"), &["2023-01-28", "2023-01-29"]),
            ("清明节", ("2023-04-05", "2023-04-05"), &[]),
            ("劳动节", ("2023-04-29", "2023-05-03"), &["2023-04-23", "2023-05-06"]),
            ("端午节", ("2023-06-22", "2023-06-24"), &["2023-06-25"]),
            ("中秋节、国庆节", ("2023-09-29", "2023-10-06"), &["2023-10-07", "2023-10-08"]),
        ],
    ),
    (
        2024,
        &[
            ("元旦", ("2024-01-01", "2024-01-01"), &[]),
            ("春节", ("2024-02-10", "2024-02-17"), &["2024-02-04", "2024-02-18"]),
            ("清明节", ("2024-04-04", "2024-04-06"), &["2024-04-07"]),
            ("劳动节", ("2024-05-01", "2024-05-05"), &["2024-04-28", "2024-05-11"]),
            ("端午节", ("2024-06-10", "2024-06-10"), &[]),
            ("中秋节", ("2024-09-15", "2024-09-17"), &["2024-09-14"]),
            ("国庆节", ("2024-10-01", "2024-10-07"), &["2024-09-29", "2024-10-12"]),
        ],
    ),
    (
        2025,
        &[
            ("元旦", ("2025-01-01", "2025-01-01"), &[]),
            ("春节", ("2025-01-28", "2025-02-04"), &["2025-01-26", "2025-02-08"]),
            ("清明节", ("2025-04-04", "2025-04-06"), &[]),
            ("劳动节", ("2025-05-01", "2025-05-05"), &["2025-04-27"]),
            ("端午节", ("2025-05-31", "2025-06-02"), &[]),
            ("国庆节、中秋节", ("2025-10-01", "2025-10-08"), &["2025-09-28", "2025-10-11"]),
        ],
    ),
    (
        2026,
        &[
            ("元旦", ("2026-01-01", "2026-01-03"), &["2026-01-04"]),
            ("春节", ("2026-02-15", "2026-02-23"), &["2026-02-14", "2026-02-28"]),
            ("清明节", ("2026-04-04", "2026-04-06"), &[]),
            ("劳动节", ("2026-05-01", "2026-05-05"), &["2026-05-09"]),
            ("端午节", ("2026-06-19", "2026-06-21"), &[]),
            ("中秋节", ("2026-09-25", "2026-09-27"), &[]),
            ("国庆节", ("2026-10-01", "2026-10-07"), &["2026-09-20", "2026-10-10"]),
        ],
    ),
];

/// Days of the Gregorian calendar from 2022-12-31 (a Saturday) to 2026-12-31, with their
/// weekday (0 = Monday), counted here rather than taken from `Date`.
fn days() -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut weekday = 5; // 2022-12-31 was a Saturday.
    out.push(("2022-12-31".to_string(), weekday));
    for year in 2023..=2026 {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let lengths = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        for (m, len) in lengths.iter().enumerate() {
            for d in 1..=*len {
                weekday = (weekday + 1) % 7;
                out.push((format!("{year}-{:02}-{d:02}", m + 1), weekday));
            }
        }
    }
    out
}

/// Whether each day is a working day by the notices: a day off in a holiday's range is
/// not, a 调休 day is, any other day is when it is Monday to Friday.
fn expected() -> BTreeMap<String, bool> {
    let all = days();
    let mut exceptions: BTreeMap<String, bool> = BTreeMap::new();
    for (_, holidays) in NOTICES {
        for (name, (first, last), worked) in *holidays {
            assert!(first <= last, "{name}");
            for (day, _) in all.iter().filter(|(d, _)| d.as_str() >= *first && d.as_str() <= *last) {
                assert!(exceptions.insert(day.clone(), false).is_none(), "{day} twice");
            }
            for day in *worked {
                assert!(exceptions.insert(day.to_string(), true).is_none(), "{day} twice");
            }
        }
    }
    let mut out = BTreeMap::new();
    for (day, weekday) in all {
        let working = exceptions.get(day.as_str()).copied().unwrap_or(weekday < 5);
        if exceptions.get(day.as_str()) == Some(&true) {
            assert!(weekday >= 5, "a 调休 working day {day} is a weekend day");
        }
        out.insert(day, working);
    }
    out
}

#[tokio::test]
async fn every_2023_to_2026_holiday_and_working_weekend_matches_the_notices() {
    let app = spawn_app().await;
    let cal = app::ssr::db::calendar::calendar(&app.db).await.unwrap();
    let expected = expected();
    let mut wrong = Vec::new();
    for (day, working) in &expected {
        if cal.is_working(Date::parse(day).unwrap()) != *working {
            wrong.push(format!("{day}: the notice says {}", if *working { "工作日" } else { "休息日" }));
        }
    }
    assert!(wrong.is_empty(), "the shipped calendar differs from the notices:\n{}", wrong.join("\n"));
    // Every row of those years is a day the notices name, of the kind and holiday they say.
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT day, kind, name FROM calendar_days WHERE day >= '2023-01-01' AND day <= '2026-12-31' ORDER BY day",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut named = 0;
    for (_, holidays) in NOTICES {
        for (name, (first, last), worked) in *holidays {
            for (day, kind, row_name) in &rows {
                let off = day.as_str() >= *first && day.as_str() <= *last;
                if off || worked.contains(&day.as_str()) {
                    assert_eq!(kind, if off { "holiday" } else { "workday" }, "{day}");
                    assert_eq!(row_name, name, "{day}");
                    named += 1;
                }
            }
        }
    }
    assert_eq!(named, rows.len(), "no row outside the notices: {rows:?}");
}

#[tokio::test]
async fn a_twenty_working_day_deadline_a_year_crosses_its_holiday() {
    let app = spawn_app().await;
    let cal = app::ssr::db::calendar::calendar(&app.db).await.unwrap();
    let day = |s: &str| Date::parse(s).unwrap();
    // Counted by hand on a paper calendar with the notices' days.
    for (inspected, deadline, across) in [
        // Fri 20 Jan is 1; 21–27 off; Sat 28 and Sun 29 worked (2, 3); 30 Jan–21 Feb 4–20.
        ("2023-01-19", "2023-02-21", "春节"),
        // Fri 13 (1), Sat 14 worked (2), 15–17 off, 18–27 (3–10), Sun 29 worked (11),
        // Mon 30 (12), 1–7 Oct off, 8–11 (13–16), Sat 12 worked (17), 14–16 (18–20).
        ("2024-09-12", "2024-10-16", "中秋节、国庆节"),
        // Sun 27 Apr worked (1), 28–30 (2–4), 1–5 May off, 6 May–27 May (5–20).
        ("2025-04-25", "2025-05-27", "劳动节"),
        // Sun 20 Sep worked (1), 21–24 (2–5), 25–27 off, 28–30 (6–8), 1–7 Oct off, 8–9
        // (9, 10), Sat 10 worked (11), 12–16 (12–16), 19–22 (17–20).
        ("2026-09-18", "2026-10-22", "中秋节、国庆节"),
    ] {
        assert_eq!(cal.publish_deadline(day(inspected)), day(deadline), "from {inspected} across {across}");
        assert_eq!(cal.working_days_between(day(inspected), day(deadline)), 20);
    }
}

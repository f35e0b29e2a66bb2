//! 工作日历 — the working days, as the deadlines of publication count them.

use crate::domain::date::Date;
use crate::domain::workday::WorkCalendar;
use crate::error::AppError;

/// The working-day calendar table.
pub async fn calendar(db: impl sqlx::Executor<'_, Database = sqlx::Any>) -> Result<WorkCalendar, AppError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT day, kind FROM calendar_days").fetch_all(db).await?;
    Ok(WorkCalendar::new(
        rows.iter().filter_map(|(d, k)| Some((d.as_str(), crate::domain::workday::DayKind::parse(k)?))),
    ))
}

/// The publication deadline of a task whose window ends in `year`-`end_month`.
pub fn deadline(cal: &WorkCalendar, year: i32, end_month: u32) -> Option<String> {
    Some(cal.publish_deadline(Date::last_of_month(year, end_month)).to_string())
}

/// The publication deadline of one enterprise's result: 20 working days from its
/// inspection date (`YYYY-MM-DD`; an unreadable date gives itself back).
pub fn result_deadline(cal: &WorkCalendar, inspected_on: &str) -> String {
    match Date::parse(inspected_on) {
        Some(d) => cal.publish_deadline(d).to_string(),
        None => inspected_on.to_string(),
    }
}

//! What the public portal reads: only published things, never a risk class, a secret
//! before its reveal, an inspector or a staff member's name.
//!
//! Every query here names its columns and filters on publication itself; `portal::data`
//! assembles the pages' records from these rows and holds the rules of what is public.

use crate::ssr::db::{Backend, Flag};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

/// Task statuses the public sees, as SQL: from the task's listing in the plan (列入计划) on.
/// Drafts and tasks waiting to be put into the plan are internal (`portal::data::is_public`
/// is the same rule; a test there holds the two together).
pub const PUBLIC_STATUSES: &str =
    "('planned', 'frozen', 'drawn', 'list_submitted', 'list_consented', 'list_filed', \
     'inspecting', 'results_entered', 'reviewed', 'published', 'closed')";

/// Statuses in which a result may be public: each enterprise's result is published on its
/// own once the office head passes it, while the task's other enterprises are inspected.
const RESULTS_PUBLIC: &str = "('inspecting', 'results_entered', 'reviewed', 'published', 'closed')";

/// Years with at least one public task, newest first.
pub async fn plan_years(db: &AnyPool) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.year FROM annual_plans p JOIN tasks t ON t.annual_plan_id = p.id \
         WHERE t.status IN {PUBLIC_STATUSES} ORDER BY p.year DESC"
    ))
    .fetch_all(db)
    .await
}

/// The draw of a public task as stored; `manifest` and `drawn_at` are set once drawn;
/// `abandoned_at` and its reason once declared void (作废).
#[derive(sqlx::FromRow)]
pub struct DrawRow {
    pub id: i64,
    pub task_id: i64,
    pub abandoned_at: Option<String>,
    pub abandon_reason: String,
    pub replaces_draw_id: Option<i64>,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
    pub place: String,
    pub manifest: Option<String>,
    pub drawn_at: Option<String>,
}

/// The columns of a [`DrawRow`] (the secret column is read only inside the finished manifest).
const DRAW_COLUMNS: &str =
    "d.id, d.task_id, d.abandoned_at, d.abandon_reason, d.replaces_draw_id, d.pool_count, \
     d.pool_digest, d.commitment, d.frozen_at, d.place, d.manifest, d.drawn_at";

/// The live draw of a public task, if the task has been frozen.
pub async fn draw(db: &AnyPool, task_id: i64) -> Result<Option<DrawRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {DRAW_COLUMNS} FROM draws d JOIN tasks t ON t.id = d.task_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND t.status IN {PUBLIC_STATUSES}"
    ))
    .bind(task_id)
    .fetch_optional(db)
    .await
}

/// Any draw of a public task by its id, live or abandoned.
pub async fn draw_by_id(db: &AnyPool, draw_id: i64) -> Result<Option<DrawRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {DRAW_COLUMNS} FROM draws d JOIN tasks t ON t.id = d.task_id \
         WHERE d.id = $1 AND t.status IN {PUBLIC_STATUSES}"
    ))
    .bind(draw_id)
    .fetch_optional(db)
    .await
}

/// The abandoned draws of a task, newest first: (draw id, drawn at, abandoned at, reason).
pub async fn abandoned_draws(
    db: &AnyPool,
    task_id: i64,
) -> Result<Vec<(i64, Option<String>, String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT d.id, d.drawn_at, d.abandoned_at, d.abandon_reason FROM draws d JOIN tasks t ON t.id = d.task_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NOT NULL AND t.status IN {PUBLIC_STATUSES} ORDER BY d.id DESC"
    ))
    .bind(task_id)
    .fetch_all(db)
    .await
}

/// Names of a draw's selected enterprises, in selection order.
pub async fn selected_names(db: &AnyPool, draw_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT e.name FROM draw_selections s JOIN enterprises e ON e.id = s.enterprise_id \
         WHERE s.draw_id = $1 ORDER BY s.position",
    )
    .bind(draw_id)
    .fetch_all(db)
    .await
}

/// One enterprise of a pool as published: code and name, never its stratum.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PoolMember {
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "Flag")]
    pub selected: bool,
}

/// The pool of a drawn public task, by code.
pub async fn pool(db: &AnyPool, task_id: i64) -> Result<Vec<PoolMember>, sqlx::Error> {
    sqlx::query_as::<_, PoolMember>(&format!(
        "SELECT p.code, e.name, EXISTS (SELECT 1 FROM draw_selections s WHERE s.draw_id = p.draw_id \
         AND s.enterprise_id = p.enterprise_id) AS selected \
         FROM draw_pool p JOIN draws d ON d.id = p.draw_id JOIN tasks t ON t.id = d.task_id \
         JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} ORDER BY p.code"
    ))
    .bind(task_id)
    .fetch_all(db)
    .await
}

/// A published result with its task, as stored (lists still JSON text).
#[derive(sqlx::FromRow)]
pub struct ResultRecord {
    pub result_id: i64,
    pub task_id: i64,
    pub task_name: String,
    pub department: String,
    /// The joint departments other than the initiating one, joined with 、.
    pub joint: Option<String>,
    pub items: String,
    pub name: String,
    pub code: String,
    pub inspected_on: String,
    pub method: String,
    pub categories: String,
    pub problems: String,
    pub handling: String,
    pub referral_department: String,
    pub published_at: String,
    pub corrected_at: Option<String>,
    pub correction_reason: String,
}

/// Driven from the results (CROSS JOIN keeps SQLite from starting at a million
/// enterprises when the search text cannot use an index).
const RESULT_SELECT: &str = "SELECT r.id AS result_id, t.id AS task_id, t.task_name, dp.short_name AS department, \
     (SELECT string_agg(jd.short_name, '、' ORDER BY j.position) FROM task_joint_departments j \
     JOIN departments jd ON jd.id = j.department_id WHERE j.task_id = t.id \
     AND j.department_id <> t.initiating_department_id) AS joint, \
     (SELECT string_agg(i.name, '、' ORDER BY ti.position) FROM task_items ti \
     JOIN inspection_items i ON i.id = ti.item_id WHERE ti.task_id = t.id) AS items, \
     e.name, e.credit_code AS code, r.inspected_on, r.method, r.categories, r.problems, r.handling, \
     r.referral_department, r.published_at, r.corrected_at, r.correction_reason \
     FROM inspection_results r CROSS JOIN draws d ON d.id = r.draw_id CROSS JOIN tasks t ON t.id = d.task_id \
     JOIN departments dp ON dp.id = t.initiating_department_id CROSS JOIN enterprises e ON e.id = r.enterprise_id";

/// Every published result, newest first (by publication, then task, then credit code).
pub async fn published_results(conn: &mut AnyConnection) -> Result<Vec<ResultRecord>, sqlx::Error> {
    // PostgreSQL orders joins itself and has no `CROSS JOIN … ON`.
    let select = match Backend::of(conn) {
        Backend::Sqlite => RESULT_SELECT.to_owned(),
        Backend::Postgres => RESULT_SELECT.replace("CROSS JOIN", "JOIN"),
    };
    let sql = format!(
        "{select} WHERE r.published_at IS NOT NULL AND d.abandoned_at IS NULL AND t.status IN {RESULTS_PUBLIC} \
         ORDER BY r.published_at DESC, t.id DESC, e.credit_code"
    );
    sqlx::query_as::<_, ResultRecord>(&sql).fetch_all(&mut *conn).await
}

/// Each public draw whose pool held the credit code `code`, newest first: (task id, task
/// name, drawn at, selected, the enterprise's name).
pub async fn draws_of_enterprise(
    db: &AnyPool,
    code: &str,
) -> Result<Vec<(i64, String, String, Flag, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT t.id, t.task_name, d.drawn_at, EXISTS (SELECT 1 FROM draw_selections s WHERE s.draw_id = d.id \
         AND s.code = p.code), e.name FROM draw_pool p JOIN draws d ON d.id = p.draw_id \
         JOIN tasks t ON t.id = d.task_id JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE p.code = $1 AND d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} ORDER BY d.drawn_at DESC"
    ))
    .bind(code)
    .fetch_all(db)
    .await
}

/// A frozen task waiting for its draw, with its published commitment.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Upcoming {
    pub task_id: i64,
    pub task_name: String,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
}

/// Frozen, not yet drawn tasks.
pub async fn upcoming(db: &AnyPool) -> Result<Vec<Upcoming>, sqlx::Error> {
    sqlx::query_as::<_, Upcoming>(
        "SELECT t.id AS task_id, t.task_name, d.pool_count, d.pool_digest, d.commitment, d.frozen_at \
         FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.manifest IS NULL AND t.status = 'frozen' \
         ORDER BY d.frozen_at",
    )
    .fetch_all(db)
    .await
}

/// Drawn public tasks, newest draw first: (task id, task name, drawn at, selected count).
pub async fn recent_draws(db: &AnyPool, limit: i64) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT t.id, t.task_name, d.drawn_at, (SELECT count(*) FROM draw_selections s WHERE s.draw_id = d.id) \
         FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} \
         ORDER BY d.drawn_at DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The `seq` of the newest audit entry whose entity type is not in `unrelated` (0 if
/// none); read from the end of the log, so it costs a few rows however long the log is.
pub async fn last_audit_seq<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    unrelated: &[&str],
) -> Result<i64, sqlx::Error> {
    let seq: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT seq FROM audit_log WHERE entity_type NOT IN ('{}') ORDER BY seq DESC LIMIT 1",
        unrelated.join("', '")
    ))
    .fetch_optional(db)
    .await?;
    Ok(seq.unwrap_or(0))
}

/// A year's published results as its figures need them: the initiating department (short
/// name), the inspection date, the 检查结果 values (JSON) and when it was published. Only
/// published results of public tasks' live draws.
pub async fn year_published(
    db: &AnyPool,
    year: i32,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT dp.short_name, r.inspected_on, r.categories, r.published_at FROM inspection_results r \
         JOIN draws d ON d.id = r.draw_id AND d.abandoned_at IS NULL JOIN tasks t ON t.id = d.task_id \
         JOIN annual_plans ap ON ap.id = t.annual_plan_id JOIN departments dp ON dp.id = t.initiating_department_id \
         WHERE ap.year = $1 AND r.published_at IS NOT NULL AND t.status IN {RESULTS_PUBLIC} ORDER BY dp.id"
    ))
    .bind(i64::from(year))
    .fetch_all(db)
    .await
}

/// A year's public tasks, those whose results are all published, and the enterprises their
/// finished draws selected (the selection is public once drawn).
pub async fn year_counts(db: &AnyPool, year: i32) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM tasks t JOIN annual_plans ap ON ap.id = t.annual_plan_id \
           WHERE ap.year = $1 AND t.status IN {PUBLIC_STATUSES}), \
         (SELECT count(*) FROM tasks t JOIN annual_plans ap ON ap.id = t.annual_plan_id \
           WHERE ap.year = $1 AND t.status IN ('published', 'closed')), \
         (SELECT count(*) FROM draw_selections s JOIN draws d ON d.id = s.draw_id AND d.abandoned_at IS NULL \
           AND d.drawn_at IS NOT NULL JOIN tasks t ON t.id = d.task_id JOIN annual_plans ap ON ap.id = t.annual_plan_id \
           WHERE ap.year = $1 AND t.status IN {PUBLIC_STATUSES})"
    ))
    .bind(i64::from(year))
    .fetch_one(db)
    .await
}

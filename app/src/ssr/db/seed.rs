//! The demo's rows: the SQL that `ssr::seed` needs to write a fictional bureau into an
//! empty database (the data itself, and the order it is written in, are the seed's).

use crate::domain::auth::Role;
use crate::domain::inspector::DEPARTMENTS;
use crate::domain::region::HANDAN_REGIONS;
use crate::domain::workflow::TaskStatus;
use sqlx::AnyConnection;

/// A failure while seeding, as a database error (the seed runs inside a transaction).
pub fn failed(e: impl std::fmt::Debug) -> sqlx::Error {
    sqlx::Error::Protocol(format!("demo data failed: {e:?}"))
}

/// How many annual plans exist (the demo is loaded only into a database without one).
pub async fn plans(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM annual_plans").fetch_one(conn).await
}

/// Departments and regions: reference data every database needs.
pub async fn insert_reference_data(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for (id, name, short) in DEPARTMENTS {
        sqlx::query(
            "INSERT INTO departments (id, name, short_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(short)
        .execute(&mut *conn)
        .await?;
    }
    for (code, name) in HANDAN_REGIONS {
        sqlx::query("INSERT INTO regions (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(code)
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// One synthetic enterprise row.
pub struct SyntheticEnterprise {
    pub credit_code: String,
    pub name: String,
    pub category: &'static str,
    pub industry: &'static str,
    pub nature: &'static str,
    pub scale: &'static str,
    pub region_code: &'static str,
    pub filed_on: String,
    pub status: &'static str,
    pub risk_class: &'static str,
    pub complaint_count: i64,
}

/// Inserts one synthetic enterprise.
pub async fn insert_enterprise(conn: &mut AnyConnection, e: &SyntheticEnterprise) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO enterprises (credit_code, name, category, industry, nature, scale, region_code, \
         filed_on, status, risk_class, complaint_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&e.credit_code)
    .bind(&e.name)
    .bind(e.category)
    .bind(e.industry)
    .bind(e.nature)
    .bind(e.scale)
    .bind(e.region_code)
    .bind(&e.filed_on)
    .bind(e.status)
    .bind(e.risk_class)
    .bind(e.complaint_count)
    .execute(conn)
    .await?;
    Ok(())
}

/// An inspector of the demo registry.
pub struct SeedInspector {
    pub name: String,
    pub department_id: &'static str,
    pub certificate_no: String,
    pub valid_from: String,
    pub valid_to: String,
    pub active: bool,
}

/// Inserts one inspector.
pub async fn insert_inspector(conn: &mut AnyConnection, i: &SeedInspector) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO inspectors (name, department_id, certificate_no, valid_from, valid_to, active) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&i.name)
    .bind(i.department_id)
    .bind(&i.certificate_no)
    .bind(&i.valid_from)
    .bind(&i.valid_to)
    .bind(i64::from(i.active))
    .execute(conn)
    .await?;
    Ok(())
}

/// Declares a conflict of the inspector and enterprise with these ids (note: 演示数据).
pub async fn insert_conflict(
    conn: &mut AnyConnection,
    inspector_id: i64,
    enterprise_id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO conflicts (inspector_id, enterprise_id, reason, note) VALUES ($1, $2, $3, '演示数据')",
    )
    .bind(inspector_id)
    .bind(enterprise_id)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts an inspection item.
pub async fn insert_item(
    conn: &mut AnyConnection,
    name: &str,
    content: &str,
    legal_basis: &str,
    department_id: &str,
    frequency: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO inspection_items (name, content, legal_basis, department_id, frequency) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(name)
    .bind(content)
    .bind(legal_basis)
    .bind(department_id)
    .bind(frequency)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts an annual plan; returns its id.
pub async fn insert_plan(
    conn: &mut AnyConnection,
    year: i64,
    title: &str,
    remarks: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO annual_plans (year, title, remarks) VALUES ($1, $2, $3) RETURNING id")
        .bind(year)
        .bind(title)
        .bind(remarks)
        .fetch_one(conn)
        .await
}

/// A targeted task at 2 %, as the founding document's plan table has them.
pub struct SeedTask<'a> {
    pub plan_id: i64,
    pub plan_no: &'a str,
    pub plan_name: &'a str,
    pub task_no: &'a str,
    pub task_name: &'a str,
    pub scope_text: &'a str,
    pub category: &'a str,
    pub filed_before: &'a str,
    pub initiating: &'a str,
    /// 联合部门, in order.
    pub joint: &'a [&'a str],
    /// A task source code (`plan`, `special`, `assigned`).
    pub source: &'a str,
    /// (year, first month, last month).
    pub window: (i64, i64, i64),
    /// A task status code.
    pub status: &'a str,
    pub position: i64,
    /// Inspection item ids, in order.
    pub items: &'a [i64],
}

/// Inserts a task and its items; returns its id.
pub async fn insert_task(conn: &mut AnyConnection, t: &SeedTask<'_>) -> Result<i64, sqlx::Error> {
    let task_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, \
         scope_text, scope_category, scope_filed_before, initiating_department_id, source, \
         window_year, window_start_month, window_end_month, status, position) \
         VALUES ($1, $2, $3, $4, $5, 'targeted', 200, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(t.plan_id)
    .bind(t.plan_no)
    .bind(t.plan_name)
    .bind(t.task_no)
    .bind(t.task_name)
    .bind(t.scope_text)
    .bind(t.category)
    .bind(t.filed_before)
    .bind(t.initiating)
    .bind(t.source)
    .bind(t.window.0)
    .bind(t.window.1)
    .bind(t.window.2)
    .bind(t.status)
    .bind(t.position)
    .fetch_one(&mut *conn)
    .await?;
    for (i, item) in t.items.iter().enumerate() {
        sqlx::query("INSERT INTO task_items (task_id, item_id, position) VALUES ($1, $2, $3)")
            .bind(task_id)
            .bind(item)
            .bind(i as i64)
            .execute(&mut *conn)
            .await?;
    }
    for (i, dept) in t.joint.iter().enumerate() {
        sqlx::query(
            "INSERT INTO task_joint_departments (task_id, department_id, position) VALUES ($1, $2, $3)",
        )
        .bind(task_id)
        .bind(dept)
        .bind(i as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(task_id)
}

/// A consented 计划调整 of the past: task `task_id`'s window moved `from` → `to`
/// ((year, first month, last month) each), asked for and consented at the given times.
pub async fn insert_consented_plan_change(
    conn: &mut AnyConnection,
    task_id: i64,
    (from, to): ((i64, i64, i64), (i64, i64, i64)),
    reason: &str,
    (requested_by, requested_at): (&str, &str),
    (decided_by, decided_at): (&str, &str),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO plan_changes (task_id, from_year, from_start_month, from_end_month, to_year, to_start_month, \
         to_end_month, reason, requested_by, requested_at, status, decided_by, decided_at, decision_comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'consented', $11, $12, '同意')",
    )
    .bind(task_id)
    .bind(from.0)
    .bind(from.1)
    .bind(from.2)
    .bind(to.0)
    .bind(to.1)
    .bind(to.2)
    .bind(reason)
    .bind(requested_by)
    .bind(requested_at)
    .bind(decided_by)
    .bind(decided_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Creates an account with a password hash already made.
pub async fn insert_account(
    conn: &mut AnyConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: &str,
    department_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, department_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(role)
    .bind(department_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A step a demo task went through, dated as given.
pub async fn insert_event(
    conn: &mut AnyConnection,
    task_id: i64,
    (from, to): (TaskStatus, TaskStatus),
    (actor, role): (&str, Role),
    comment: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO task_events (task_id, from_status, to_status, actor, role, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(task_id)
    .bind(from.code())
    .bind(to.code())
    .bind(actor)
    .bind(role.code())
    .bind(comment)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes account `username` sign in as the first inspector of the first team of draw
/// `draw_id`, in that inspector's department and under their name.
pub async fn link_account_to_first_inspector(
    conn: &mut AnyConnection,
    username: &str,
    draw_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET inspector_id = (SELECT m.inspector_id FROM draw_team_members m \
         WHERE m.draw_id = $1 AND m.position = 0 ORDER BY m.seq LIMIT 1), \
         department_id = (SELECT i.department_id FROM draw_team_members m JOIN inspectors i ON i.id = m.inspector_id \
         WHERE m.draw_id = $2 AND m.position = 0 ORDER BY m.seq LIMIT 1), \
         display_name = (SELECT replace(i.name, '（演示）', '') || '（演示执法人员）' FROM draw_team_members m \
         JOIN inspectors i ON i.id = m.inspector_id WHERE m.draw_id = $3 AND m.position = 0 ORDER BY m.seq LIMIT 1) \
         WHERE username = $4",
    )
    .bind(draw_id)
    .bind(draw_id)
    .bind(draw_id)
    .bind(username)
    .execute(conn)
    .await?;
    Ok(())
}

/// Dates a past draw as it happened: when frozen and drawn, where, and its task's events.
pub async fn backdate_draw(
    conn: &mut AnyConnection,
    draw_id: i64,
    task_id: i64,
    frozen_at: &str,
    drawn_at: &str,
    place: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE draws SET frozen_at = $1, drawn_at = $2, place = $3 WHERE id = $4")
        .bind(frozen_at)
        .bind(drawn_at)
        .bind(place)
        .bind(draw_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE task_events SET at = CASE to_status WHEN 'frozen' THEN $1 ELSE $2 END \
         WHERE task_id = $3 AND to_status IN ('frozen', 'drawn')",
    )
    .bind(frozen_at)
    .bind(drawn_at)
    .bind(task_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The selected enterprises of a draw with their teams: (position, enterprise id,
/// inspector ids in order).
pub async fn selections_with_teams(
    conn: &mut AnyConnection,
    draw_id: i64,
) -> Result<Vec<(i64, i64, Vec<i64>)>, sqlx::Error> {
    let selected: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT position, enterprise_id FROM draw_selections WHERE draw_id = $1 ORDER BY position",
    )
    .bind(draw_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(selected.len());
    for (position, enterprise_id) in selected {
        let team: Vec<i64> = sqlx::query_scalar(
            "SELECT inspector_id FROM draw_team_members WHERE draw_id = $1 AND position = $2 ORDER BY seq",
        )
        .bind(draw_id)
        .bind(position)
        .fetch_all(&mut *conn)
        .await?;
        out.push((position, enterprise_id, team));
    }
    Ok(out)
}

/// A finished inspection of the demo's past, entered, passed and published on the dates
/// given (`entered` doubles as `updated_at`).
pub struct PastResult<'a> {
    pub draw_id: i64,
    pub enterprise_id: i64,
    pub inspected_on: &'a str,
    /// JSON arrays.
    pub attended: &'a str,
    pub categories: &'a str,
    pub handling: &'a str,
    pub problems: &'a str,
    pub referral_department: &'a str,
    pub entered_at: &'a str,
    pub reviewed_at: &'a str,
    pub published_at: &'a str,
}

/// Inserts a finished follow-up of a past result (recorded by chuzhang).
pub async fn insert_past_follow_up(
    conn: &mut AnyConnection,
    draw_id: i64,
    enterprise_id: i64,
    kind: &str,
    f: &crate::domain::follow_up::FollowUpFields,
    finished_on: &str,
    opened_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO follow_ups (result_id, kind, status, deadline, recheck_on, outcome, referred_to, referred_on, \
         receipt, finished_on, created_at, updated_at, updated_by) \
         SELECT id, $1, 'done', $2, $3, $4, $5, $6, $7, $8, $9, $10, 'chuzhang' FROM inspection_results \
         WHERE draw_id = $11 AND enterprise_id = $12",
    )
    .bind(kind)
    .bind(&f.deadline)
    .bind(&f.recheck_on)
    .bind(&f.outcome)
    .bind(&f.referred_to)
    .bind(&f.referred_on)
    .bind(&f.receipt)
    .bind(finished_on)
    .bind(opened_at)
    .bind(format!("{finished_on}T02:00:00Z"))
    .bind(draw_id)
    .bind(enterprise_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a past result (entered by jingban, passed by chuzhang).
pub async fn insert_past_result(conn: &mut AnyConnection, r: &PastResult<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, \
         problems, handling, referral_department, entered_by, entered_at, updated_at, review_status, \
         review_comment, reviewed_by, reviewed_at, published_at) \
         VALUES ($1, $2, $3, '实地核查', $4, $5, $6, $7, $8, 'jingban', $9, $10, 'passed', '', 'chuzhang', $11, $12)",
    )
    .bind(r.draw_id)
    .bind(r.enterprise_id)
    .bind(r.inspected_on)
    .bind(r.attended)
    .bind(r.categories)
    .bind(r.problems)
    .bind(r.handling)
    .bind(r.referral_department)
    .bind(r.entered_at)
    .bind(r.entered_at)
    .bind(r.reviewed_at)
    .bind(r.published_at)
    .execute(&mut *conn)
    .await?;
    // The one verdict is each of the task's items' (as a result entered without verdicts).
    sqlx::query(
        "INSERT INTO result_items (result_id, item_id, categories, problems) \
         SELECT r.id, ti.item_id, r.categories, r.problems FROM inspection_results r \
         JOIN draws d ON d.id = r.draw_id JOIN task_items ti ON ti.task_id = d.task_id \
         WHERE r.draw_id = $1 AND r.enterprise_id = $2",
    )
    .bind(r.draw_id)
    .bind(r.enterprise_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets a task's status without a workflow step (the steps are inserted dated, beside).
pub async fn set_task_status(
    conn: &mut AnyConnection,
    task_id: i64,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tasks SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(task_id)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// A bigger page cache for a bulk insert on SQLite (64 MB; the default is 2 MB).
pub async fn bulk_cache(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if !super::Backend::of(conn).is_postgres() {
        sqlx::query("PRAGMA cache_size = -65536").execute(conn).await?;
    }
    Ok(())
}

/// How many regions the database knows (none: the reference data is still to be written).
pub async fn regions(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM regions").fetch_one(conn).await
}

/// The credit code of an enterprise halfway through the registry (a bench's sample).
pub async fn middle_credit_code(conn: &mut AnyConnection) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT credit_code FROM enterprises WHERE id = (SELECT max(id) / 2 FROM enterprises)")
        .fetch_optional(conn)
        .await
}

/// How many enterprises the registry holds.
pub async fn enterprises(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM enterprises").fetch_one(conn).await
}

/// Fresh statistics after a bulk insert, so SQLite knows which filter index narrows a
/// million rows most.
pub async fn analyze(db: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    let mut conn = db.acquire().await?;
    if !super::Backend::of(&conn).is_postgres() {
        sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
    }
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

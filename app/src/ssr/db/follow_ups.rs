//! 后续处置: a follow-up for each handling of a published result, opened when the result is
//! published, recorded and finished by the office that ran the task.

use crate::domain::access::{follow_ups_reach, reaches_task, Reach};
use crate::domain::auth::{Role, SessionUser};
use crate::domain::date::{beijing_date, Date};
use crate::domain::follow_up::{FollowUp, FollowUpFields, FollowUpUpdate, PublicFollowUp};
use crate::error::AppError;
use crate::ssr::clock::{now_utc, today};
use crate::ssr::db::audit::{self, Change};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// Opens a follow-up for each of a result's handlings (inside the publishing transaction);
/// a 移送 starts with the department the result named.
pub(crate) async fn open_in(
    conn: &mut AnyConnection,
    result_id: i64,
    handling: &[String],
    referral_department: &str,
    actor: &str,
) -> Result<(), AppError> {
    let now = now_utc();
    for kind in handling {
        let referred_to = if kind == crate::domain::result::REFERRAL { referral_department } else { "" };
        sqlx::query(
            "INSERT INTO follow_ups (result_id, kind, referred_to, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (result_id, kind) DO NOTHING",
        )
        .bind(result_id)
        .bind(kind)
        .bind(referred_to)
        .bind(&now)
        .bind(actor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    task_id: i64,
    task_name: String,
    department: String,
    code: String,
    name: String,
    kind: String,
    status: String,
    deadline: String,
    recheck_on: String,
    outcome: String,
    case_no: String,
    decision_no: String,
    decided_on: String,
    penalty: String,
    referred_to: String,
    referred_on: String,
    receipt: String,
    note: String,
    finished_on: Option<String>,
    created_at: String,
}

impl Row {
    fn fields(&self) -> FollowUpFields {
        FollowUpFields {
            deadline: self.deadline.clone(),
            recheck_on: self.recheck_on.clone(),
            outcome: self.outcome.clone(),
            case_no: self.case_no.clone(),
            decision_no: self.decision_no.clone(),
            decided_on: self.decided_on.clone(),
            penalty: self.penalty.clone(),
            referred_to: self.referred_to.clone(),
            referred_on: self.referred_on.clone(),
            receipt: self.receipt.clone(),
            note: self.note.clone(),
        }
    }
}

const SELECT: &str = "SELECT f.id, t.id AS task_id, t.task_name, t.initiating_department_id AS department, \
     s.code, e.name, f.kind, f.status, f.deadline, f.recheck_on, f.outcome, f.case_no, f.decision_no, \
     f.decided_on, f.penalty, f.referred_to, f.referred_on, f.receipt, f.note, f.finished_on, f.created_at \
     FROM follow_ups f JOIN inspection_results r ON r.id = f.result_id JOIN draws d ON d.id = r.draw_id \
     JOIN tasks t ON t.id = d.task_id JOIN draw_selections s ON s.draw_id = r.draw_id \
     AND s.enterprise_id = r.enterprise_id JOIN enterprises e ON e.id = r.enterprise_id";

/// The clerk or office head of the department that ran the task.
fn may_edit(user: &SessionUser, department: &str) -> bool {
    matches!(user.role, Role::Clerk | Role::OfficeHead) && user.serves(department)
}

/// The follow-ups `user` may read, the open ones first (oldest first), then the finished.
pub async fn list(db: &AnyPool, user: &SessionUser) -> Result<Vec<FollowUp>, AppError> {
    let reach = follow_ups_reach(user.role);
    if reach == Reach::Nothing {
        return Err(AppError::Forbidden("后续处置由任务发起部门的经办人和处室负责人办理".into()));
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} ORDER BY CASE f.status WHEN 'open' THEN 0 ELSE 1 END, f.created_at, f.id"
    ))
    .fetch_all(db)
    .await?;
    let today = Date::parse(&today());
    Ok(rows
        .into_iter()
        .filter(|r| reaches_task(user, reach, &[r.department.as_str()]))
        .map(|r| {
            let opened_on = beijing_date(&r.created_at);
            let done = r.status == "done";
            let until = r.finished_on.as_deref().and_then(Date::parse).or(today);
            let age_days = match (Date::parse(&opened_on), until) {
                (Some(a), Some(b)) => (b.day_number() - a.day_number()).max(0),
                _ => 0,
            };
            FollowUp {
                id: r.id,
                task_id: r.task_id,
                fields: r.fields(),
                can_edit: !done && may_edit(user, &r.department),
                task_name: r.task_name,
                code: r.code,
                name: r.name,
                kind: r.kind,
                done,
                finished_on: r.finished_on,
                opened_on,
                age_days,
            }
        })
        .collect())
}

/// Records a follow-up's progress, or finishes it (all or nothing, with its audit entry).
pub async fn update(db: &AnyPool, u: &FollowUpUpdate, user: &SessionUser) -> Result<(), AppError> {
    let refusal = "后续处置由任务发起部门的经办人或处室负责人记录";
    AppError::unless_role(user.role, crate::domain::endpoints::department_office, refusal)?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE f.id = $1")).bind(u.id).fetch_optional(&mut *tx).await?;
    let row = row.ok_or_else(|| AppError::NotFound(format!("没有第 {} 号后续处置", u.id)))?;
    if !may_edit(user, &row.department) {
        return Err(AppError::Forbidden("后续处置由任务发起部门的经办人或处室负责人记录".into()));
    }
    if row.status == "done" {
        return Err(AppError::Conflict(format!("{}的“{}”已完结，不能再修改", row.name, row.kind)));
    }
    let today = today();
    let errors = u.fields.validate(&row.kind, u.finish, &today);
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let f = &u.fields;
    sqlx::query(
        "UPDATE follow_ups SET deadline = $1, recheck_on = $2, outcome = $3, case_no = $4, decision_no = $5, \
         decided_on = $6, penalty = $7, referred_to = $8, referred_on = $9, receipt = $10, note = $11, \
         status = $12, finished_on = $13, updated_at = $14, updated_by = $15 WHERE id = $16",
    )
    .bind(f.deadline.trim())
    .bind(f.recheck_on.trim())
    .bind(f.outcome.trim())
    .bind(f.case_no.trim())
    .bind(f.decision_no.trim())
    .bind(f.decided_on.trim())
    .bind(f.penalty.trim())
    .bind(f.referred_to.trim())
    .bind(f.referred_on.trim())
    .bind(f.receipt.trim())
    .bind(f.note.trim())
    .bind(if u.finish { "done" } else { "open" })
    .bind(u.finish.then_some(today.as_str()))
    .bind(now_utc())
    .bind(&user.username)
    .bind(u.id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: if u.finish { "follow_up.finish" } else { "follow_up.update" },
            entity_type: "follow_up",
            entity_id: &format!("{}:{}:{}", row.task_id, row.code, row.kind),
            before: Some(serde_json::to_value(row.fields()).map_err(AppError::internal)?),
            after: Some(serde_json::to_value(f).map_err(AppError::internal)?),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The item verdicts of every published result, by result id, in each task's item order.
pub async fn public_verdicts(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, Vec<crate::domain::result::PublicVerdict>>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT ri.result_id, i.name, ri.categories, ri.problems FROM result_items ri \
         JOIN inspection_items i ON i.id = ri.item_id JOIN inspection_results r ON r.id = ri.result_id \
         JOIN draws d ON d.id = r.draw_id LEFT JOIN task_items ti ON ti.task_id = d.task_id AND ti.item_id = ri.item_id \
         WHERE r.published_at IS NOT NULL ORDER BY ri.result_id, ti.position, i.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<crate::domain::result::PublicVerdict>> = HashMap::new();
    for (result_id, item, categories, problems) in rows {
        out.entry(result_id).or_default().push(crate::domain::result::PublicVerdict {
            item,
            categories: serde_json::from_str(&categories).unwrap_or_default(),
            problems,
        });
    }
    Ok(out)
}

/// The follow-ups of every published result, by result id, as the public reads them.
pub async fn public_by_result(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, Vec<PublicFollowUp>>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct P {
        result_id: i64,
        kind: String,
        status: String,
        finished_on: Option<String>,
        recheck_on: String,
        outcome: String,
        decision_no: String,
        penalty: String,
        referred_to: String,
        referred_on: String,
    }
    let rows: Vec<P> = sqlx::query_as(
        "SELECT f.result_id, f.kind, f.status, f.finished_on, f.recheck_on, f.outcome, f.decision_no, \
         f.penalty, f.referred_to, f.referred_on FROM follow_ups f JOIN inspection_results r \
         ON r.id = f.result_id WHERE r.published_at IS NOT NULL ORDER BY f.result_id, f.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<PublicFollowUp>> = HashMap::new();
    for p in rows {
        let done = p.status == "done";
        let fields = FollowUpFields {
            recheck_on: p.recheck_on,
            outcome: p.outcome,
            decision_no: p.decision_no,
            penalty: p.penalty,
            referred_to: p.referred_to,
            referred_on: p.referred_on,
            ..Default::default()
        };
        out.entry(p.result_id).or_default().push(PublicFollowUp {
            outcome: if done { fields.outcome_in_words(&p.kind) } else { String::new() },
            kind: p.kind,
            done,
            finished_on: p.finished_on.filter(|_| done),
        });
    }
    Ok(out)
}

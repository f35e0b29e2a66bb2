//! 抽查结果: entering a result for each selected enterprise, and the office head's review.

use super::result_items::{
    forget_answers, store_verdicts, task_items, task_verdicts, verdicts_of, with_verdicts,
};
use super::workflow::set_status;
use super::workflow::task_state;
use crate::domain::access::{reaches_task, results_reach, Reach};
use crate::domain::auth::{Role, SessionUser};
use crate::domain::result::{
    EnteredResult, ResultDraft, ResultRow, ResultVersion, ReviewStatus, TaskResults,
};
use crate::domain::workday::WorkCalendar;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::clock::{now_utc, today};
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::calendar::result_deadline;
use sqlx::{AnyConnection, AnyPool};

#[derive(sqlx::FromRow)]
pub(super) struct Stored {
    pub(super) id: i64,
    version: i64,
    corrected_at: Option<String>,
    correction_reason: String,
    code: String,
    inspected_on: String,
    method: String,
    attended: String,
    categories: String,
    problems: String,
    handling: String,
    referral_department: String,
    entered_by: String,
    entered_at: String,
    review_status: String,
    review_comment: String,
    reviewed_by: Option<String>,
    published_at: Option<String>,
}

impl Stored {
    pub(super) fn into_result(self, task_id: i64, cal: &WorkCalendar) -> EnteredResult {
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
        let due = result_deadline(cal, &self.inspected_on);
        EnteredResult {
            draft: ResultDraft {
                task_id,
                code: self.code,
                inspected_on: self.inspected_on,
                method: self.method,
                attended: serde_json::from_str(&self.attended).unwrap_or_default(),
                categories: list(&self.categories),
                problems: self.problems,
                handling: list(&self.handling),
                referral_department: self.referral_department,
                verdicts: Vec::new(),
            },
            entered_by: self.entered_by,
            entered_at: self.entered_at,
            review: ReviewStatus::parse(&self.review_status).unwrap_or(ReviewStatus::Pending),
            review_comment: self.review_comment,
            reviewed_by: self.reviewed_by,
            published_at: self.published_at,
            due,
            version: self.version,
            corrected_at: self.corrected_at,
            correction_reason: self.correction_reason,
            history: Vec::new(),
        }
    }
}

const STORED_COLUMNS: &str = "r.id, r.version, r.corrected_at, r.correction_reason, s.code, r.inspected_on, r.method, r.attended, r.categories, r.problems, r.handling, \
    r.referral_department, r.entered_by, r.entered_at, r.review_status, r.review_comment, r.reviewed_by, r.published_at";

/// A drawn task's selected enterprises, teams and results, with what `user` may do.
pub async fn task_results(db: &AnyPool, task_id: i64, user: &SessionUser) -> Result<TaskResults, AppError> {
    let mut conn = db.acquire().await?;
    let (status, dept) = task_state(&mut conn, task_id).await?;
    // Who reads what (domain::access): a department's staff only their department's tasks,
    // decided before anything about the task's state is told.
    let joint = super::tasks::joint_departments(&mut conn, task_id).await?;
    let departments: Vec<&str> =
        std::iter::once(dept.as_str()).chain(joint.iter().map(String::as_str)).collect();
    let reach = results_reach(user.role);
    if reach != Reach::Own && !reaches_task(user, reach, &departments) {
        return Err(AppError::Forbidden(OTHER_DEPARTMENT.into()));
    }
    let head: Option<(String, Option<String>, i32, i64)> = sqlx::query_as(
        "SELECT t.task_name, d.drawn_at, t.window_year, t.window_end_month FROM tasks t \
         LEFT JOIN draws d ON d.task_id = t.id AND d.abandoned_at IS NULL WHERE t.id = $1",
    )
    .bind(task_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (task_name, drawn_at, _, _) =
        head.ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))?;
    // The 20 working days count from the window the task kept to (a consented change's).
    let window = super::plan_changes::effective_window(&mut conn, task_id).await?;
    let Some(drawn_at) = drawn_at else {
        return Err(AppError::Conflict("该任务尚未抽取，没有检查对象".into()));
    };
    let selections: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.position, s.code, e.name FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         JOIN enterprises e ON e.id = s.enterprise_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL ORDER BY s.position",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let members: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT m.position, i.id, i.name, dp.short_name FROM draw_team_members m JOIN draws d ON d.id = m.draw_id \
         JOIN inspectors i ON i.id = m.inspector_id JOIN departments dp ON dp.id = i.department_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL ORDER BY m.position, m.seq",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let stored: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {STORED_COLUMNS} FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
         JOIN draw_selections s ON s.draw_id = r.draw_id AND s.enterprise_id = r.enterprise_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL"
    ))
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let cal = super::calendar::calendar(&mut *conn).await?;
    let mut history = versions(&mut conn, task_id).await?;
    let mut verdicts = task_verdicts(&mut conn, task_id).await?;
    let mut stored: std::collections::HashMap<String, EnteredResult> = stored
        .into_iter()
        .map(|s| {
            let id = s.id;
            let mut r = s.into_result(task_id, &cal);
            r.history = history.remove(&id).unwrap_or_default();
            r.draft.verdicts = verdicts.remove(&id).unwrap_or_default();
            (r.draft.code.clone(), r)
        })
        .collect();
    let rows: Vec<ResultRow> = selections
        .into_iter()
        .map(|(position, code, name)| {
            let team: Vec<(i64, String, String)> = members
                .iter()
                .filter(|m| m.0 == position)
                .map(|(_, id, n, d)| (*id, n.clone(), d.clone()))
                .collect();
            let result = stored.remove(&code);
            let can_enter = status == TaskStatus::Inspecting
                && result.as_ref().is_none_or(|r| r.review != ReviewStatus::Passed)
                && may_enter(user, &dept, &team);
            let open = matches!(status, TaskStatus::Drawn | TaskStatus::Inspecting) && result.is_none();
            let may_recuse = team
                .iter()
                .filter(|m| match user.role {
                    Role::Clerk => open && user.serves(&dept),
                    Role::Inspector => open && user.inspector_id == Some(m.0),
                    _ => false,
                })
                .map(|(id, n, _)| (*id, n.clone()))
                .collect();
            ResultRow { position, code, name, team, result, can_enter, may_recuse }
        })
        .collect();
    // An inspector reads only the enterprises they were sent to (and the recusals there).
    let mut recusals = super::recusals::list(db, task_id).await?;
    let items = task_items(&mut conn, task_id).await?;
    let rows: Vec<ResultRow> = match reach {
        Reach::Own => {
            let mine: Vec<ResultRow> = rows
                .into_iter()
                .filter(|r: &ResultRow| r.team.iter().any(|m| Some(m.0) == user.inspector_id))
                .collect();
            if mine.is_empty() {
                return Err(AppError::Forbidden("您不在该任务的检查组中，不能查看其检查结果".into()));
            }
            let codes: std::collections::HashSet<&str> = mine.iter().map(|r| r.code.as_str()).collect();
            recusals.retain(|r| codes.contains(r.code.as_str()));
            mine
        }
        _ => rows,
    };
    Ok(TaskResults {
        task_id,
        task_name,
        status,
        drawn_on: drawn_at[..10].to_string(),
        rows,
        // Each enterprise's result is reviewed and published on its own, while the others
        // are still being inspected.
        can_review: matches!(status, TaskStatus::Inspecting | TaskStatus::ResultsEntered)
            && user.role == Role::OfficeHead
            && user.serves(&dept),
        can_correct: user.role == Role::OfficeHead && user.serves(&dept),
        can_approve_recusals: matches!(status, TaskStatus::Drawn | TaskStatus::Inspecting)
            && user.role == Role::OfficeHead
            && user.serves(&dept),
        recusals,
        deadline: super::calendar::deadline(&cal, window.year, window.end_month),
        items,
    })
}

/// Why a department's staff may not read another department's results.
const OTHER_DEPARTMENT: &str = "只能查看本部门发起或参与的任务的检查结果";

/// The earlier versions of a task's corrected results, by result id, oldest first.
async fn versions(
    conn: &mut AnyConnection,
    task_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<ResultVersion>>, AppError> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT v.result_id, v.version, v.content, v.replaced_at, v.replaced_by, v.reason FROM result_versions v \
         JOIN inspection_results r ON r.id = v.result_id JOIN draws d ON d.id = r.draw_id \
         WHERE d.task_id = $1 ORDER BY v.result_id, v.version",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: std::collections::HashMap<i64, Vec<ResultVersion>> = Default::default();
    for (result_id, version, content, replaced_at, replaced_by, reason) in rows {
        let content: serde_json::Value = serde_json::from_str(&content).map_err(AppError::internal)?;
        let draft: ResultDraft =
            serde_json::from_value(content["draft"].clone()).map_err(AppError::internal)?;
        out.entry(result_id).or_default().push(ResultVersion {
            version,
            draft,
            published_at: content["published_at"].as_str().map(str::to_owned),
            replaced_at,
            replaced_by,
            reason,
        });
    }
    Ok(out)
}

/// 更正: the office head corrects a published result with a reason, as a new version; the
/// one it replaces is kept whole (result_versions, and the audit entry's before).
pub async fn correct(
    db: &AnyPool,
    d: &ResultDraft,
    reason: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    let reason = reason.trim();
    let refusal = "已公示的结果只能由发起部门的处室负责人更正";
    AppError::unless_role(user.role, crate::domain::endpoints::office_head, refusal)?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let (_, dept) = task_state(&mut tx, d.task_id).await?;
    if user.role != Role::OfficeHead || !user.serves(&dept) {
        return Err(AppError::Forbidden("已公示的结果只能由发起部门的处室负责人更正".into()));
    }
    let reason = AppError::reason(reason, "更正须写明理由", "更正理由不超过 500 字")?;
    let (draw_id, position, enterprise_id) = selection(&mut tx, d.task_id, &d.code).await?;
    let before = stored_result(&mut tx, draw_id, enterprise_id).await?;
    let Some(before) = before.filter(|b| b.published_at.is_some()) else {
        return Err(AppError::Conflict(format!(
            "企业 {} 的结果尚未公示：未公示的结果直接修改，无须更正",
            d.code
        )));
    };
    let team: Vec<i64> = sqlx::query_scalar(
        "SELECT inspector_id FROM draw_team_members WHERE draw_id = $1 AND position = $2 ORDER BY seq",
    )
    .bind(draw_id)
    .bind(position)
    .fetch_all(&mut *tx)
    .await?;
    let d = &with_verdicts(&mut tx, d).await?;
    check_draft(&mut tx, d, draw_id, &team).await?;
    let cal = super::calendar::calendar(&mut *tx).await?;
    let (result_id, version) = (before.id, before.version);
    let mut old = before.into_result(d.task_id, &cal);
    old.draft.verdicts = verdicts_of(&mut tx, result_id).await?;
    let now = now_utc();
    let content = serde_json::json!({
        "draft": old.draft, "published_at": old.published_at, "entered_by": old.entered_by,
        "reviewed_by": old.reviewed_by, "corrected_at": old.corrected_at, "correction_reason": old.correction_reason,
    });
    sqlx::query(
        "INSERT INTO result_versions (result_id, version, content, replaced_at, replaced_by, reason) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(result_id)
    .bind(version)
    .bind(content.to_string())
    .bind(&now)
    .bind(&user.username)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
    sqlx::query(
        "UPDATE inspection_results SET inspected_on = $1, method = $2, attended = $3, categories = $4, \
         problems = $5, handling = $6, referral_department = $7, updated_at = $8, version = $9, \
         corrected_at = $8, correction_reason = $10 WHERE id = $11",
    )
    .bind(&d.inspected_on)
    .bind(&d.method)
    .bind(serde_json::to_string(&d.attended).expect("ids serialise"))
    .bind(json(&d.categories))
    .bind(d.problems.trim())
    .bind(json(&d.handling))
    .bind(d.referral_department.trim())
    .bind(&now)
    .bind(version + 1)
    .bind(reason)
    .bind(result_id)
    .execute(&mut *tx)
    .await?;
    store_verdicts(&mut tx, result_id, &d.verdicts).await?;
    forget_answers(&mut tx, result_id).await?;
    // A handling the correction adds is followed up too; one it drops stays on record.
    super::follow_ups::open_in(&mut tx, result_id, &d.handling, d.referral_department.trim(), &user.username)
        .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "result.correct",
            entity_type: "result",
            entity_id: &format!("{}:{}", d.task_id, d.code),
            before: Some(serde_json::to_value(&old.draft).map_err(AppError::internal)?),
            after: Some(serde_json::json!({ "draft": d, "reason": reason, "version": version + 1 })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 经办人 of the initiating department for any enterprise; 执法人员 for their own team's.
fn may_enter(user: &SessionUser, dept: &str, team: &[(i64, String, String)]) -> bool {
    match user.role {
        Role::Clerk => user.serves(dept),
        Role::Inspector => user.inspector_id.is_some_and(|me| team.iter().any(|m| m.0 == me)),
        _ => false,
    }
}

/// The draw, position and enterprise of a selected code in a task.
pub(super) async fn selection(
    conn: &mut AnyConnection,
    task_id: i64,
    code: &str,
) -> Result<(i64, i64, i64), AppError> {
    sqlx::query_as(
        "SELECT s.draw_id, s.position, s.enterprise_id FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND s.code = $2",
    )
    .bind(task_id)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("企业 {code} 不是该任务抽中的检查对象")))
}

/// The stored result of a selected enterprise, if one was entered.
pub(super) async fn stored_result(
    conn: &mut AnyConnection,
    draw_id: i64,
    enterprise_id: i64,
) -> Result<Option<Stored>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STORED_COLUMNS} FROM inspection_results r JOIN draw_selections s \
         ON s.draw_id = r.draw_id AND s.enterprise_id = r.enterprise_id WHERE r.draw_id = $1 AND r.enterprise_id = $2"
    ))
    .bind(draw_id)
    .bind(enterprise_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The result form's rules for a draft of draw `draw_id` whose team is `allowed`: dated
/// between the draw and today.
async fn check_draft(
    conn: &mut AnyConnection,
    d: &ResultDraft,
    draw_id: i64,
    allowed: &[i64],
) -> Result<(), AppError> {
    let drawn_at: String = sqlx::query_scalar("SELECT drawn_at FROM draws WHERE id = $1")
        .bind(draw_id)
        .fetch_one(&mut *conn)
        .await?;
    let errors = d.validate(allowed, &drawn_at[..10], &today());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::from_fields(&errors))
    }
}

/// Enters or corrects one result (all or nothing, with its audit entry).
pub async fn save(db: &AnyPool, d: &ResultDraft, user: &SessionUser) -> Result<(), AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    save_in(&mut tx, d, user).await?;
    tx.commit().await?;
    Ok(())
}

/// Enters or corrects one result inside the caller's transaction (the form and the
/// results import take this one path, and so the same rules).
pub(super) async fn save_in(
    tx: &mut AnyConnection,
    d: &ResultDraft,
    user: &SessionUser,
) -> Result<(), AppError> {
    save_noted(tx, d, user, None).await.map(|_| ())
}

/// Refuses `user` unless they may enter the result of enterprise `code` of task
/// `task_id` (the department's 经办人, the enterprise's team): the on-site form asks before
/// it reads the files sent with it.
pub async fn may_enter_result(
    db: &AnyPool,
    task_id: i64,
    code: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    enterer(&mut *db.acquire().await?, task_id, code, user).await.map(|_| ())
}

/// Where a result is entered, once its enterer is known to be allowed.
struct Enterer {
    status: TaskStatus,
    draw_id: i64,
    enterprise_id: i64,
    /// The enterprise's team: (inspector id, '', '').
    team: Vec<(i64, String, String)>,
}

/// The role first (before anything is looked up), then the task's department or the
/// enterprise's team.
async fn enterer(
    conn: &mut AnyConnection,
    task_id: i64,
    code: &str,
    user: &SessionUser,
) -> Result<Enterer, AppError> {
    let refusal = "检查结果由经办人或检查组执法人员录入";
    AppError::unless_role(user.role, crate::domain::endpoints::result_enterers, refusal)?;
    let (status, dept) = task_state(&mut *conn, task_id).await?;
    if user.role == Role::Clerk && !user.serves(&dept) {
        return Err(AppError::Forbidden("只能为本部门发起的任务录入结果".into()));
    }
    let (draw_id, position, enterprise_id) = selection(&mut *conn, task_id, code).await?;
    let team: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT inspector_id, '', '' FROM draw_team_members WHERE draw_id = $1 AND position = $2 ORDER BY seq",
    )
    .bind(draw_id)
    .bind(position)
    .fetch_all(&mut *conn)
    .await?;
    if !may_enter(user, &dept, &team) {
        return Err(AppError::Forbidden(match user.role {
            Role::Inspector => "只能为本人所在检查组的企业录入结果".into(),
            _ => "只能为本部门发起的任务录入结果".into(),
        }));
    }
    Ok(Enterer { status, draw_id, enterprise_id, team })
}

/// [`save_in`] with what else the audit entry records beside the draft (the on-site form's
/// checklist answers and its files' SHA-256); returns the result's id.
pub(super) async fn save_noted(
    tx: &mut AnyConnection,
    d: &ResultDraft,
    user: &SessionUser,
    note: Option<serde_json::Value>,
) -> Result<i64, AppError> {
    let Enterer { status, draw_id, enterprise_id, team } =
        enterer(&mut *tx, d.task_id, &d.code, user).await?;
    if status != TaskStatus::Inspecting {
        return Err(AppError::Conflict(format!("任务当前为“{}”，不能录入检查结果", status.label())));
    }
    let allowed: Vec<i64> = team.iter().map(|m| m.0).collect();
    let d = &with_verdicts(&mut *tx, d).await?;
    check_draft(&mut *tx, d, draw_id, &allowed).await?;
    let before = stored_result(&mut *tx, draw_id, enterprise_id).await?;
    let cal = super::calendar::calendar(&mut *tx).await?;
    let before = match before {
        Some(s) => {
            let id = s.id;
            let mut b = s.into_result(d.task_id, &cal);
            b.draft.verdicts = verdicts_of(&mut *tx, id).await?;
            Some(b)
        }
        None => None,
    };
    if before.as_ref().is_some_and(|b| b.review == ReviewStatus::Passed) {
        return Err(AppError::Conflict(
            "该结果已审核公示，不能再修改：如有错误，由处室负责人写明理由后更正".into(),
        ));
    }
    let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
    let now = now_utc();
    sqlx::query(
        "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, \
         problems, handling, referral_department, entered_by, entered_at, updated_at, review_status, review_comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 'pending', '') \
         ON CONFLICT (draw_id, enterprise_id) DO UPDATE SET inspected_on = $3, method = $4, attended = $5, \
         categories = $6, problems = $7, handling = $8, referral_department = $9, entered_by = $10, \
         updated_at = $11, review_status = 'pending'",
    )
    .bind(draw_id)
    .bind(enterprise_id)
    .bind(&d.inspected_on)
    .bind(&d.method)
    .bind(serde_json::to_string(&d.attended).expect("ids serialise"))
    .bind(json(&d.categories))
    .bind(d.problems.trim())
    .bind(json(&d.handling))
    .bind(d.referral_department.trim())
    .bind(&user.username)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let result_id: i64 =
        sqlx::query_scalar("SELECT id FROM inspection_results WHERE draw_id = $1 AND enterprise_id = $2")
            .bind(draw_id)
            .bind(enterprise_id)
            .fetch_one(&mut *tx)
            .await?;
    store_verdicts(&mut *tx, result_id, &d.verdicts).await?;
    if note.is_none() {
        forget_answers(&mut *tx, result_id).await?;
    }
    let mut after = serde_json::to_value(d).map_err(AppError::internal)?;
    if let (Some(map), Some(serde_json::Value::Object(note))) = (after.as_object_mut(), note) {
        map.extend(note);
    }
    audit::append(
        &mut *tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: if before.is_some() { "result.update" } else { "result.create" },
            entity_type: "result",
            entity_id: &format!("{}:{}", d.task_id, d.code),
            before: before.map(|b| serde_json::to_value(b.draft).expect("plain data")),
            after: Some(after),
        },
    )
    .await?;
    Ok(result_id)
}

/// The office head passes (and so publishes) or returns one enterprise's result, on its
/// own: the others need not be in. Returning a result of a task whose results were all in
/// sends the task back to 检查中 so it can be corrected.
pub async fn review(
    db: &AnyPool,
    task_id: i64,
    code: &str,
    pass: bool,
    comment: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    let comment = comment.trim();
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let (status, dept) = task_state(&mut tx, task_id).await?;
    if user.role != Role::OfficeHead {
        return Err(AppError::Forbidden(format!("审核须由处室负责人办理，当前账号为{}", user.role.label())));
    }
    if !user.serves(&dept) {
        return Err(AppError::Forbidden("只能审核本部门发起的任务".into()));
    }
    if !matches!(status, TaskStatus::Inspecting | TaskStatus::ResultsEntered) {
        return Err(AppError::Conflict(format!("任务当前为“{}”，不在检查或审核阶段", status.label())));
    }
    if comment.chars().count() > 500 {
        return Err(AppError::invalid("comment", "审核意见过长：最多 500 个字符"));
    }
    if !pass && comment.is_empty() {
        return Err(AppError::invalid("comment", "退回须填写理由"));
    }
    let (draw_id, _, enterprise_id) = selection(&mut tx, task_id, code).await?;
    let current: Option<String> = sqlx::query_scalar(
        "SELECT review_status FROM inspection_results WHERE draw_id = $1 AND enterprise_id = $2",
    )
    .bind(draw_id)
    .bind(enterprise_id)
    .fetch_optional(&mut *tx)
    .await?;
    match current.as_deref().and_then(ReviewStatus::parse) {
        None => return Err(AppError::NotFound(format!("企业 {code} 尚无检查结果"))),
        Some(ReviewStatus::Passed) => {
            return Err(AppError::Conflict(format!("企业 {code} 的结果已审核公示")))
        }
        Some(ReviewStatus::Returned) => {
            return Err(AppError::Conflict(format!("企业 {code} 的结果已退回，待重新录入后再审核")))
        }
        Some(ReviewStatus::Pending) => {}
    }
    let to = if pass { ReviewStatus::Passed } else { ReviewStatus::Returned };
    let now = now_utc();
    sqlx::query(
        "UPDATE inspection_results SET review_status = $1, review_comment = $2, reviewed_by = $3, reviewed_role = $4, \
         reviewed_at = $5, published_at = $6 WHERE draw_id = $7 AND enterprise_id = $8",
    )
    .bind(to.code())
    .bind(comment)
    .bind(&user.username)
    .bind(user.role.code())
    .bind(&now)
    .bind(pass.then_some(now.as_str()))
    .bind(draw_id)
    .bind(enterprise_id)
    .execute(&mut *tx)
    .await?;
    super::crash::point("publish:after-update");
    if pass {
        let (result_id, handling, referral): (i64, String, String) = sqlx::query_as(
            "SELECT id, handling, referral_department FROM inspection_results WHERE draw_id = $1 AND enterprise_id = $2",
        )
        .bind(draw_id)
        .bind(enterprise_id)
        .fetch_one(&mut *tx)
        .await?;
        let handling: Vec<String> = serde_json::from_str(&handling).unwrap_or_default();
        super::follow_ups::open_in(&mut tx, result_id, &handling, &referral, &user.username).await?;
    }
    if !pass && status == TaskStatus::ResultsEntered {
        set_status(
            &mut tx,
            task_id,
            TaskStatus::ResultsEntered,
            TaskStatus::Inspecting,
            user.actor(),
            &format!("退回 {code}：{comment}"),
        )
        .await?;
    }
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: if pass { "result.publish" } else { "result.return" },
            entity_type: "result",
            entity_id: &format!("{task_id}:{code}"),
            before: None,
            after: Some(serde_json::json!({ "review": to.code(), "comment": comment })),
        },
    )
    .await?;
    super::crash::point("publish:before-commit");
    tx.commit().await?;
    Ok(())
}

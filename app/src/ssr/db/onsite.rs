//! 现场检查: the check points of a task's items, a result submitted from the phone form
//! with its checklist answers and evidence files (once per idempotency key), and reading
//! those back for the team, the department and 纪检 only.

use crate::domain::access::sees_evidence;
use crate::domain::auth::SessionUser;
use crate::domain::checklist::{verdicts_from_answers, Answer, AnswerKind, CheckPoint};
use crate::domain::result::ResultDraft;
use crate::error::AppError;
use crate::ssr::clock::now_utc;
use sqlx::{AnyConnection, AnyPool};

/// A file accepted for a result: checked by its content, metadata taken out, hashed.
pub struct NewFile {
    pub kind: &'static str,
    pub name: String,
    pub mime: &'static str,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A stored file, without its bytes.
#[derive(Clone, Debug)]
pub struct FileMeta {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// What a submission did.
pub enum Submitted {
    /// The result was saved (created or changed), as result `id`.
    Saved(i64),
    /// This form was submitted before (same idempotency key): nothing new was written.
    Again(i64),
}

/// The check points of a task's items, in the task's item order.
pub async fn task_points(conn: &mut AnyConnection, task_id: i64) -> Result<Vec<CheckPoint>, AppError> {
    let rows: Vec<(i64, i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.item_id, c.text, c.legal_basis, c.answer_kind, c.example FROM check_points c \
         JOIN task_items ti ON ti.item_id = c.item_id WHERE ti.task_id = $1 ORDER BY ti.position, c.item_id, c.position, c.id",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, item_id, text, legal_basis, kind, example)| {
            Some(CheckPoint {
                id,
                item_id,
                text,
                legal_basis,
                kind: AnswerKind::parse(&kind)?,
                example: example != 0,
            })
        })
        .collect())
}

/// The result id of a selected enterprise, if one was entered.
pub async fn result_id(conn: &mut AnyConnection, task_id: i64, code: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT r.id FROM inspection_results r JOIN draws d ON d.id = r.draw_id JOIN draw_selections s \
         ON s.draw_id = r.draw_id AND s.enterprise_id = r.enterprise_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND s.code = $2",
    )
    .bind(task_id)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A result's checklist answers.
pub async fn answers(conn: &mut AnyConnection, result_id: i64) -> Result<Vec<Answer>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT point_id, answer, problem FROM result_answers WHERE result_id = $1 ORDER BY point_id",
    )
    .bind(result_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(point_id, answer, problem)| Answer { point_id, answer, problem }).collect())
}

/// A result's files, oldest first, without their bytes.
pub async fn files(conn: &mut AnyConnection, result_id: i64) -> Result<Vec<FileMeta>, AppError> {
    let rows: Vec<(i64, String, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT id, kind, file_name, mime, size_bytes, sha256, uploaded_at FROM result_files \
         WHERE result_id = $1 ORDER BY id",
    )
    .bind(result_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name, mime, size, sha256, uploaded_at)| FileMeta {
            id,
            kind,
            name,
            mime,
            size,
            sha256,
            uploaded_at,
        })
        .collect())
}

/// The departments that run a task (initiating first, then joint ones).
pub async fn departments(conn: &mut AnyConnection, task_id: i64) -> Result<Vec<String>, AppError> {
    let (_, dept) = super::workflow::task_state(&mut *conn, task_id).await?;
    let joint = super::tasks::joint_departments(&mut *conn, task_id).await?;
    Ok(std::iter::once(dept).chain(joint).collect())
}

/// Whether `user` may see the evidence of enterprise `code` of task `task_id`.
pub async fn may_see(
    conn: &mut AnyConnection,
    task_id: i64,
    code: &str,
    user: &SessionUser,
) -> Result<bool, AppError> {
    let departments = departments(&mut *conn, task_id).await?;
    if user.role != crate::domain::auth::Role::Inspector {
        // Only an inspector's answer depends on the enterprise's team: nobody else learns
        // here whether `code` was drawn.
        let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
        return Ok(sees_evidence(user, &departments, &[]));
    }
    let (draw_id, position, _) = super::results::selection(&mut *conn, task_id, code).await?;
    let team: Vec<i64> =
        sqlx::query_scalar("SELECT inspector_id FROM draw_team_members WHERE draw_id = $1 AND position = $2")
            .bind(draw_id)
            .bind(position)
            .fetch_all(&mut *conn)
            .await?;
    let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
    Ok(sees_evidence(user, &departments, &team))
}

/// One stored file (name, content type, bytes), for those who may see it: 403 for anyone
/// else, 404 when there is no such file.
pub async fn file(db: &AnyPool, id: i64, user: &SessionUser) -> Result<(String, String, Vec<u8>), AppError> {
    let mut conn = db.acquire().await?;
    let found: Option<(i64, String)> = sqlx::query_as(
        "SELECT d.task_id, s.code FROM result_files f JOIN inspection_results r ON r.id = f.result_id \
         JOIN draws d ON d.id = r.draw_id JOIN draw_selections s ON s.draw_id = r.draw_id \
         AND s.enterprise_id = r.enterprise_id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (task_id, code) = found.ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号证据材料")))?;
    if !may_see(&mut conn, task_id, &code, user).await? {
        return Err(AppError::Forbidden(
            "证据材料只有本检查组、任务所属部门的工作人员和纪检监督人员可以查看".into(),
        ));
    }
    Ok(sqlx::query_as("SELECT file_name, mime, content FROM result_files WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Saves a result from the on-site form: its checklist answers make the items' verdicts
/// (items without check points keep the draft's), the result goes through the form's own
/// path (`results::save_noted`, the same rules), the answers and files are stored and
/// their SHA-256 go into the result's audit entry — all in one transaction, once per
/// `key`: the same key again changes nothing.
pub async fn submit(
    db: &AnyPool,
    key: &str,
    draft: &ResultDraft,
    answers: &[Answer],
    problem_values: &[(i64, String)],
    new_files: Vec<NewFile>,
    user: &SessionUser,
) -> Result<Submitted, AppError> {
    let key = key.trim();
    if key.len() < 16 || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(AppError::invalid("idempotency_key", "表单标识无效，请刷新页面后重新提交"));
    }
    let mut tx = super::begin_write(db).await?;
    let earlier: Option<(i64, String)> =
        sqlx::query_as("SELECT result_id, submitted_by FROM result_submissions WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((id, by)) = earlier {
        if by != user.username {
            return Err(AppError::Conflict("该表单已由其他账号提交".into()));
        }
        return Ok(Submitted::Again(id));
    }
    let items = super::result_items::task_items(&mut tx, draft.task_id).await?;
    let points = task_points(&mut tx, draft.task_id).await?;
    let mut d = draft.clone();
    if !points.is_empty() {
        let value = |item: i64| {
            problem_values
                .iter()
                .find(|p| p.0 == item)
                .map_or(crate::domain::result::FOLLOW_UP.to_string(), |p| p.1.clone())
        };
        let mut verdicts =
            verdicts_from_answers(&items, &points, answers, value).map_err(|e| AppError::from_fields(&e))?;
        for (item, _) in &items {
            if !verdicts.iter().any(|v| v.item_id == *item) {
                verdicts.extend(draft.verdicts.iter().filter(|v| v.item_id == *item).cloned());
            }
        }
        d.verdicts = verdicts;
    }
    let text = |p: i64| points.iter().find(|x| x.id == p).map(|x| x.text.clone()).unwrap_or_default();
    let answered: Vec<serde_json::Value> = answers
        .iter()
        .map(|a| serde_json::json!({ "point": text(a.point_id), "answer": a.answer.trim(), "problem": a.problem.trim() }))
        .collect();
    let evidence: Vec<serde_json::Value> = new_files
        .iter()
        .map(|f| serde_json::json!({ "file_name": f.name, "kind": f.kind, "size_bytes": f.bytes.len(), "sha256": f.sha256 }))
        .collect();
    let note = serde_json::json!({ "answers": answered, "evidence": evidence, "idempotency_key": key });
    let result_id = super::results::save_noted(&mut tx, &d, user, Some(note)).await?;
    sqlx::query("DELETE FROM result_answers WHERE result_id = $1").bind(result_id).execute(&mut *tx).await?;
    for a in answers {
        sqlx::query(
            "INSERT INTO result_answers (result_id, point_id, answer, problem) VALUES ($1, $2, $3, $4)",
        )
        .bind(result_id)
        .bind(a.point_id)
        .bind(a.answer.trim())
        .bind(a.problem.trim())
        .execute(&mut *tx)
        .await?;
    }
    let now = now_utc();
    for f in new_files {
        sqlx::query(
            "INSERT INTO result_files (result_id, kind, file_name, mime, size_bytes, sha256, content, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(result_id)
        .bind(f.kind)
        .bind(&f.name)
        .bind(f.mime)
        .bind(f.bytes.len() as i64)
        .bind(&f.sha256)
        .bind(f.bytes)
        .bind(&user.username)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO result_submissions (idempotency_key, result_id, submitted_by, submitted_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(key)
    .bind(result_id)
    .bind(&user.username)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Submitted::Saved(result_id))
}

/// Inserts a demo check point under the item named `item` (if the item exists).
pub async fn insert_example(
    conn: &mut AnyConnection,
    item: &str,
    position: i64,
    text: &str,
    legal_basis: &str,
    kind: AnswerKind,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO check_points (item_id, position, text, legal_basis, answer_kind, example) \
         SELECT id, $2, $3, $4, $5, 1 FROM inspection_items WHERE name = $1",
    )
    .bind(item)
    .bind(position)
    .bind(text)
    .bind(legal_basis)
    .bind(kind.code())
    .execute(conn)
    .await?;
    Ok(())
}

/// What a notice and a record name of a task: its numbers, window and department.
#[derive(Clone, Debug)]
pub struct TaskHead {
    pub task_no: String,
    pub plan_name: String,
    pub window_year: i64,
    pub start_month: i64,
    pub end_month: i64,
    pub department: String,
}

/// A task's head, its enterprises' addresses by credit code and its inspectors'
/// certificate numbers by id.
pub async fn task_head(
    db: &AnyPool,
    task_id: i64,
) -> Result<
    (TaskHead, std::collections::HashMap<String, String>, std::collections::HashMap<i64, String>),
    AppError,
> {
    let mut conn = db.acquire().await?;
    let head: Option<(String, String, String)> = sqlx::query_as(
        "SELECT t.task_no, t.plan_name, dp.name FROM tasks t \
         JOIN departments dp ON dp.id = t.initiating_department_id WHERE t.id = $1",
    )
    .bind(task_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (task_no, plan_name, department) =
        head.ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))?;
    let window = super::plan_changes::effective_window(&mut conn, task_id).await?;
    let addresses: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.code, e.address FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         JOIN enterprises e ON e.id = s.enterprise_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let certificates: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT i.id, i.certificate_no FROM draw_team_members m JOIN draws d ON d.id = m.draw_id \
         JOIN inspectors i ON i.id = m.inspector_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok((
        TaskHead {
            task_no,
            plan_name,
            window_year: window.year as i64,
            start_month: window.start_month as i64,
            end_month: window.end_month as i64,
            department,
        },
        addresses.into_iter().collect(),
        certificates.into_iter().collect(),
    ))
}

/// Every active inspection item (id, name, department id) with its check points, for the
/// page where a bureau edits them.
pub async fn all_points(db: &AnyPool) -> Result<Vec<(i64, String, String, Vec<CheckPoint>)>, AppError> {
    let items: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, department_id FROM inspection_items WHERE active = 1 ORDER BY id")
            .fetch_all(db)
            .await?;
    let rows: Vec<(i64, i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, item_id, text, legal_basis, answer_kind, example FROM check_points ORDER BY item_id, position, id",
    )
    .fetch_all(db)
    .await?;
    Ok(items
        .into_iter()
        .map(|(id, name, dept)| {
            let points = rows
                .iter()
                .filter(|r| r.1 == id)
                .filter_map(|(pid, item_id, text, basis, kind, example)| {
                    Some(CheckPoint {
                        id: *pid,
                        item_id: *item_id,
                        text: text.clone(),
                        legal_basis: basis.clone(),
                        kind: AnswerKind::parse(kind)?,
                        example: *example != 0,
                    })
                })
                .collect();
            (id, name, dept, points)
        })
        .collect())
}

/// The item a change of check points is about, with the permission checked.
async fn editable_item(conn: &mut AnyConnection, item_id: i64, user: &SessionUser) -> Result<(), AppError> {
    let dept: Option<String> = sqlx::query_scalar("SELECT department_id FROM inspection_items WHERE id = $1")
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await?;
    let dept = dept.ok_or_else(|| AppError::NotFound(format!("没有第 {item_id} 号抽查事项")))?;
    if !crate::domain::checklist::may_edit_points(user, &dept) {
        return Err(AppError::Forbidden("检查要点由该事项所属部门的经办人或管理员维护".into()));
    }
    Ok(())
}

/// Adds a check point to item `item_id` (`point_id` None) or rewrites one (it is then no
/// longer a demo example), with its audit entry.
pub async fn save_point(
    db: &AnyPool,
    item_id: i64,
    point_id: Option<i64>,
    text: &str,
    legal_basis: &str,
    kind: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    let mut tx = super::begin_write(db).await?;
    editable_item(&mut tx, item_id, user).await?;
    let errors = crate::domain::checklist::point_errors(text, legal_basis, kind);
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let (text, legal_basis) = (text.trim(), legal_basis.trim());
    let before: Option<(String, String, String)> = match point_id {
        Some(id) => Some(
            sqlx::query_as(
                "SELECT text, legal_basis, answer_kind FROM check_points WHERE id = $1 AND item_id = $2",
            )
            .bind(id)
            .bind(item_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("该事项没有第 {id} 号检查要点")))?,
        ),
        None => None,
    };
    let id = match point_id {
        Some(id) => {
            sqlx::query("UPDATE check_points SET text = $1, legal_basis = $2, answer_kind = $3, example = 0 WHERE id = $4")
                .bind(text)
                .bind(legal_basis)
                .bind(kind)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => sqlx::query_scalar(
            "INSERT INTO check_points (item_id, position, text, legal_basis, answer_kind, example) \
             SELECT $1, coalesce(max(position), 0) + 1, $2, $3, $4, 0 FROM check_points WHERE item_id = $1 RETURNING id",
        )
        .bind(item_id)
        .bind(text)
        .bind(legal_basis)
        .bind(kind)
        .fetch_one(&mut *tx)
        .await?,
    };
    super::audit::append(
        &mut tx,
        super::audit::Change {
            actor: &user.username,
            role: user.role.code(),
            action: "check_point.save",
            entity_type: "check_point",
            entity_id: &id.to_string(),
            before: before.map(|(t, b, k)| serde_json::json!({ "point": t, "legal_basis": b, "answer_kind": k })),
            after: Some(serde_json::json!({ "item_id": item_id, "point": text, "legal_basis": legal_basis, "answer_kind": kind })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a check point no result has answered yet (an answered one is rewritten instead).
pub async fn delete_point(db: &AnyPool, point_id: i64, user: &SessionUser) -> Result<(), AppError> {
    let mut tx = super::begin_write(db).await?;
    let found: Option<(i64, String)> = sqlx::query_as("SELECT item_id, text FROM check_points WHERE id = $1")
        .bind(point_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (item_id, text) = found.ok_or_else(|| AppError::NotFound(format!("没有第 {point_id} 号检查要点")))?;
    editable_item(&mut tx, item_id, user).await?;
    let answered: i64 = sqlx::query_scalar("SELECT count(*) FROM result_answers WHERE point_id = $1")
        .bind(point_id)
        .fetch_one(&mut *tx)
        .await?;
    if answered > 0 {
        return Err(AppError::Conflict(format!(
            "已有 {answered} 份检查结果回答了“{text}”，不能删除；可以修改其文字"
        )));
    }
    sqlx::query("DELETE FROM check_points WHERE id = $1").bind(point_id).execute(&mut *tx).await?;
    super::audit::append(
        &mut tx,
        super::audit::Change {
            actor: &user.username,
            role: user.role.code(),
            action: "check_point.delete",
            entity_type: "check_point",
            entity_id: &point_id.to_string(),
            before: Some(serde_json::json!({ "item_id": item_id, "point": text })),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! Each result's verdict per inspection item (result_items): the task's items, the draft
//! given one verdict per item, and storing and reading them back; and the checklist answers
//! a result saved without them drops.

use crate::domain::result::{ItemVerdict, ResultDraft};
use crate::error::AppError;
use sqlx::AnyConnection;

/// A task's inspection items (id, name), in the task's order.
pub(super) async fn task_items(
    conn: &mut AnyConnection,
    task_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.name FROM task_items ti JOIN inspection_items i ON i.id = ti.item_id \
         WHERE ti.task_id = $1 ORDER BY ti.position, i.id",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The draft with one verdict per item of its task (domain::result::ResultDraft::with_verdicts).
pub(super) async fn with_verdicts(
    conn: &mut AnyConnection,
    d: &ResultDraft,
) -> Result<ResultDraft, AppError> {
    let items = task_items(conn, d.task_id).await?;
    d.clone().with_verdicts(&items).map_err(|errors| AppError::from_fields(&errors))
}

/// Replaces a result's item verdicts.
pub(super) async fn store_verdicts(
    conn: &mut AnyConnection,
    result_id: i64,
    verdicts: &[ItemVerdict],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM result_items WHERE result_id = $1").bind(result_id).execute(&mut *conn).await?;
    for v in verdicts {
        sqlx::query(
            "INSERT INTO result_items (result_id, item_id, categories, problems) VALUES ($1, $2, $3, $4)",
        )
        .bind(result_id)
        .bind(v.item_id)
        .bind(serde_json::to_string(&v.categories).expect("strings serialise"))
        .bind(&v.problems)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Drops a result's checklist answers when it is saved without them (the staff form, the
/// import, a correction): the record must not print answers its verdicts no longer follow.
pub(super) async fn forget_answers(conn: &mut AnyConnection, result_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM result_answers WHERE result_id = $1")
        .bind(result_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One result's item verdicts, in its task's order.
pub(super) async fn verdicts_of(
    conn: &mut AnyConnection,
    result_id: i64,
) -> Result<Vec<ItemVerdict>, AppError> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT ri.result_id, ri.item_id, ri.categories, ri.problems FROM result_items ri \
         JOIN inspection_results r ON r.id = ri.result_id JOIN draws d ON d.id = r.draw_id \
         LEFT JOIN task_items ti ON ti.task_id = d.task_id AND ti.item_id = ri.item_id \
         WHERE ri.result_id = $1 ORDER BY ti.position, ri.item_id",
    )
    .bind(result_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(verdict).collect())
}

/// The item verdicts of a task's results, by result id, in the task's item order.
pub(super) async fn task_verdicts(
    conn: &mut AnyConnection,
    task_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<ItemVerdict>>, AppError> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT ri.result_id, ri.item_id, ri.categories, ri.problems FROM result_items ri \
         JOIN inspection_results r ON r.id = ri.result_id JOIN draws d ON d.id = r.draw_id \
         LEFT JOIN task_items ti ON ti.task_id = d.task_id AND ti.item_id = ri.item_id \
         WHERE d.task_id = $1 ORDER BY ri.result_id, ti.position, ri.item_id",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: std::collections::HashMap<i64, Vec<ItemVerdict>> = Default::default();
    for row in rows {
        out.entry(row.0).or_default().push(verdict(row));
    }
    Ok(out)
}

fn verdict((_, item_id, categories, problems): (i64, i64, String, String)) -> ItemVerdict {
    ItemVerdict { item_id, categories: serde_json::from_str(&categories).unwrap_or_default(), problems }
}

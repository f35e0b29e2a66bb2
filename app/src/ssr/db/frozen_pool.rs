//! 抽查对象名单, frozen: a draw's pool as `draw_pool` keeps it — stored inside the database
//! at the freeze (the task's scope less its exclusions), and read back in code order.

use super::{Backend, QueryBuilder};
use crate::domain::draw::PoolEntry;
use crate::domain::ratio::Ratio;
use crate::domain::task::Scope;
use crate::domain::watch::{RepeatExclusion, WATCH_STRATUM};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// What of a task, beside its scope, shapes its pool: whom inspected lately it leaves out,
/// the ratio of the 重点关注 (who then have a stratum of their own), and for a batch (分批):
/// (its parent task, its batch number, the parent's batch count). Read once per freeze.
pub(super) struct PoolRules {
    pub repeat: RepeatExclusion,
    pub watch: Option<Ratio>,
    pub batch: Option<(i64, i64, i64)>,
}

impl PoolRules {
    pub(super) async fn of(conn: &mut AnyConnection, task_id: i64) -> Result<Self, AppError> {
        let (repeat, watch) = super::tasks::repeats_and_watch(conn, task_id).await?;
        let batch = sqlx::query_as(
            "SELECT t.parent_task_id, t.batch_no, (SELECT count(*) FROM task_batches b WHERE b.task_id = t.parent_task_id) \
             FROM tasks t WHERE t.id = $1 AND t.parent_task_id IS NOT NULL",
        )
        .bind(task_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(Self { repeat, watch, batch })
    }
}

/// Stores the pool of draw `draw_id` in `draw_pool`, inside the database: the task's scope,
/// less those inspected lately for one of its items and those its earlier batches selected
/// (each kept in `draw_exclusions` with the reason), the 重点关注 in their own stratum when
/// the task gives them a ratio. A province-size pool (10⁶) is one `INSERT … SELECT`, not a
/// million rows through the driver. Returns how many were left out.
pub(super) async fn store_pool(
    conn: &mut AnyConnection,
    draw_id: i64,
    task_id: i64,
    scope: &Scope,
    rules: &PoolRules,
    draw_date: &str,
) -> Result<u64, AppError> {
    let mut q = QueryBuilder::for_backend(
        Backend::of(conn),
        "INSERT INTO draw_pool (draw_id, enterprise_id, code, stratum) ",
    );
    super::pool::push_scoped_select(&mut q, draw_id, scope);
    q.build().execute(&mut *conn).await?;

    // 避免检查过多: those inspected lately for one of the task's items are left out, and the
    // frozen record says who and why.
    let (inspected, reason) = super::watchlist::exclusions(conn, task_id, rules.repeat, draw_date).await?;
    let mut excluded = exclude(conn, draw_id, &inspected.into_iter().collect::<Vec<_>>(), &reason).await?;
    // 重点关注, when the task gives them their own ratio: their own stratum.
    if rules.watch.is_some() {
        let watched: Vec<i64> = super::watchlist::watched_ids(conn, draw_date).await?.into_iter().collect();
        for chunk in watched.chunks(super::query::ROWS_PER_INSERT) {
            let mut q = QueryBuilder::for_backend(Backend::of(conn), "UPDATE draw_pool SET stratum = ");
            q.push_bind(WATCH_STRATUM).push(" WHERE draw_id = ").push_bind(draw_id);
            push_codes_of(&mut q, chunk);
            q.build().execute(&mut *conn).await?;
        }
    }
    // A batch (分批): those the task's earlier batches selected are left out.
    if let Some((parent, k, _)) = rules.batch {
        let earlier: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT s.enterprise_id, t.batch_no FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
             JOIN tasks t ON t.id = d.task_id WHERE d.abandoned_at IS NULL AND t.parent_task_id = $1 AND t.batch_no < $2",
        )
        .bind(parent)
        .bind(k)
        .fetch_all(&mut *conn)
        .await?;
        let mut by_batch: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (id, j) in earlier {
            by_batch.entry(j).or_default().push(id);
        }
        for (j, ids) in by_batch {
            excluded += exclude(conn, draw_id, &ids, &format!("已在本任务第 {j} 批抽中")).await?;
        }
    }
    Ok(excluded)
}

/// Moves the pool entries of the enterprises `ids` from `draw_pool` to `draw_exclusions`
/// with `reason`; returns how many were in the pool.
async fn exclude(conn: &mut AnyConnection, draw_id: i64, ids: &[i64], reason: &str) -> Result<u64, AppError> {
    let mut moved = 0;
    for chunk in ids.chunks(super::query::ROWS_PER_INSERT) {
        let mut q = QueryBuilder::for_backend(
            Backend::of(conn),
            "INSERT INTO draw_exclusions (draw_id, enterprise_id, code, reason) SELECT ",
        );
        q.push_bind(draw_id).push(", enterprise_id, code, ").push_bind(reason);
        q.push(" FROM draw_pool WHERE draw_id = ").push_bind(draw_id);
        push_codes_of(&mut q, chunk);
        moved += q.build().execute(&mut *conn).await?.rows_affected();
        let mut q = QueryBuilder::for_backend(Backend::of(conn), "DELETE FROM draw_pool WHERE draw_id = ");
        q.push_bind(draw_id);
        push_codes_of(&mut q, chunk);
        q.build().execute(&mut *conn).await?;
    }
    Ok(moved)
}

/// ` AND code IN (the credit codes of enterprises ids)`: found by the pool's key (draw, code).
fn push_codes_of(q: &mut QueryBuilder<'_>, ids: &[i64]) {
    q.push(" AND code IN (SELECT credit_code FROM enterprises WHERE id IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push("))");
}

/// The frozen pool of draw `draw_id` as `draw_pool` holds it, in code order.
pub async fn stored_pool(conn: &mut AnyConnection, draw_id: i64) -> Result<Vec<PoolEntry>, AppError> {
    Ok(stored_pool_with_ids(conn, draw_id).await?.0)
}

/// The frozen pool of draw `draw_id` in code order, and the enterprise id of each entry. It
/// crosses the driver as one aggregated string (code, stratum and enterprise id, tab
/// separated; one per line), not a row per entry: for a province-size pool, one value of
/// about 25 MB instead of 10⁶ rows.
pub(super) async fn stored_pool_with_ids(
    conn: &mut AnyConnection,
    draw_id: i64,
) -> Result<(Vec<PoolEntry>, Vec<i64>), AppError> {
    let (count, joined): (i64, Option<String>) = sqlx::query_as(
        "SELECT count(*), string_agg(code || $1 || stratum || $2 || CAST(enterprise_id AS TEXT), $3) \
         FROM draw_pool WHERE draw_id = $4",
    )
    .bind("\t")
    .bind("\t")
    .bind("\n")
    .bind(draw_id)
    .fetch_one(&mut *conn)
    .await?;
    let bad = || AppError::internal("a stored pool entry that does not read as code, stratum and enterprise");
    let mut entries = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    for line in joined.as_deref().unwrap_or("").split('\n').filter(|l| !l.is_empty()) {
        let (code, rest) = line.split_once('\t').ok_or_else(bad)?;
        let (stratum, id) = rest.split_once('\t').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        entries.push((PoolEntry { code: code.to_owned(), stratum: stratum.to_owned() }, id));
    }
    // Codes and strata are DR1 identifiers (no tab, no line break), so the count agrees.
    if entries.len() as i64 != count {
        return Err(AppError::internal(format!(
            "the stored pool reads as {} entries, not {count}",
            entries.len()
        )));
    }
    entries.sort_unstable_by(|a, b| a.0.code.cmp(&b.0.code));
    Ok(entries.into_iter().unzip())
}

//! Freezing a task's pool and running its draw (DR1), stored so that the manifest
//! served later is byte-for-byte what `shuangsui verify` accepts.

use super::frozen_pool;
use super::pool::{ScopeColumns, SCOPE_COLUMNS};
use super::unique::OnUnique;
use super::workflow::set_status;
use crate::domain::draw::{self, ConflictPair, DrawInput, InspectorEntry, PoolEntry};
use crate::domain::watch::WATCH_STRATUM;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::clock::now_utc;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::{Backend, QueryBuilder};
use sqlx::{AnyConnection, AnyPool};
use std::collections::{BTreeMap, HashMap};

use crate::domain::audit::Actor;

/// What freezing published: the public facts of a frozen pool.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Frozen {
    pub draw_id: i64,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
}

#[derive(sqlx::FromRow)]
struct TaskScope {
    plan_no: String,
    task_no: String,
    status: String,
    ratio_bp: i64,
    risk_ratios_bp: Option<String>,
    #[sqlx(flatten)]
    scope: ScopeColumns,
    initiating_department_id: String,
    team_size: i64,
    max_per_inspector: i64,
}

/// The task's row, as the freeze reads it.
async fn task_scope(conn: &mut AnyConnection, task_id: i64) -> Result<TaskScope, AppError> {
    sqlx::query_as::<_, TaskScope>(&format!(
        "SELECT plan_no, task_no, status, ratio_bp, risk_ratios_bp, {SCOPE_COLUMNS}, initiating_department_id, \
         team_size, max_per_inspector FROM tasks WHERE id = $1"
    ))
    .bind(task_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))
}

/// The DR1 inputs of a task around its stored pool, less secret and entropy.
async fn input_around(
    conn: &mut AnyConnection,
    task_id: i64,
    t: &TaskScope,
    dr1_task_id: String,
    pool: Vec<PoolEntry>,
    rules: &frozen_pool::PoolRules,
    draw_date: &str,
) -> Result<DrawInput, AppError> {
    let mut ratios_bp: BTreeMap<String, u64> = match &t.risk_ratios_bp {
        Some(json) => serde_json::from_str(json).map_err(AppError::internal)?,
        None => ["A", "B", "C", "D"].iter().map(|c| (c.to_string(), t.ratio_bp as u64)).collect(),
    };
    if let Some(w) = rules.watch {
        ratios_bp.insert(WATCH_STRATUM.to_string(), u64::from(w.bp()));
    }
    if let Some((parent, k, batches)) = rules.batch {
        ratios_bp = super::batches::batch_ratios(conn, parent, k, batches, &ratios_bp, &pool).await?;
    }
    let mut departments = vec![t.initiating_department_id.clone()];
    for j in super::tasks::joint_departments(conn, task_id).await? {
        if !departments.contains(&j) {
            departments.push(j);
        }
    }
    let mut q = format!(
        "SELECT certificate_no, department_id FROM inspectors WHERE active = 1 AND valid_from <= $1 \
         AND valid_to >= $2 AND department_id IN ({}) ORDER BY certificate_no",
        (3..3 + departments.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(",")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&q).bind(draw_date).bind(draw_date);
    for d in &departments {
        query = query.bind(d);
    }
    let inspectors: Vec<InspectorEntry> = query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, department)| InspectorEntry { id, department })
        .collect();

    q = "SELECT e.credit_code, i.certificate_no FROM conflicts c JOIN enterprises e ON e.id = c.enterprise_id \
         JOIN inspectors i ON i.id = c.inspector_id WHERE c.withdrawn_at IS NULL \
         ORDER BY e.credit_code, i.certificate_no"
        .into();
    let codes: std::collections::HashSet<&str> = pool.iter().map(|p| p.code.as_str()).collect();
    let ids: std::collections::HashSet<&str> = inspectors.iter().map(|i| i.id.as_str()).collect();
    let conflicts: Vec<ConflictPair> = sqlx::query_as::<_, (String, String)>(&q)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .filter(|(e, i)| codes.contains(e.as_str()) && ids.contains(i.as_str()))
        .map(|(entity, inspector)| ConflictPair { entity, inspector })
        .collect();
    drop(codes);

    Ok(DrawInput {
        task_id: dr1_task_id,
        pool,
        ratios_bp,
        team_size: t.team_size as u64,
        departments,
        inspectors,
        conflicts,
        max_per_inspector: t.max_per_inspector as u64,
        commitment: String::new(),
        secret: String::new(),
        public_entropy: String::new(),
        post_recusals: Vec::new(),
    })
}

/// The DR1 task id of a task's next draw: a draw that takes an abandoned one's place is a
/// new draw with an id of its own.
async fn next_dr1_task_id(conn: &mut AnyConnection, task_id: i64, t: &TaskScope) -> Result<String, AppError> {
    let abandoned: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draws WHERE task_id = $1 AND abandoned_at IS NOT NULL")
            .bind(task_id)
            .fetch_one(&mut *conn)
            .await?;
    let base = crate::domain::plan::draw_task_id(&t.plan_no, &t.task_no);
    Ok(if abandoned == 0 { base } else { format!("{base}-r{abandoned}") })
}

/// Refused attempts one account may make in [`BURST_SECS`] that are each recorded with
/// their own row and audit entry; further ones within the burst are counted on the last
/// recorded row (`repeats`, `last_at`), so a script repeating a refused call cannot
/// flood the audit trail, and still leaves a record of how often it tried.
pub const RECORDED_REFUSALS_PER_BURST: i64 = 5;
/// The length of a burst of refused attempts.
pub const BURST_SECS: i64 = 60;

/// Records an attempt to freeze or draw, with its audit entry, in its own transaction.
pub(crate) async fn record_attempt(
    db: &AnyPool,
    task_id: i64,
    action: &str,
    refusal: Option<&str>,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    if refusal.is_some() {
        let since = crate::ssr::clock::format_utc(crate::ssr::clock::now_unix() - BURST_SECS);
        let recent: (i64, Option<i64>) = sqlx::query_as(
            "SELECT count(*), max(id) FROM draw_attempts WHERE actor = $1 AND outcome = 'refused' AND at > $2",
        )
        .bind(actor.name)
        .bind(&since)
        .fetch_one(&mut *tx)
        .await?;
        if let (n, Some(last)) = recent {
            if n >= RECORDED_REFUSALS_PER_BURST {
                sqlx::query("UPDATE draw_attempts SET repeats = repeats + 1, last_at = $1 WHERE id = $2")
                    .bind(now_utc())
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
        }
    }
    record_attempt_in(&mut tx, task_id, action, refusal, actor).await?;
    tx.commit().await?;
    Ok(())
}

async fn record_attempt_in(
    conn: &mut AnyConnection,
    task_id: i64,
    action: &str,
    refusal: Option<&str>,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let outcome = if refusal.is_some() { "refused" } else { "done" };
    sqlx::query(
        "INSERT INTO draw_attempts (task_id, action, outcome, reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(task_id)
    .bind(action)
    .bind(outcome)
    .bind(refusal.unwrap_or(""))
    .bind(actor.name)
    .bind(now_utc())
    .execute(&mut *conn)
    .await?;
    if let Some(reason) = refusal {
        audit::append(
            conn,
            Change {
                actor: actor.name,
                role: actor.role,
                action: &format!("draw.{action}.refused"),
                entity_type: "task",
                entity_id: &task_id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "reason": reason })),
            },
        )
        .await?;
    }
    Ok(())
}

/// 分批: freezes the next batch of task `task_id` (`batches::next_batch`) like any task.
/// Returns (the batch's task, what freezing published).
pub async fn freeze_batch(
    db: &AnyPool,
    task_id: i64,
    draw_date: &str,
    actor: Actor<'_>,
) -> Result<(i64, Frozen), AppError> {
    // No batch left to freeze, or one frozen and not yet drawn: a refused freeze too.
    let batch_task = match super::batches::next_batch(db, task_id, actor).await {
        Err(e @ (AppError::Conflict(_) | AppError::Invalid { .. })) => {
            record_attempt(db, task_id, "freeze", Some(&e.to_string()), actor).await?;
            return Err(e);
        }
        other => other?,
    };
    Ok((batch_task, freeze(db, batch_task, draw_date, actor).await?))
}

/// Freezes a filed task's pool: stores the pool, its digest, a fresh secret and its
/// commitment, after the feasibility check (DR1 refusals 1–3 and 6). Refused attempts are recorded.
pub async fn freeze(
    db: &AnyPool,
    task_id: i64,
    draw_date: &str,
    actor: Actor<'_>,
) -> Result<Frozen, AppError> {
    match freeze_tx(db, task_id, draw_date, actor).await {
        Err(e @ (AppError::Conflict(_) | AppError::Invalid { .. })) => {
            record_attempt(db, task_id, "freeze", Some(&e.to_string()), actor).await?;
            Err(e)
        }
        other => other,
    }
}

async fn freeze_tx(
    db: &AnyPool,
    task_id: i64,
    draw_date: &str,
    actor: Actor<'_>,
) -> Result<Frozen, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let task = task_scope(&mut tx, task_id).await?;
    let status = TaskStatus::parse(&task.status).ok_or_else(|| AppError::internal("bad task status"))?;
    if status != TaskStatus::Planned {
        return Err(AppError::Conflict(format!(
            "只有已列入计划的任务才能冻结名单；该任务当前为“{}”",
            status.label()
        )));
    }
    let split: i64 = sqlx::query_scalar("SELECT count(*) FROM task_batches WHERE task_id = $1")
        .bind(task_id)
        .fetch_one(&mut *tx)
        .await?;
    if split > 0 {
        return Err(AppError::Conflict(format!("该任务分 {split} 批抽取，请逐批冻结（每批为一次独立抽取）")));
    }
    within_window(&mut tx, task_id, draw_date, "冻结名单").await?;
    let scope = task.scope.scope()?;
    let replaces: Option<i64> =
        sqlx::query_scalar("SELECT max(id) FROM draws WHERE task_id = $1 AND abandoned_at IS NOT NULL")
            .bind(task_id)
            .fetch_one(&mut *tx)
            .await?;
    let dr1_task_id = next_dr1_task_id(&mut tx, task_id, &task).await?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(AppError::internal)?;
    let commitment = draw::commitment_of(&secret);
    let frozen_at = now_utc();
    // The draw's row first (its pool's count and digest once the pool is stored), so that
    // the pool is written inside the database under its id. Every step is one transaction:
    // a refusal below rolls all of it back.
    let draw_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO draws (task_id, dr1_task_id, pool_count, pool_digest, commitment, secret, frozen_input, \
         frozen_at, frozen_by, replaces_draw_id) VALUES ($1, $2, 0, $3, $4, $5, '', $6, $7, $8) RETURNING id",
    )
    .bind(task_id)
    .bind(&dr1_task_id)
    .bind("0".repeat(64))
    .bind(&commitment)
    .bind(hex::encode(secret))
    .bind(&frozen_at)
    .bind(actor.name)
    .bind(replaces)
    .fetch_one(&mut *tx)
    .await
    .on_unique("draws", &["task_id"], || AppError::Conflict("该任务的名单已冻结，不能再次冻结".into()))?;
    let rules = frozen_pool::PoolRules::of(&mut tx, task_id).await?;
    let excluded = frozen_pool::store_pool(&mut tx, draw_id, task_id, &scope, &rules, draw_date).await?;
    let pool = frozen_pool::stored_pool(&mut tx, draw_id).await?;
    let mut input = input_around(&mut tx, task_id, &task, dr1_task_id, pool, &rules, draw_date).await?;
    draw::check_frozen(&input.frozen()).map_err(|r| AppError::invalid("抽取条件", r.to_string()))?;
    super::crash::point("freeze:after-pool");

    input.commitment = commitment;
    let salts = new_salts(&input.pool)?;
    let pool_digest = draw::pool_digest(&input.pool);
    let pool_count = input.pool.len() as i64;
    // The frozen inputs without the pool: it is in `draw_pool`, which the draw reads.
    input.pool = Vec::new();
    let frozen_json = serde_json::to_string(&input).map_err(AppError::internal)?;
    sqlx::query(
        "UPDATE draws SET pool_count = $1, pool_digest = $2, frozen_input = $3, stratum_salts = $4 WHERE id = $5",
    )
    .bind(pool_count)
    .bind(&pool_digest)
    .bind(&frozen_json)
    .bind(&salts)
    .bind(draw_id)
    .execute(&mut *tx)
    .await?;
    set_status(&mut tx, task_id, TaskStatus::Planned, TaskStatus::Frozen, actor, "冻结抽查对象名单").await?;
    let frozen = Frozen { draw_id, pool_count, pool_digest, commitment: input.commitment.clone(), frozen_at };
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "draw.freeze",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: Some(serde_json::json!({ "status": TaskStatus::Planned.code() })),
            after: Some({
                let mut after = serde_json::to_value(&frozen).map_err(AppError::internal)?;
                after["excluded"] = serde_json::json!(excluded);
                after
            }),
        },
    )
    .await?;
    record_attempt_in(&mut tx, task_id, "freeze", None, actor).await?;
    super::crash::point("freeze:before-commit");
    tx.commit().await?;
    Ok(frozen)
}

/// Runs the draw of a frozen task on `date` (`YYYY-MM-DD`, inside the task's window) with
/// the entropy supplied in the room, reveals the secret and stores the manifest. A task's
/// live draw is drawn at most once; every attempt is recorded.
pub async fn run_draw(
    db: &AnyPool,
    task_id: i64,
    public_entropy: &str,
    date: &str,
    actor: Actor<'_>,
) -> Result<i64, AppError> {
    match draw_tx(db, task_id, public_entropy, date, actor).await {
        Err(e @ (AppError::Conflict(_) | AppError::Invalid { .. } | AppError::NotFound(_))) => {
            record_attempt(db, task_id, "draw", Some(&e.to_string()), actor).await?;
            Err(e)
        }
        other => other,
    }
}

async fn draw_tx(
    db: &AnyPool,
    task_id: i64,
    public_entropy: &str,
    date: &str,
    actor: Actor<'_>,
) -> Result<i64, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let backend = Backend::of(&tx);
    let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, frozen_input, secret, pool_digest, manifest FROM draws WHERE task_id = $1 AND abandoned_at IS NULL",
    )
    .bind(task_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((draw_id, frozen_json, secret, pool_digest, manifest)) = row else {
        return Err(AppError::Conflict("该任务尚未冻结名单，不能抽取".into()));
    };
    if manifest.is_some() {
        return Err(AppError::Conflict(
            "该任务已经抽取过，每个任务只能抽取一次（名单被退回时，可申请回避或由主要领导作废本次抽取）"
                .into(),
        ));
    }
    within_window(&mut tx, task_id, date, "抽取").await?;
    let mut input: DrawInput = serde_json::from_str(&frozen_json).map_err(AppError::internal)?;
    // The pool as stored, with each entry's enterprise. Freezes before 2026-12-07 kept the
    // pool in `frozen_input` too, in the order it had then; later ones only in `draw_pool`
    // (a frozen pool is never empty: refusal 2).
    let (stored, pool_ids) = frozen_pool::stored_pool_with_ids(&mut tx, draw_id).await?;
    let earlier_freeze = !input.pool.is_empty();
    let stored = if earlier_freeze {
        Some(stored)
    } else {
        input.pool = stored;
        None
    };
    input.secret = secret;
    input.public_entropy = public_entropy.to_owned();
    let manifest = draw::draw_owned(input).map_err(|r| AppError::invalid("公共随机数", r.to_string()))?;
    if manifest.pool_digest != pool_digest {
        return Err(AppError::internal(format!(
            "the frozen pool of draw {draw_id} no longer has the digest published at its freeze"
        )));
    }
    // The bytes of serde_json's pretty printer, written on every core.
    let mut manifest_json =
        Vec::with_capacity(manifest.input.pool.len() * 80 + manifest.selected.len() * 300);
    manifest.write_json_pretty(&mut manifest_json).map_err(AppError::internal)?;
    let manifest_json = String::from_utf8(manifest_json).map_err(AppError::internal)?;
    let drawn_at = now_utc();
    let updated = sqlx::query(
        "UPDATE draws SET public_entropy = $1, seed = $2, manifest = $3, drawn_at = $4, drawn_by = $5 \
         WHERE id = $6 AND manifest IS NULL",
    )
    .bind(public_entropy)
    .bind(&manifest.seed)
    .bind(&manifest_json)
    .bind(&drawn_at)
    .bind(actor.name)
    .bind(draw_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(AppError::Conflict("该任务已经抽取过，每个任务只能抽取一次".into()));
    }
    // The secret was stored at the freeze; the manifest is written, the selections not yet.
    super::crash::point("draw:after-manifest");

    // The enterprise of each selected code, from the stored pool (in code order).
    let stored = stored.as_deref().unwrap_or(&manifest.input.pool);
    let enterprise_of = |code: &str| -> Result<i64, AppError> {
        let at = stored
            .binary_search_by(|e| e.code.as_str().cmp(code))
            .map_err(|_| AppError::internal(format!("selected code {code} is not in the stored pool")))?;
        Ok(pool_ids[at])
    };
    let enterprise_ids: Vec<i64> =
        manifest.selected.iter().map(|s| enterprise_of(&s.code)).collect::<Result<_, _>>()?;
    let inspector_ids: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT certificate_no, id FROM inspectors")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let selections: Vec<_> = manifest.selected.iter().enumerate().collect();
    for chunk in selections.chunks(super::query::ROWS_PER_INSERT) {
        let mut q = QueryBuilder::for_backend(
            backend,
            "INSERT INTO draw_selections (draw_id, position, enterprise_id, code, stratum, key, cap_lifted)",
        );
        q.push_values(chunk, |mut row, (position, s)| {
            row.push_bind(draw_id)
                .push_bind(*position as i64)
                .push_bind(enterprise_ids[*position])
                .push_bind(&s.code)
                .push_bind(&s.stratum)
                .push_bind(&s.key)
                .push_bind(i64::from(s.cap_lifted));
        });
        q.build().execute(&mut *tx).await?;
    }
    let members: Vec<(i64, i64, i64)> = manifest
        .selected
        .iter()
        .enumerate()
        .flat_map(|(position, s)| {
            s.inspectors
                .iter()
                .enumerate()
                .map(move |(seq, inspector)| (position as i64, seq as i64, inspector))
        })
        .map(|(position, seq, inspector)| (position, seq, inspector_ids[inspector]))
        .collect();
    for chunk in members.chunks(super::query::ROWS_PER_INSERT) {
        let mut q = QueryBuilder::for_backend(
            backend,
            "INSERT INTO draw_team_members (draw_id, position, seq, inspector_id)",
        );
        q.push_values(chunk, |mut row, (position, seq, inspector_id)| {
            row.push_bind(draw_id).push_bind(*position).push_bind(*seq).push_bind(*inspector_id);
        });
        q.build().execute(&mut *tx).await?;
    }
    check_references(&mut tx, draw_id).await?;
    super::crash::point("draw:after-selections");
    set_status(&mut tx, task_id, TaskStatus::Frozen, TaskStatus::Drawn, actor, "完成抽取").await?;
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "draw.run",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: Some(serde_json::json!({ "status": TaskStatus::Frozen.code() })),
            after: Some(serde_json::json!({
                "draw_id": draw_id,
                "seed": manifest.seed,
                "selected": manifest.selected.len(),
            })),
        },
    )
    .await?;
    record_attempt_in(&mut tx, task_id, "draw", None, actor).await?;
    super::crash::point("draw:before-commit");
    tx.commit().await?;
    Ok(draw_id)
}

/// What the foreign keys of a draw's selections and teams would check, in one query per
/// table instead of one lookup (and one row lock, on PostgreSQL) per row: that each names an
/// existing enterprise and inspector. A failure is a bug, and rolls the draw back.
async fn check_references(conn: &mut AnyConnection, draw_id: i64) -> Result<(), AppError> {
    let (enterprises, inspectors): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM draw_selections s WHERE s.draw_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = s.enterprise_id)), \
                (SELECT count(*) FROM draw_team_members m WHERE m.draw_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM inspectors i WHERE i.id = m.inspector_id))",
    )
    .bind(draw_id)
    .bind(draw_id)
    .fetch_one(&mut *conn)
    .await?;
    if enterprises + inspectors > 0 {
        return Err(AppError::internal(format!(
            "draw {draw_id}: {enterprises} selections without their enterprise, {inspectors} team places without their inspector"
        )));
    }
    Ok(())
}

/// Refuses `what` (freezing or drawing) on `date` outside the task's window: 无特殊情况，
/// 严格按计划执行 — a deviation is a consented 计划调整, which moves the window.
async fn within_window(
    conn: &mut AnyConnection,
    task_id: i64,
    date: &str,
    what: &str,
) -> Result<(), AppError> {
    let window = super::plan_changes::effective_window(conn, task_id).await?;
    if window.contains(date) {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "今天（{date}）不在该任务的抽查时间（{}）内，不能{what}；如需改期，请先提出计划调整并经主要领导同意",
            window.label()
        )))
    }
}

/// A fresh random salt for every stratum of a pool with several strata, as the JSON the
/// `stratum_salts` column holds; `None` for a single stratum (its manifest is public).
fn new_salts(pool: &[PoolEntry]) -> Result<Option<String>, AppError> {
    if draw::public::single_stratum(pool) {
        return Ok(None);
    }
    let mut salts = BTreeMap::new();
    for e in pool {
        if !salts.contains_key(&e.stratum) {
            let mut salt = [0u8; 32];
            getrandom::fill(&mut salt).map_err(AppError::internal)?;
            salts.insert(e.stratum.clone(), hex::encode(salt));
        }
    }
    serde_json::to_string(&salts).map(Some).map_err(AppError::internal)
}

/// The stratum salts of a draw (only those who may read its manifest may see them).
pub async fn stratum_salts(db: &AnyPool, draw_id: i64) -> Result<Option<BTreeMap<String, String>>, AppError> {
    let json: Option<Option<String>> = sqlx::query_scalar("SELECT stratum_salts FROM draws WHERE id = $1")
        .bind(draw_id)
        .fetch_optional(db)
        .await?;
    json.flatten().map(|j| serde_json::from_str(&j).map_err(AppError::internal)).transpose()
}

/// Gives every draw with several strata that was frozen before salts existed its salts
/// (run at start, after the migrations; a no-op once done).
pub async fn fill_missing_salts(db: &AnyPool) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT d.id FROM draws d WHERE d.stratum_salts IS NULL \
         AND (SELECT count(DISTINCT p.stratum) FROM draw_pool p WHERE p.draw_id = d.id) > 1",
    )
    .fetch_all(db)
    .await?;
    for &id in &ids {
        let strata: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT stratum FROM draw_pool WHERE draw_id = $1 ORDER BY stratum")
                .bind(id)
                .fetch_all(db)
                .await?;
        let pool: Vec<PoolEntry> =
            strata.into_iter().map(|stratum| PoolEntry { code: String::new(), stratum }).collect();
        let mut tx = crate::ssr::db::begin_write(db).await?;
        sqlx::query("UPDATE draws SET stratum_salts = $1 WHERE id = $2 AND stratum_salts IS NULL")
            .bind(new_salts(&pool)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(ids.len())
}

/// The departments of a draw's task: the initiating one, then the joint one.
pub async fn departments_of_draw(db: &AnyPool, draw_id: i64) -> Result<Vec<String>, AppError> {
    let mut conn = db.acquire().await?;
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT t.id, t.initiating_department_id FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.id = $1",
    )
    .bind(draw_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (task_id, initiating) =
        row.ok_or_else(|| AppError::NotFound(format!("第 {draw_id} 号抽取不存在")))?;
    let joint = super::tasks::joint_departments(&mut conn, task_id).await?;
    Ok(std::iter::once(initiating).chain(joint).collect())
}

/// The stored manifest of a completed draw.
pub async fn manifest(db: &AnyPool, draw_id: i64) -> Result<Option<String>, AppError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT manifest FROM draws WHERE id = $1").bind(draw_id).fetch_optional(db).await?;
    Ok(row.and_then(|(m,)| m))
}

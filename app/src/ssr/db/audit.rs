//! 全程留痕 — the append-only audit log, each entry chained to the previous by SHA-256.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to record: who did what to which thing, and the state before and after.
pub struct Change<'a> {
    pub actor: &'a str,
    pub role: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The hash of an entry: SHA-256 over the previous hash and every field, as a JSON array
/// (so no field can be moved into its neighbour without changing the hash).
pub fn entry_hash(prev_hash: &str, seq: i64, at: &str, c: &Change<'_>) -> String {
    let fields = serde_json::json!([
        seq,
        at,
        c.actor,
        c.role,
        c.action,
        c.entity_type,
        c.entity_id,
        c.before,
        c.after
    ]);
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// Appends `change` inside the caller's transaction, so it lands with the change it records.
pub async fn append(conn: &mut AnyConnection, change: Change<'_>) -> Result<i64, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let at = crate::ssr::clock::now_utc();
    let hash = entry_hash(&prev, seq, &at, &change);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, role, action, entity_type, entity_id, \
         before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(&at)
    .bind(change.actor)
    .bind(change.role)
    .bind(change.action)
    .bind(change.entity_type)
    .bind(change.entity_id)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    // Whoever keeps something derived from the database in memory (the portal's
    // published results) asks again before its next use.
    APPENDS.fetch_add(1, std::sync::atomic::Ordering::Release);
    Ok(seq)
}

/// Entries this process has appended (a change signal: the log is the only writer of it).
static APPENDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many entries this process has appended so far. A cache of anything the audit log
/// records (every change does) is current while this has not moved and nothing else
/// wrote to the database; another server process's changes show in the log's `seq`.
pub fn appends() -> u64 {
    APPENDS.load(std::sync::atomic::Ordering::Acquire)
}

/// The hash of entry `seq`, if there is one.
pub async fn hash_of(db: &sqlx::AnyPool, seq: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1").bind(seq).fetch_optional(db).await
}

/// What walking the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReport {
    /// Every entry's `prev_hash` is the previous entry's hash and every hash recomputes.
    Whole { entries: i64, head: String },
    /// The first entry that does not fit, and why.
    Broken { seq: i64, reason: String },
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: String,
    actor: String,
    role: String,
    action: String,
    entity_type: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

/// Walks the whole chain from the first entry, recomputing every hash.
pub async fn verify_chain(db: &sqlx::AnyPool) -> Result<ChainReport, sqlx::Error> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query_as::<_, Row>("SELECT * FROM audit_log ORDER BY seq").fetch(db);
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut entries = 0;
    while let Some(r) = rows.try_next().await? {
        if r.seq != expected_seq {
            return Ok(ChainReport::Broken {
                seq: r.seq,
                reason: format!("序号不连续：应为 {expected_seq}"),
            });
        }
        if r.prev_hash != prev {
            return Ok(ChainReport::Broken {
                seq: r.seq, reason: "prev_hash 与上一条的哈希不一致".into()
            });
        }
        let parse = |s: &Option<String>| -> Result<Option<serde_json::Value>, String> {
            s.as_deref().map(serde_json::from_str).transpose().map_err(|e| format!("JSON 无法解析：{e}"))
        };
        let (before, after) = match (parse(&r.before_json), parse(&r.after_json)) {
            (Ok(b), Ok(a)) => (b, a),
            (Err(e), _) | (_, Err(e)) => return Ok(ChainReport::Broken { seq: r.seq, reason: e }),
        };
        let change = Change {
            actor: &r.actor,
            role: &r.role,
            action: &r.action,
            entity_type: &r.entity_type,
            entity_id: &r.entity_id,
            before,
            after,
        };
        if entry_hash(&r.prev_hash, r.seq, &r.at, &change) != r.hash {
            return Ok(ChainReport::Broken {
                seq: r.seq, reason: "内容与哈希不符（记录被改动）".into()
            });
        }
        prev = r.hash;
        expected_seq += 1;
        entries += 1;
    }
    Ok(ChainReport::Whole { entries, head: prev })
}

/// The newest entry's number and hash (the chain head the portal shows).
pub async fn head(db: &sqlx::AnyPool) -> Result<(i64, String), sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(last.unwrap_or((0, GENESIS.to_owned())))
}

pub use crate::domain::audit::{AuditEntry, AuditFilter};

/// Entries matching `f`, newest first, at most `limit`, with the total count.
pub async fn search(
    db: &sqlx::AnyPool,
    f: &AuditFilter,
    limit: i64,
) -> Result<(Vec<AuditEntry>, i64), sqlx::Error> {
    let mut count = crate::ssr::db::QueryBuilder::new("SELECT count(*)");
    push_filters(&mut count, f);
    let total: i64 = count.build_query_scalar().fetch_one(db).await?;
    let mut q = crate::ssr::db::QueryBuilder::new(
        "SELECT a.seq, a.at, a.actor, coalesce(u.display_name, a.actor) AS actor_name, a.role, a.action, \
         a.entity_type, a.entity_id, a.before_json AS before, a.after_json AS after, a.hash",
    );
    push_filters(&mut q, f);
    q.push(" ORDER BY a.seq DESC LIMIT ").push_bind(limit);
    let entries = q.build_query_as::<AuditEntry>().fetch_all(db).await?;
    Ok((entries, total))
}

/// `FROM … WHERE …` of an audit search.
fn push_filters(qb: &mut crate::ssr::db::QueryBuilder<'_>, f: &AuditFilter) {
    qb.push(" FROM audit_log a LEFT JOIN users u ON u.username = a.actor WHERE 1 = 1");
    let person = f.person.trim();
    if !person.is_empty() {
        qb.push(" AND (a.actor = ").push_bind(person.to_owned());
        qb.push(" OR u.display_name LIKE ").push_bind(format!("%{person}%")).push(")");
    }
    if let Some(task) = f.task_id {
        qb.push(" AND ((a.entity_type = 'task' AND a.entity_id = ").push_bind(task.to_string());
        qb.push(") OR (a.entity_type = 'result' AND a.entity_id LIKE ")
            .push_bind(format!("{task}:%"))
            .push("))");
    }
    let enterprise = f.enterprise.trim();
    if !enterprise.is_empty() {
        qb.push(" AND ((a.entity_type = 'enterprise' AND a.entity_id = ").push_bind(enterprise.to_owned());
        qb.push(") OR (a.entity_type = 'result' AND a.entity_id LIKE ").push_bind(format!("%:{enterprise}"));
        qb.push("))");
    }
    if !f.from.trim().is_empty() {
        qb.push(" AND a.at >= ").push_bind(f.from.trim().to_owned());
    }
    if !f.to.trim().is_empty() {
        // `to` is a date; every time on that day sorts before `YYYY-MM-DDU`.
        qb.push(" AND a.at < ").push_bind(format!("{}U", f.to.trim()));
    }
}

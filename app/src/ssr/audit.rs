//! 全程留痕 — the append-only audit log, each entry chained to the previous by SHA-256.

use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

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
pub async fn append(conn: &mut SqliteConnection, change: Change<'_>) -> Result<i64, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let at = super::now_utc();
    let hash = entry_hash(&prev, seq, &at, &change);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, role, action, entity_type, entity_id, \
         before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    Ok(seq)
}

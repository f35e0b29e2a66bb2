//! Sign-in, sessions and the request guard.
//!
//! Passwords: argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). Sessions: a
//! random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
//! SHA-256, so a copy of the database cannot be used to sign in. A session ends after
//! [`IDLE_SECS`] without a request or [`ABSOLUTE_SECS`] after sign-in, when the account
//! signs out, or when the account is disabled (every session of it is deleted, and a
//! session of an inactive account is never honoured). Sign-in always makes a new token, so
//! a token planted before sign-in is worthless.

use crate::domain::audit::Actor;
use crate::domain::auth::{Role, SessionUser};
use crate::error::AppError;
use crate::ssr::clock::now_unix;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use std::net::SocketAddr;

/// The session cookie's name.
pub const COOKIE: &str = "ss_session";
/// A session ends after this long without a request.
pub const IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// Failed sign-ins are counted over this window.
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// Failures of one account from one address before each further try has to wait…
pub const FREE_FAILURES_PER_PAIR: i64 = 5;
/// …first this long, doubling with every further failure…
pub const BACKOFF_BASE_SECS: i64 = 30;
/// …up to this.
pub const MAX_BACKOFF_SECS: i64 = THROTTLE_WINDOW_SECS;
/// Failures from one address (over any names) in the window before it waits.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// Failures of one account from all addresses together in the window before every
/// address waits (guessing spread over many addresses); an administrator can clear them.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
/// Password checks running at once: each holds 19 MiB, so this bounds the memory that
/// sign-ins can take whatever arrives.
pub const CONCURRENT_PASSWORD_CHECKS: usize = 4;
/// How long a sign-in waits for a free check before it is told to try again (503).
const PASSWORD_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Longest user name and password a sign-in reads.
const MAX_SIGN_IN_CHARS: usize = 256;
/// `last_seen_at` is written at most this often per session (one write per request would
/// serialise every page view on the database's single writer).
const TOUCH_EVERY_SECS: i64 = 60;

/// Hashes a password with argon2id (OWASP parameters are the crate's defaults).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// [`verify_password`] with argon2's working memory (19 MiB for our parameters) given by
/// the caller, so that a few buffers serve every sign-in: allocating afresh for each
/// check left freed megabytes with the allocator's per-thread arenas, and 150 sign-ins at
/// once grew the process by 900 MB even with four checks at a time.
pub fn verify_password_in(stored: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::password_hash::Output;
    use argon2::{Algorithm, Params, Version};
    let Ok(h) = PasswordHash::new(stored) else { return false };
    let Ok(algorithm) = Algorithm::try_from(h.algorithm) else { return false };
    let version = match h.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&h) else { return false };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let ok = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok();
    // `Output`'s equality is constant-time.
    ok && Output::new(&out).is_ok_and(|o| o == expected)
}

/// The working memories of the password checks in progress, reused (see
/// [`verify_password_in`]); never more than [`CONCURRENT_PASSWORD_CHECKS`] exist.
static CHECK_MEMORY: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());

/// Checks a password on a blocking thread, one of at most [`CONCURRENT_PASSWORD_CHECKS`]
/// at a time, with reused memory; `None` when no check came free within
/// [`PASSWORD_CHECK_WAIT`].
async fn check_password(stored: String, password: String) -> Result<Option<bool>, AppError> {
    let Ok(Ok(_permit)) = tokio::time::timeout(PASSWORD_CHECK_WAIT, PASSWORD_CHECKS.acquire()).await else {
        return Ok(None);
    };
    let mut memory = CHECK_MEMORY.lock().map(|mut m| m.pop()).unwrap_or_default().unwrap_or_default();
    let (ok, memory) = tokio::task::spawn_blocking(move || {
        let ok = verify_password_in(&stored, &password, &mut memory);
        (ok, memory)
    })
    .await
    .map_err(AppError::internal)?;
    if let Ok(mut pool) = CHECK_MEMORY.lock() {
        pool.push(memory);
    }
    Ok(Some(ok))
}

/// A PHC string nobody's password matches, verified against when the account does not
/// exist so that an unknown name takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that is never accepted").unwrap_or_default())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The user behind the request, set by [`session_layer`] on every request.
#[derive(Clone, Debug, Default)]
pub struct CurrentUser(pub Option<SessionUser>);

/// The request's session token (to sign out), if it carried a valid one.
#[derive(Clone, Debug)]
pub struct SessionToken(pub String);

/// The client's address: the socket's peer, or what a trusted proxy says it is.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Whether the request reached the site over HTTPS (the configured site address is
/// HTTPS, or a trusted proxy says so).
#[derive(Clone, Copy, Debug)]
pub struct OverHttps(pub bool);

/// Resolves the session cookie into [`CurrentUser`], works out the client's address, and
/// refuses state-changing requests whose `Origin` (or, without one, `Referer`) is not
/// this site's configured address (cross-site request forgery, DNS rebinding).
pub async fn session_layer(
    State(db): State<AnyPool>,
    State(settings): State<std::sync::Arc<crate::ssr::net::settings::Settings>>,
    mut req: Request,
    next: Next,
) -> Response {
    let settings = &*settings;
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !same_origin(settings, req.headers())
    {
        return (StatusCode::FORBIDDEN, "请求来源与本站不一致，已拒绝（跨站请求）").into_response();
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let address = match peer {
        Some(peer) => settings.client_ip(peer, forwarded).to_string(),
        None => "unknown".into(),
    };
    let proxied_https = peer.is_some_and(|p| settings.trusts(p)) && is_https(req.headers());
    let over_https = settings.is_https() || proxied_https;
    let mut user = None;
    if let Some(token) = cookie(req.headers(), COOKIE) {
        match resolve(&db, &token).await {
            Ok(Some(u)) => {
                user = Some(u);
                req.extensions_mut().insert(SessionToken(token));
            }
            Ok(None) => {}
            Err(e) => tracing::error!("session lookup failed: {e}"),
        }
    }
    req.extensions_mut().insert(CurrentUser(user));
    req.extensions_mut().insert(ClientAddress(address));
    req.extensions_mut().insert(OverHttps(over_https));
    next.run(req).await
}

/// Whether the request's `Origin` (or `Referer`) is one of the site's configured origins.
/// `Host` is not consulted: a page on a rebound domain sends a `Host` and an `Origin`
/// that agree with each other, but not with the configured address.
pub fn same_origin(settings: &crate::ssr::net::settings::Settings, headers: &HeaderMap) -> bool {
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    source.and_then(|v| v.to_str().ok()).is_some_and(|s| settings.is_site_origin(s))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value for a new session (`Secure` when the site is served over HTTPS).
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_SECS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", if secure { "; Secure" } else { "" })
}

/// Whether a proxy's `X-Forwarded-Proto` says HTTPS (believed only from trusted proxies).
fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    department_id: Option<String>,
    department_name: Option<String>,
    inspector_id: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> Option<SessionUser> {
        Some(SessionUser {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: Role::parse(&self.role)?,
            department_id: self.department_id,
            department_name: self.department_name,
            inspector_id: self.inspector_id,
        })
    }
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.department_id, \
    d.short_name AS department_name, u.inspector_id";

/// The active user of a live session; expired sessions are deleted on the way.
pub async fn resolve(db: &AnyPool, token: &str) -> Result<Option<SessionUser>, sqlx::Error> {
    let hash = token_hash(token);
    let now = now_unix();
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT created_at, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(db)
            .await?;
    let Some((created, seen)) = row else { return Ok(None) };
    if now - seen > IDLE_SECS || now - created > ABSOLUTE_SECS {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(db).await?;
        return Ok(None);
    }
    let user: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN departments d ON d.id = u.department_id WHERE s.token_hash = $1 AND u.active = 1"
    ))
    .bind(&hash)
    .fetch_optional(db)
    .await?;
    if user.is_some() && now - seen >= TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db)
            .await?;
    }
    Ok(user.and_then(UserRow::into_user))
}

/// How long a sign-in must wait, in seconds, given the failures in the window: of this
/// account from this address (`pair`), from this address (`address`) and of this account
/// from anywhere (`account`), each as (count, Unix time of the newest). `None`: it may go on.
///
/// One address guessing one account gets [`FREE_FAILURES_PER_PAIR`] tries, then waits
/// [`BACKOFF_BASE_SECS`], doubling with each failure, up to [`MAX_BACKOFF_SECS`]: the owner
/// signing in from another address is not locked out by it. An address failing over many
/// names, and an account failing from many addresses, wait a whole window.
pub fn throttle_wait(pair: (i64, i64), address: (i64, i64), account: (i64, i64), now: i64) -> Option<i64> {
    let mut wait = 0;
    if pair.0 >= FREE_FAILURES_PER_PAIR {
        let doublings = u32::try_from(pair.0 - FREE_FAILURES_PER_PAIR).unwrap_or(u32::MAX).min(20);
        let backoff = BACKOFF_BASE_SECS.saturating_mul(1 << doublings).min(MAX_BACKOFF_SECS);
        wait = wait.max(pair.1 + backoff - now);
    }
    if address.0 >= MAX_FAILURES_PER_ADDRESS {
        wait = wait.max(address.1 + THROTTLE_WINDOW_SECS - now);
    }
    if account.0 >= MAX_FAILURES_PER_ACCOUNT {
        wait = wait.max(account.1 + THROTTLE_WINDOW_SECS - now);
    }
    (wait > 0).then_some(wait)
}

/// "请 N 秒后再试" / "请 N 分钟后再试".
fn wait_words(secs: i64) -> String {
    if secs < 120 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", (secs + 59) / 60)
    }
}

/// Password checks in progress (see [`CONCURRENT_PASSWORD_CHECKS`]).
static PASSWORD_CHECKS: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(CONCURRENT_PASSWORD_CHECKS);

/// Checks the password, throttling failures per account and address (see
/// [`throttle_wait`]); on success opens a new session and returns the user and the
/// session token. Every attempt is recorded, as a failure, *before* its password is
/// checked, under the database's write lock: however many arrive at once, each sees the
/// ones before it, and a success then marks its own row. A success is also audited.
pub async fn sign_in(
    db: &AnyPool,
    username: &str,
    password: &str,
    address: &str,
) -> Result<(SessionUser, String), AppError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::invalid("username", "请输入用户名"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "请输入密码"));
    }
    if username.chars().count() > MAX_SIGN_IN_CHARS || password.chars().count() > MAX_SIGN_IN_CHARS {
        return Err(AppError::invalid("password", "用户名或密码不正确，或账号已停用"));
    }
    let now = now_unix();
    let since = now - THROTTLE_WINDOW_SECS;

    let mut tx = crate::ssr::db::begin_write(db).await?;
    let counts: (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sign_in_attempts WHERE username = $1 AND address = $2 AND ok = 0 \
                   AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE username = $1 AND address = $2 AND ok = 0 \
                   AND cleared_at IS NULL AND at > $3), \
                (SELECT count(*) FROM sign_in_attempts WHERE address = $2 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE address = $2 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT count(*) FROM sign_in_attempts WHERE username = $1 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE username = $1 AND ok = 0 AND cleared_at IS NULL AND at > $3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    let newest = |t: Option<i64>| t.unwrap_or(now);
    if let Some(wait) = throttle_wait(
        (counts.0, newest(counts.1)),
        (counts.2, newest(counts.3)),
        (counts.4, newest(counts.5)),
        now,
    ) {
        return Err(AppError::Throttled(format!("登录失败次数过多，请 {}后再试", wait_words(wait))));
    }
    let attempt: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (username, address, ok, at) VALUES ($1, $2, 0, $3) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let row: Option<(String, crate::ssr::db::Flag)> =
        sqlx::query_as("SELECT password_hash, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;

    let stored = row.as_ref().map(|(h, _)| h.clone()).unwrap_or_else(|| decoy_hash().to_owned());
    let Some(matches) = check_password(stored, password.to_owned()).await? else {
        // Not checked: the attempt does not count against anyone.
        sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1").bind(attempt).execute(db).await?;
        return Err(AppError::Unavailable("登录请求过多，请稍后再试".into()));
    };
    if !(matches && row.as_ref().is_some_and(|(_, active)| active.0)) {
        return Err(AppError::invalid("password", "用户名或密码不正确，或账号已停用"));
    }

    let mut tx = crate::ssr::db::begin_write(db).await?;
    sqlx::query("UPDATE sign_in_attempts SET ok = 1 WHERE id = $1").bind(attempt).execute(&mut *tx).await?;
    // The owner is in: this address's earlier failures for the account stop counting.
    sqlx::query(
        "UPDATE sign_in_attempts SET cleared_at = $1 WHERE username = $2 AND address = $3 AND ok = 0 \
         AND cleared_at IS NULL",
    )
    .bind(now)
    .bind(username)
    .bind(address)
    .execute(&mut *tx)
    .await?;
    let user: UserRow = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.username = $1"
    ))
    .bind(username)
    .fetch_one(&mut *tx)
    .await?;
    let user = user.into_user().ok_or_else(|| AppError::internal("unknown role in users"))?;
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(AppError::internal)?;
    let token = hex::encode(raw);
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user.id)
    .bind(now)
    .bind(now)
    .bind(address)
    .execute(&mut *tx)
    .await?;
    crate::ssr::db::audit::append(
        &mut tx,
        crate::ssr::db::audit::Change {
            actor: &user.username,
            role: user.role.code(),
            action: "auth.sign_in",
            entity_type: "user",
            entity_id: &user.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((user, token))
}

/// An administrator clears an account's failed sign-ins (解除登录限制); they stay on record
/// with the time they were cleared. Returns how many were cleared.
pub async fn clear_failures(db: &AnyPool, username: &str, actor: Actor<'_>) -> Result<i64, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    let id = id.ok_or_else(|| AppError::NotFound(format!("没有账号“{username}”")))?;
    let cleared = sqlx::query(
        "UPDATE sign_in_attempts SET cleared_at = $1 WHERE username = $2 AND ok = 0 AND cleared_at IS NULL",
    )
    .bind(now_unix())
    .bind(username)
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    crate::ssr::db::audit::append(
        &mut tx,
        crate::ssr::db::audit::Change {
            actor: actor.name,
            role: actor.role,
            action: "auth.unlock",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "username": username, "cleared_failures": cleared })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(cleared)
}

/// Ends one session.
pub async fn sign_out(db: &AnyPool, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(db).await?;
    Ok(())
}

/// The request parts of the current server function or page render.
fn parts() -> Option<axum::http::request::Parts> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
}

/// The signed-in user, if any.
pub fn current_user() -> Option<SessionUser> {
    parts().and_then(|p| p.extensions.get::<CurrentUser>().and_then(|c| c.0.clone()))
}

/// The signed-in user, or 401.
pub fn user() -> Result<SessionUser, AppError> {
    current_user().ok_or_else(|| AppError::Unauthorized("请先登录".into()))
}

/// The signed-in user if their role is one of `roles`; 401 or 403 otherwise.
pub fn require(roles: &[Role]) -> Result<SessionUser, AppError> {
    let user = user()?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        Err(AppError::Forbidden(format!(
            "此操作须由{}办理，当前账号为{}",
            names.join("或"),
            user.role.label()
        )))
    }
}

/// The request's session token, if it carried a live one.
pub fn session_token() -> Option<String> {
    parts().and_then(|p| p.extensions.get::<SessionToken>().map(|t| t.0.clone()))
}

/// The client's address.
pub fn client_address() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

/// Whether the current request came over HTTPS.
pub fn request_is_https() -> bool {
    parts().and_then(|p| p.extensions.get::<OverHttps>().copied()).is_some_and(|h| h.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_name_the_configured_site() {
        let local =
            crate::ssr::net::settings::Settings::new("", "", "127.0.0.1:3000".parse().unwrap()).unwrap();
        let ok = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "http://127.0.0.1:3000")]);
        assert!(same_origin(&local, &ok));
        let site = crate::ssr::net::settings::Settings::new(
            "https://a.example",
            "",
            "127.0.0.1:3000".parse().unwrap(),
        )
        .unwrap();
        let referer = headers(&[(header::HOST, "a.example"), (header::REFERER, "https://a.example/tasks/1")]);
        assert!(same_origin(&site, &referer));
        for bad in
            ["http://evil.example", "null", "http://127.0.0.1:3001", "http://127.0.0.1:3000.evil.example"]
        {
            assert!(
                !same_origin(&local, &headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, bad)])),
                "{bad}"
            );
        }
        // A rebound name: Host and Origin agree with each other, not with the site.
        let rebound =
            headers(&[(header::HOST, "evil.example:3000"), (header::ORIGIN, "http://evil.example:3000")]);
        assert!(!same_origin(&local, &rebound));
        assert!(!same_origin(&local, &headers(&[(header::HOST, "127.0.0.1:3000")])), "no Origin, no Referer");
    }

    #[test]
    fn cookie_is_found_and_checked() {
        let token = "ab".repeat(32);
        let h = headers(&[(header::COOKIE, &format!("x=1; {COOKIE}={token}; y=2"))]);
        assert_eq!(cookie(&h, COOKIE), Some(token.clone()));
        let h = headers(&[(header::COOKIE, &format!("{COOKIE}=not-hex"))]);
        assert_eq!(cookie(&h, COOKIE), None);
        assert!(session_cookie(&token, true).contains("HttpOnly; SameSite=Strict"));
        assert!(session_cookie(&token, true).ends_with("; Secure"));
        assert!(!session_cookie(&token, false).contains("Secure"));
    }

    #[test]
    fn failures_back_off_per_account_and_address_instead_of_locking_the_account() {
        let now = 1_000_000;
        let none = (0, now);
        assert_eq!(throttle_wait((4, now), none, (4, now), now), None, "four failures cost nothing");
        assert_eq!(throttle_wait((5, now), none, (5, now), now), Some(30));
        assert_eq!(throttle_wait((5, now - 30), none, (5, now - 30), now), None, "waited long enough");
        assert_eq!(throttle_wait((7, now), none, (7, now), now), Some(120), "doubling");
        assert_eq!(throttle_wait((40, now), none, (40, now), now), Some(MAX_BACKOFF_SECS), "capped");
        // The same account from another address is not held back by those failures…
        assert_eq!(throttle_wait(none, none, (40, now), now), None);
        // …until the whole account has failed from many addresses.
        assert_eq!(throttle_wait(none, none, (50, now - 60), now), Some(THROTTLE_WINDOW_SECS - 60));
        assert_eq!(throttle_wait(none, (20, now), none, now), Some(THROTTLE_WINDOW_SECS));
        assert_eq!(wait_words(30), "30 秒");
        assert_eq!(wait_words(900), "15 分钟");
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
        // The same answers with reused memory, whatever the memory held before.
        let mut memory = Vec::new();
        for _ in 0..2 {
            assert!(verify_password_in(&h, "correct horse battery", &mut memory));
            assert!(!verify_password_in(&h, "wrong horse battery", &mut memory));
        }
        assert!(!verify_password_in("not a hash", "x", &mut memory));
    }
}

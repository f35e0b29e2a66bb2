//! Sign-in, sessions and the request guard.
//!
//! Passwords: argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). Sessions: a
//! random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
//! SHA-256, so a copy of the database cannot be used to sign in. A session ends after
//! [`IDLE_SECS`] without a request or [`ABSOLUTE_SECS`] after sign-in, when the account
//! signs out, or when the account is disabled (every session of it is deleted, and a
//! session of an inactive account is never honoured). Sign-in always makes a new token, so
//! a token planted before sign-in is worthless.

use super::{now_unix, Actor};
use crate::domain::auth::{Role, SessionUser};
use crate::error::AppError;
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
/// Failed sign-ins are counted over this window…
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// …and refused beyond this many per account…
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// …or this many per address.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
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

/// The client's address as the socket saw it.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Resolves the session cookie into [`CurrentUser`], and refuses state-changing requests
/// whose `Origin` (or, without one, `Referer`) is not this site (cross-site request forgery).
pub async fn session_layer(State(db): State<AnyPool>, mut req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) && !same_origin(req.headers()) {
        return (StatusCode::FORBIDDEN, "请求来源与本站不一致，已拒绝（跨站请求）").into_response();
    }
    let address = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
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
    next.run(req).await
}

/// Whether the request's `Origin` (or `Referer`) names the host it was sent to.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    let Some(source) = source.and_then(|v| v.to_str().ok()) else { return false };
    let Some((scheme, rest)) = source.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
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

/// Whether the request reached us over HTTPS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
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

/// Checks the password, throttling failures per account and per address; on success
/// opens a new session and returns the user and the session token. Every attempt is
/// recorded; a success also in the audit log.
pub async fn sign_in(
    db: &AnyPool,
    username: &str,
    password: &str,
    address: &str,
) -> Result<(SessionUser, String), AppError> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::invalid("username", "请输入用户名和密码"));
    }
    let now = now_unix();
    let since = now - THROTTLE_WINDOW_SECS;
    let (by_account, by_address): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sign_in_attempts WHERE username = $1 AND ok = 0 AND at > $3), \
                (SELECT count(*) FROM sign_in_attempts WHERE address = $2 AND ok = 0 AND at > $3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(db)
    .await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(AppError::Throttled(format!(
            "登录失败次数过多，请 {} 分钟后再试",
            THROTTLE_WINDOW_SECS / 60
        )));
    }
    let row: Option<(String, crate::ssr::db::Flag)> =
        sqlx::query_as("SELECT password_hash, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(db)
            .await?;
    let stored = row.as_ref().map(|(h, _)| h.clone()).unwrap_or_else(|| decoy_hash().to_owned());
    let pw = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&stored, &pw))
        .await
        .map_err(AppError::internal)?;
    let ok = matches && row.as_ref().is_some_and(|(_, active)| active.0);

    let mut tx = crate::ssr::db::begin_write(db).await?;
    sqlx::query("INSERT INTO sign_in_attempts (username, address, ok, at) VALUES ($1, $2, $3, $4)")
        .bind(username)
        .bind(address)
        .bind(i64::from(ok))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if !ok {
        tx.commit().await?;
        return Err(AppError::invalid("password", "用户名或密码不正确，或账号已停用"));
    }
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
    super::audit::append(
        &mut tx,
        super::audit::Change {
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
    parts().is_some_and(|p| is_https(&p.headers))
}

impl SessionUser {
    /// This user as the author of a change.
    pub fn actor(&self) -> Actor<'_> {
        Actor { name: &self.username, role: self.role.code() }
    }
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
    fn origin_must_name_this_host() {
        let ok = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "http://127.0.0.1:3000")]);
        assert!(same_origin(&ok));
        let referer = headers(&[(header::HOST, "a.example"), (header::REFERER, "https://a.example/tasks/1")]);
        assert!(same_origin(&referer));
        for bad in
            ["http://evil.example", "null", "http://127.0.0.1:3001", "http://127.0.0.1:3000.evil.example"]
        {
            assert!(
                !same_origin(&headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, bad)])),
                "{bad}"
            );
        }
        assert!(!same_origin(&headers(&[(header::HOST, "127.0.0.1:3000")])), "no Origin, no Referer");
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
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
    }
}

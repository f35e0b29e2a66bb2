//! The request guard: the session cookie resolved into the signed-in user, the client's
//! address, the cross-site check, and what a server function or page reads of them.

use crate::domain::auth::{Role, SessionUser};
use crate::error::AppError;
use crate::ssr::clock::now_unix;
use crate::ssr::db::sessions;
pub use crate::ssr::net::settings::{ClientAddress, OverHttps};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use std::net::SocketAddr;

/// The session cookie's name.
pub const COOKIE: &str = "ss_session";
/// A session ends after this long without a request (by default; `session_idle`).
pub const IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after sign-in, however busy (by default; `session_absolute`).
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// `last_seen_at` is written at most this often per session (one write per request would
/// serialise every page view on the database's single writer).
const TOUCH_EVERY_SECS: i64 = 60;

/// The user behind the request, set by [`session_layer`] on every request.
#[derive(Clone, Debug, Default)]
pub struct CurrentUser(pub Option<SessionUser>);

/// The request's session token (to sign out), if it carried a valid one.
#[derive(Clone, Debug)]
pub struct SessionToken(pub String);

/// Resolves the session cookie into [`CurrentUser`], works out the client's address, and
/// refuses state-changing requests whose `Origin` (or, without one, `Referer`) is not
/// this site's configured address (cross-site request forgery, DNS rebinding).
pub async fn session_layer(
    State(db): State<AnyPool>,
    State(settings): State<std::sync::Arc<crate::ssr::net::settings::Settings>>,
    State(policy): State<std::sync::Arc<crate::ssr::state::Policy>>,
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
        match resolve(&db, &token, &policy).await {
            Ok(Some(u)) => {
                user = Some(u);
                req.extensions_mut().insert(SessionToken(token));
            }
            Ok(None) => {}
            // The database too busy to say who this is (every connection taken): a signed-in
            // user is told to retry, never treated as signed out.
            Err(e) => {
                // (The router's error layer adds Retry-After to every 503.)
                tracing::warn!("session lookup failed: {e}; answered 503");
                return crate::error::AppError::Unavailable(crate::error::DATABASE_BUSY.into())
                    .into_status_response();
            }
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

/// The `Set-Cookie` value for a new session (`Secure` when the site is served over HTTPS),
/// kept by the browser as long as the session can live.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        crate::ssr::state::policy().session_absolute_secs,
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

/// The active user of a live session; sessions past `policy`'s lifetimes are deleted on
/// the way.
pub async fn resolve(
    db: &AnyPool,
    token: &str,
    policy: &crate::ssr::state::Policy,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let hash = token_hash(token);
    let now = now_unix();
    let Some((created, seen)) = sessions::times(db, &hash).await? else { return Ok(None) };
    if now - seen > policy.session_idle_secs || now - created > policy.session_absolute_secs {
        sessions::delete(db, &hash).await?;
        return Ok(None);
    }
    let user = sessions::user_of(db, &hash).await?;
    if user.is_some() && now - seen >= TOUCH_EVERY_SECS {
        sessions::touch(db, &hash, now).await?;
    }
    Ok(user)
}

/// The SHA-256 of a session token, as the database keeps it.
pub(super) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

/// The signed-in user if their role may call an endpoint of `rule` (one of
/// `domain::endpoints`' role rules) at all; 401, or 403 saying `refusal`, otherwise.
pub fn require_rule(
    rule: fn(Role) -> crate::domain::access::Reach,
    refusal: &str,
) -> Result<SessionUser, AppError> {
    let user = user()?;
    AppError::unless_role(user.role, rule, refusal)?;
    Ok(user)
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
}

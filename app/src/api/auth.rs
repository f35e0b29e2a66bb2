//! Server functions for signing in and out, and who is signed in.

use crate::domain::auth::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    Ok(crate::ssr::auth::current_user())
}

/// Signs in: sets a fresh session cookie and returns where to go next (a path on this
/// site; anything else becomes `/`).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String, next: Option<String>) -> Result<String, AppError> {
    use crate::ssr::auth;
    let db = crate::ssr::db()?;
    // A sign-in always replaces the session the browser had (no session fixation).
    if let Some(old) = auth::session_token() {
        auth::sign_out(&db, &old).await?;
    }
    let (_, token) = match auth::sign_in(&db, &username, &password, &auth::client_address()).await {
        Ok(signed_in) => signed_in,
        Err(e) => {
            // A plain form post goes back to the sign-in page with the reason; a script
            // caller gets the error itself.
            let enc = crate::components::urlencode;
            leptos_axum::redirect(&format!(
                "/login?error={}&username={}&next={}",
                enc(&e.to_string()),
                enc(username.trim()),
                enc(&safe_next(next.as_deref()))
            ));
            return Err(e);
        }
    };
    let cookie = auth::session_cookie(&token, auth::request_is_https());
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        axum::http::header::SET_COOKIE,
        axum::http::HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    let next = safe_next(next.as_deref());
    leptos_axum::redirect(&next);
    Ok(next)
}

/// Signs out of this browser.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::auth;
    let db = crate::ssr::db()?;
    if let Some(token) = auth::session_token() {
        auth::sign_out(&db, &token).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        axum::http::header::SET_COOKIE,
        axum::http::HeaderValue::from_str(&auth::cleared_cookie(auth::request_is_https()))
            .map_err(AppError::internal)?,
    );
    leptos_axum::redirect("/login");
    Ok(())
}

/// A redirect target that stays on this site: a path starting with one `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

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
    let db = crate::ssr::state::db()?;
    // A sign-in always replaces the session the browser had (no session fixation).
    if let Some(old) = auth::session_token() {
        auth::sign_out(&db, &old).await?;
    }
    let (_, token) = match auth::sign_in(&db, &username, &password, &auth::client_address()).await {
        Ok(signed_in) => signed_in,
        Err(e) => {
            // A plain form post goes back to the sign-in page with the reason; a script
            // caller gets the error itself.
            let enc = crate::url::urlencode;
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
    let db = crate::ssr::state::db()?;
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

/// A redirect target that stays on this site: a path starting with exactly one `/`, with
/// no backslash and no control character or space anywhere (browsers drop tabs and line
/// breaks from a `Location`, so `/\t/evil.example` would become `//evil.example`); anything
/// else is the start page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && p.len() <= 2048
                && !p.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed() {
        for good in ["/", "/tasks/1", "/registry/enterprises?q=%E6%B2%B9&page=2", "/a//b"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/\u{7f}",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

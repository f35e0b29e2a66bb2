//! Response headers every page and file carries: the Content-Security-Policy, framing,
//! sniffing, referrer and transport rules, and who may cache what.
//!
//! The policy allows scripts only from this site, with this response's nonce (the
//! hydration script and the streamed resource data carry it) or with the hash of one of
//! the portal's own inline scripts; no inline event handlers, no plugins, no framing,
//! no `<base>`. If a name ever reached a page unescaped, the browser would still refuse
//! to run what it says.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The Content-Security-Policy for a page whose inline scripts carry `nonce` or have one
/// of `script_hashes` (`sha256-…` sources).
pub fn csp(nonce: Option<&str>, script_hashes: &[String]) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    if let Some(n) = nonce {
        script.push_str(&format!(" 'nonce-{n}'"));
    }
    for h in script_hashes {
        script.push_str(&format!(" '{h}'"));
    }
    format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'self'"
    )
}

/// The CSP source for an inline script with exactly this text: `sha256-<base64>`.
pub fn script_hash(text: &str) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// Adds the security headers to every response that does not set its own, and
/// `Cache-Control: no-store` to everything that is not public (staff pages, `/api`), so
/// no shared cache or back button keeps a staff page after sign-out.
pub async fn security_headers(
    State(settings): State<std::sync::Arc<super::settings::Settings>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let https = settings.is_https()
        || req.extensions().get::<super::settings::OverHttps>().is_some_and(|h| h.0)
        || forwarded_https(&settings, &req);
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, value(&csp(None, &[])));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if !is_public_path(&path) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Paths anyone may cache: the portal, its open data and live pages, the built assets.
fn is_public_path(path: &str) -> bool {
    path == "/public"
        || ["/public/", "/live/", "/pkg/", "/api/public/"].iter().any(|p| path.starts_with(p))
        || matches!(path, "/favicon.svg" | "/favicon.ico" | "/robots.txt")
}

fn forwarded_https(settings: &crate::ssr::net::settings::Settings, req: &Request) -> bool {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    peer.is_some_and(|p| settings.trusts(p))
        && req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

/// The header name of the policy (re-exported for the page shell).
pub const CSP: HeaderName = header::CONTENT_SECURITY_POLICY;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_this_site_and_this_response() {
        let p = csp(Some("abc"), &[script_hash("alert(1)")]);
        for part in [
            "script-src 'self' 'wasm-unsafe-eval' 'nonce-abc' 'sha256-",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(p.contains(part), "{part} in {p}");
        }
        assert!(!p.contains("script-src 'unsafe-inline'"));
        assert_eq!(script_hash(""), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert!(is_public_path("/public/tasks/1/draw"));
        assert!(is_public_path("/pkg/shuangsui.wasm"));
        assert!(!is_public_path("/publicity"));
        assert!(!is_public_path("/tasks/1"));
        assert!(!is_public_path("/api/results"));
    }
}

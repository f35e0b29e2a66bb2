//! The built site the server hands out under `/pkg` (and `/favicon.svg`): the copy embedded
//! in the binary when it was built (`server/build.rs`), so one file runs anywhere; or, for
//! the development loop (`cargo leptos watch`, `--site-root`), a directory read as it
//! changes.
//!
//! Embedded files are served as `ServeDir` serves the directory: the `.br` twin when the
//! client accepts brotli, else the `.gz` one, else the file itself, with an `ETag` per
//! encoding so a browser revalidates with a 304.

use app::ssr::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use tower_http::services::ServeDir;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/site.rs"));
}

/// Where the site's files come from.
#[derive(Clone, Debug)]
pub enum Site {
    /// The files embedded at build time.
    Embedded,
    /// A directory laid out as `scripts/build-site.sh` writes it.
    Dir(String),
}

/// Where the built assets are served (`/pkg/…`, public).
pub const PKG_PATH: &str = "/pkg/{*file}";

impl Site {
    /// The embedded site when `root` is empty, else the directory `root`.
    pub fn at(root: &str) -> Self {
        if root.is_empty() {
            Self::Embedded
        } else {
            Self::Dir(root.to_string())
        }
    }

    /// The file at `name` (e.g. `pkg/verifier.wasm`), if the site has it.
    pub fn file(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            Self::Embedded => embedded_file(name).map(Cow::Borrowed),
            Self::Dir(root) => std::fs::read(format!("{root}/{name}")).ok().map(Cow::Owned),
        }
    }

    /// What the server says at start about its site.
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded if embedded_file("pkg/shuangsui_bg.wasm").is_none() => {
                "this binary was built without a site bundle (scripts/build-site.sh, then build again): \
                 pages work but do not hydrate"
                    .to_string()
            }
            Self::Embedded => {
                let bytes: usize = embedded::FILES.iter().map(|(_, b)| b.len()).sum();
                format!(
                    "site bundle embedded ({} files, {:.1} MB)",
                    embedded::FILES.len(),
                    bytes as f64 / 1e6
                )
            }
            Self::Dir(root) => format!("site bundle read from {root}"),
        }
    }

    /// The `/pkg` routes: the embedded files, or the directory's `pkg/`.
    pub fn pkg_routes(&self) -> Router<AppState> {
        match self {
            Self::Embedded => Router::new().route(PKG_PATH, get(pkg_file)),
            Self::Dir(root) => Router::new().nest_service(
                "/pkg",
                ServeDir::new(format!("{root}/pkg")).precompressed_br().precompressed_gzip(),
            ),
        }
    }

    /// Answers what no route took: a file at the site's root (`/favicon.svg`), else the
    /// app's not-found page with 404.
    pub fn fallback(&self, router: Router<AppState>) -> Router<AppState> {
        match self {
            Self::Embedded => router.fallback(embedded_or_not_found),
            Self::Dir(_) => router.fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell)),
        }
    }
}

/// The embedded file at `name`, if any.
pub fn embedded_file(name: &str) -> Option<&'static [u8]> {
    embedded::FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// One servable file with its precompressed twins.
struct Asset {
    plain: &'static [u8],
    br: Option<&'static [u8]>,
    gz: Option<&'static [u8]>,
    content_type: &'static str,
    /// The first 16 hex digits of the plain file's SHA-256.
    hash: String,
}

/// The embedded files by path, each with its twins (which are not served on their own).
fn assets() -> &'static HashMap<&'static str, Asset> {
    static ASSETS: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let is_twin = |n: &str| {
            [".br", ".gz"]
                .iter()
                .any(|ext| n.strip_suffix(ext).is_some_and(|base| embedded_file(base).is_some()))
        };
        embedded::FILES
            .iter()
            .filter(|(name, _)| !is_twin(name))
            .map(|&(name, plain)| {
                let asset = Asset {
                    plain,
                    br: embedded_file(&format!("{name}.br")),
                    gz: embedded_file(&format!("{name}.gz")),
                    content_type: content_type(name),
                    hash: hex::encode(&Sha256::digest(plain)[..8]),
                };
                (name, asset)
            })
            .collect()
    })
}

/// The content type of a site file by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /pkg/{file}` from the embedded site.
async fn pkg_file(Path(file): Path<String>, method: Method, headers: HeaderMap) -> Response {
    serve(&format!("pkg/{file}"), &method, &headers).unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// The fallback of the embedded site: a file at its root, else the app's 404 page.
async fn embedded_or_not_found(State(state): State<AppState>, req: Request) -> Response {
    let name = req.uri().path().trim_start_matches('/').to_string();
    if let Some(resp) = serve(&name, req.method(), req.headers()) {
        return resp;
    }
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_in_order_with_context(
        move || leptos::prelude::provide_context(state.clone()),
        move || app::shell(options.clone()),
    );
    let mut resp = render(req).await;
    // As leptos_axum's own fallback: a page that set no other status is a 404.
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = StatusCode::NOT_FOUND;
    }
    resp
}

/// The embedded file `name` for a GET or HEAD with these headers, in the best encoding the
/// client takes; `None` when there is no such file.
fn serve(name: &str, method: &Method, headers: &HeaderMap) -> Option<Response> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let asset = assets().get(name)?;
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (body, encoding) = match (asset.br, asset.gz) {
        (Some(br), _) if accepts(accepted, "br") => (br, Some("br")),
        (_, Some(gz)) if accepts(accepted, "gzip") => (gz, Some("gzip")),
        _ => (asset.plain, None),
    };
    let etag = format!("\"{}{}\"", asset.hash, encoding.map(|e| format!("-{e}")).unwrap_or_default());
    let mut resp = if matches_etag(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut resp = body.into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
        if let Some(encoding) = encoding {
            resp.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        resp
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex and a dash"));
    if asset.br.is_some() || asset.gz.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Some(resp)
}

/// Whether an `Accept-Encoding` value takes `coding` (named or by `*`, with a q above 0).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut fields = part.split(';').map(str::trim);
        let name = fields.next().unwrap_or("");
        let q =
            fields.find_map(|f| f.strip_prefix("q=")).map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        (name.eq_ignore_ascii_case(coding) || name == "*") && q > 0.0
    })
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_taken_as_the_client_says() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("x-br", "br"));
    }

    #[test]
    fn a_known_etag_is_not_sent_again() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\", W/\"0011-br\""));
        assert!(matches_etag(&h, "\"0011-br\""));
        assert!(!matches_etag(&h, "\"0011\""));
    }
}

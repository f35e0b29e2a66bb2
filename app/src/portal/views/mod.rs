//! The portal's pages: plain server-rendered HTML (Leptos views rendered to a string,
//! no hydration), readable at 360 px, with the CSS inline so a phone needs one request.
//! Only the draw page loads anything else: the verifier's WASM, when its button is pressed.
//!
//! This file holds the shell every page shares ([`page`], [`error_page`]), the inline
//! scripts' hashes for the CSP and small text helpers; each page (or close group) has
//! its own file.

mod draw;
mod enterprise;
mod guide;
mod home;
mod live;
mod open_data;
mod penalties;
mod plan;
mod results;
mod verify;

pub use draw::draw_page;
pub use enterprise::enterprise_page;
pub use guide::{guide_page, VERIFY_PY};
pub use home::home;
pub use live::live_page;
pub use open_data::data_page;
pub use penalties::penalties_page;
pub use plan::plan_page;
pub use results::{results_page, task_results_page};
pub use verify::verify_page;

use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

const CSS: &str = include_str!("../../../../style/portal.css");
const VERIFY_JS: &str = include_str!("verify.js");
const LIVE_JS: &str = include_str!("live.js");

/// The CSP sources of the portal's inline scripts (their SHA-256), so that these and
/// nothing else inline may run on its pages.
pub fn script_hashes() -> &'static [String] {
    static HASHES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| {
        [VERIFY_JS, LIVE_JS].iter().map(|js| crate::ssr::net::headers::script_hash(js)).collect()
    })
}

/// The site name on every portal page.
pub const PORTAL_NAME: &str = "双随机、一公开 · 公示平台";

/// The bureau that publishes (the configuration's `bureau_name` and `region`), named in
/// every page's footer; set once per process when the server starts.
static PUBLISHER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names the bureau in the footer of every page this process renders (the first call wins).
pub fn set_publisher(bureau_name: &str, region: &str) {
    let name = match (bureau_name.trim(), region.trim()) {
        (name, "") => name.to_string(),
        ("", region) => region.to_string(),
        (name, region) => format!("{name}（{region}）"),
    };
    let _ = PUBLISHER.set(name);
}

/// A whole page: head, header with navigation, `main`, footer.
pub fn page(title: &str, body: impl IntoView + 'static) -> String {
    let publisher =
        PUBLISHER.get().filter(|p| !p.is_empty()).map(|p| view! { <p>{format!("公示单位：{p}")}</p> });
    let full_title =
        if title.is_empty() { PORTAL_NAME.to_string() } else { format!("{title} · {PORTAL_NAME}") };
    let html = view! {
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="市场监管随机抽查计划、抽取过程与检查结果公示；每次抽取均可在浏览器中独立复核。"/>
                // Raw text elements get their content whole (`inner_html`): no hydration
                // marker may land inside them, where a browser would show or run it.
                <title inner_html=crate::escape_html(&full_title)></title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <style inner_html=CSS></style>
            </head>
            <body>
                <a class="skip" href="#main">"跳到正文"</a>
                <header class="top">
                    <a class="brand" href="/public">{PORTAL_NAME}</a>
                    <nav aria-label="公示平台">
                        <a href="/public">"首页"</a>
                        <a href="/public/plans">"年度计划"</a>
                        <a href="/public/results">"结果查询"</a>
                        <a href="/public/penalties">"行政处罚"</a>
                        <a href="/public/verify">"复核工具"</a>
                    </nav>
                </header>
                <main id="main">{body}</main>
                <footer class="foot">
                    {publisher}
                    <p>"抽取按公开的 DR1 协议进行：承诺值在抽取前公布，任何人可凭公示数据复核。"</p>
                    <p><a href="/public/data">"开放数据（CSV / JSON）"</a>" · "<a href="/login">"工作人员登录"</a></p>
                </footer>
            </body>
        </html>
    };
    format!("<!DOCTYPE html>{}", html.to_html())
}

/// An error page body: what went wrong and where to go.
pub fn error_page(status: u16, message: &str) -> String {
    let heading = match status {
        404 => "没有找到",
        401 | 403 => "需要登录",
        _ => "出错了",
    };
    page(
        heading,
        view! {
            <h1>{heading}</h1>
            <p class="notice" role="alert">{message.to_string()}</p>
            <p><a href="/public">"返回公示平台首页"</a></p>
        },
    )
}

/// A hash in groups of four hex digits, one line of text (wraps at the spaces).
pub fn hex_groups(hex: &str) -> String {
    crate::domain::ceremony::grouped_hex(hex).join(" ")
}

/// The Beijing date of a UTC timestamp: `2023-03-09T18:00:00Z` → `2023-03-10`.
fn date(ts: &str) -> String {
    let t = crate::domain::date::local_time(ts);
    t.get(..10).unwrap_or(&t).to_string()
}

/// A UTC timestamp in Beijing time: `2023-03-10T02:00:00Z` → `2023-03-10 10:00:00`.
fn time(ts: &str) -> String {
    crate::domain::date::local_time(ts)
}

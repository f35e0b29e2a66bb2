//! Shuangsui (双随) — random market inspections whose draws anyone can re-verify.
//! Shared by the server (`ssr`) and the browser (`hydrate`).

pub mod api;
pub mod charts;
pub mod components;
pub mod domain;
pub mod error;
pub mod labels;
#[cfg(feature = "ssr")]
pub mod onsite;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod url;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode, StaticSegment};

/// The HTML document around the app, rendered on the server. Its response carries a
/// Content-Security-Policy with this render's nonce (the hydration script and the
/// streamed resource data are the only inline scripts, and carry it).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(v) = axum::http::HeaderValue::from_str(&ssr::net::headers::csp(Some(&nonce), &[])) {
            response.insert_header(ssr::net::headers::CSP, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content=labels::APP_DESCRIPTION/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Every page's `<title>`: the page's own title, then the app's name. Every `<Title>` of
/// the app passes through this one formatter (no other is set anywhere; a unit test
/// checks), and on the server it escapes the text: leptos_meta writes the title into the
/// head as it is, so a name holding `</title><script>` would otherwise become markup. In
/// the browser the same text is set as `document.title`, which is plain text already.
pub fn page_title(t: String) -> String {
    let full =
        if t.is_empty() { labels::APP_NAME.to_string() } else { format!("{t} · {}", labels::APP_NAME) };
    if cfg!(feature = "ssr") {
        escape_html(&full)
    } else {
        full
    }
}

/// `&`, `<`, `>`, `"` and `'` as character references.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod title_tests {
    #[test]
    #[cfg(feature = "ssr")]
    fn titles_are_escaped_on_the_server() {
        let t = super::page_title("</title><img src=x onerror=\"alert(1)\">".into());
        assert!(!t.contains('<') && !t.contains('"'), "{t}");
        assert!(t.starts_with("&lt;/title&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; · "), "{t}");
    }

    /// The escaping formatter is the only one: a second `formatter=` deeper in the tree
    /// would replace it for its pages.
    #[test]
    fn no_other_title_formatter_exists() {
        fn walk(dir: &std::path::Path, hits: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, hits);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains("<Title formatter") || text.contains("TitleProps") {
                        hits.push(path.display().to_string());
                    }
                }
            }
        }
        let mut hits = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut hits);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0].ends_with("src/lib.rs"), "{hits:?}");
    }
}

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/shuangsui.css"/>
        <Title formatter=page_title/>
        <Router>
            <components::layout::Header/>
            <main id="main">
                <Routes fallback=pages::not_found::NotFoundPage>
                    <Route ssr=SsrMode::Async path=StaticSegment("") view=pages::plans::plan_page::PlanPage/>
                    // Before `/plans/:year`, which would take "new" for a year (the first match wins).
                    <Route ssr=SsrMode::Async path=path!("/plans/new") view=pages::plans::plan_form_page::PlanFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year") view=pages::plans::plan_page::PlanPage/>
                    <Route ssr=SsrMode::Async path=path!("/calendar") view=pages::plans::calendar_page::CalendarPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/calendar") view=pages::plans::calendar_page::CalendarPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/edit") view=pages::plans::plan_form_page::PlanFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/pool") view=pages::tasks::pool_page::PoolPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/import") view=pages::plans::import_page::ImportPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/new") view=pages::tasks::task_form_page::TaskFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id") view=pages::tasks::task_page::TaskPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/edit") view=pages::tasks::task_form_page::TaskFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/results") view=pages::results::results_page::ResultsPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/ceremony") view=pages::ceremony::ceremony_page::CeremonyPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/record") view=pages::ceremony::record_page::RecordPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/list/:form") view=pages::ceremony::list_form_page::ListFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/my") view=pages::results::my_page::MyPage/>
                    <Route ssr=SsrMode::Async path=path!("/todo") view=pages::tasks::todo_page::TodoPage/>
                    <Route ssr=SsrMode::Async path=path!("/deadlines") view=pages::results::deadlines_page::DeadlinesPage/>
                    <Route ssr=SsrMode::Async path=path!("/follow-ups") view=pages::results::follow_ups_page::FollowUpsPage/>
                    <Route ssr=SsrMode::Async path=path!("/penalties") view=pages::results::penalties_page::PenaltiesPage/>
                    <Route ssr=SsrMode::Async path=path!("/stats") view=pages::stats::stats_page::StatsPage/>
                    <Route ssr=SsrMode::Async path=path!("/stats/summary") view=pages::stats::summary_page::SummaryPage/>
                    <Route ssr=SsrMode::Async path=path!("/audit") view=pages::audit::audit_page::AuditPage/>
                    <Route ssr=SsrMode::Async path=path!("/admin/accounts") view=pages::admin::accounts_page::AccountsPage/>
                    <Route ssr=SsrMode::Async path=path!("/admin/calendar") view=pages::admin::calendar_admin_page::CalendarAdminPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/enterprises") view=pages::registry::enterprises_page::EnterprisesPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/enterprises/:id") view=pages::registry::enterprise_page::EnterprisePage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/inspectors") view=pages::registry::inspectors_page::InspectorsPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/inspectors/:id") view=pages::registry::inspector_page::InspectorPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/items") view=pages::registry::items_page::ItemsPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/items/:id") view=pages::registry::item_page::ItemPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/conflicts") view=pages::registry::conflicts_page::ConflictsPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/watchlist") view=pages::registry::watchlist_page::WatchlistPage/>
                    <Route ssr=SsrMode::Async path=path!("/registry/import") view=pages::registry::import_page::RegistryImportPage/>
                    <Route ssr=SsrMode::Async path=path!("/login") view=pages::auth::login_page::LoginPage/>
                    <Route ssr=SsrMode::Async path=path!("/verify") view=pages::verify::verify_page::VerifyPage/>
                    <Route ssr=SsrMode::Async path=path!("/verify/:draw_id") view=pages::verify::verify_page::VerifyPage/>
                </Routes>
            </main>
            <components::layout::Footer/>
        </Router>
    }
}

//! Shuangsui (双随) — random market inspections whose draws anyone can re-verify.
//! Shared by the server (`ssr`) and the browser (`hydrate`).

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod labels;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode, StaticSegment};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/shuangsui.css"/>
        <Title formatter=|t: String| if t.is_empty() { labels::APP_NAME.to_string() } else { format!("{t} · {}", labels::APP_NAME) }/>
        <Router>
            <components::layout::Header/>
            <main id="main">
                <Routes fallback=pages::not_found::NotFoundPage>
                    <Route ssr=SsrMode::Async path=StaticSegment("") view=pages::plans::plan_page::PlanPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year") view=pages::plans::plan_page::PlanPage/>
                    <Route ssr=SsrMode::Async path=path!("/calendar") view=pages::plans::calendar_page::CalendarPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/calendar") view=pages::plans::calendar_page::CalendarPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/new") view=pages::plans::plan_form_page::PlanFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/edit") view=pages::plans::plan_form_page::PlanFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/pool") view=pages::tasks::pool_page::PoolPage/>
                    <Route ssr=SsrMode::Async path=path!("/plans/:year/import") view=pages::plans::import_page::ImportPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/new") view=pages::tasks::task_form_page::TaskFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id") view=pages::tasks::task_page::TaskPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/edit") view=pages::tasks::task_form_page::TaskFormPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/results") view=pages::results::results_page::ResultsPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/ceremony") view=pages::ceremony::ceremony_page::CeremonyPage/>
                    <Route ssr=SsrMode::Async path=path!("/tasks/:id/record") view=pages::ceremony::record_page::RecordPage/>
                    <Route ssr=SsrMode::Async path=path!("/my") view=pages::results::my_page::MyPage/>
                    <Route ssr=SsrMode::Async path=path!("/deadlines") view=pages::results::deadlines_page::DeadlinesPage/>
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

//! How an [`AppError`] is shown inside a page.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// A plain-sentence error box; sets the HTTP status while rendering on the server. A page
/// that needs a signed-in user offers the sign-in page, coming back here afterwards.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(error.status()) {
            resp.set_status(code);
        }
    }
    let sign_in = matches!(error, AppError::Unauthorized(_)).then(|| {
        let location = use_location();
        let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
        let href = format!("/login?next={}", crate::url::urlencode(&here));
        view! { " " <a class="button" href=href>"登录"</a> }
    });
    view! { <p class="error" role="alert">{error.to_string()}{sign_in}</p> }
}

/// What `error` says about one form field, shown beside that field (nothing otherwise).
#[component]
pub fn FieldMessage(error: RwSignal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| e.on_field(field))).map(|m| {
            view! { <span class="field-error" role="alert" data-field=field>{m}</span> }
        })
    }
}

/// Under a form: "请改正标出的项目" when the errors sit beside their fields, else the
/// error's own sentence.
#[component]
pub fn FormError(error: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let text = if e.is_about_fields() {
                "请改正标出的项目后再保存。".to_string()
            } else {
                e.to_string()
            };
            view! { <p class="error" role="alert">{text}</p> }
        })
    }
}

/// `children` once `allowed` has answered `Ok`; its error otherwise (a page that is not the
/// caller's answers 401 or 403, as its server functions would).
#[component]
pub fn OnlyIf(allowed: Resource<Result<(), AppError>>, children: ChildrenFn) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p>{crate::labels::LOADING}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match allowed.await {
                        Ok(()) => children().into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

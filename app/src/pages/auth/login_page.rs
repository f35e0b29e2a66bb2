//! `/login`: a plain HTML form posted to the sign-in server function, so it works
//! before and without the WASM; a failure comes back here with the reason.

use crate::api::auth::safe_next;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = safe_next(query.read_untracked().get("next").as_deref());
    let error = query.read_untracked().get("error");
    let username = query.read_untracked().get("username").unwrap_or_default();
    view! {
        <Title text="登录"/>
        <h1>"登录"</h1>
        <form class="task-form login" method="post" action="/api/sign_in">
            <input type="hidden" name="next" value=next/>
            <fieldset>
                <label class="field">
                    <span>"用户名"</span>
                    <input name="username" autocomplete="username" required autofocus value=username/>
                </label>
                <label class="field">
                    <span>"密码"</span>
                    <input name="password" type="password" autocomplete="current-password" required/>
                </label>
            </fieldset>
            {error.map(|e| view! { <p class="error" role="alert" data-testid="login-error">{e}</p> })}
            <div class="actions">
                <button type="submit" data-testid="sign-in">"登录"</button>
            </div>
            <p class="note">"连续输错 5 次密码后，该账号 15 分钟内不能登录。公众查看抽取验证无需登录："<a href="/verify">"验证抽取"</a></p>
        </form>
    }
    .into_any()
}

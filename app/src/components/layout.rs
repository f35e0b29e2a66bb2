//! Page header and footer.

use crate::api::audit::audit_head;
use crate::api::auth::current_user;
use crate::domain::auth::Role;
use crate::labels;
use leptos::prelude::*;

/// Site header: the navigation the signed-in role uses, who is signed in, sign-out.
#[component]
pub fn Header() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    let todo = Resource::new(|| (), |_| crate::api::todo::get_todo());
    view! {
        <a class="skip" href="#main">{labels::SKIP_TO_CONTENT}</a>
        <header class="site-header">
            <a class="brand" href="/">"双随"<span class="brand-sub">"双随机、一公开"</span></a>
            <Suspense fallback=|| view! { <nav aria-label="主导航"><a rel="external" href="/public">"公示平台"</a><a href="/verify">{labels::NAV_VERIFY}</a></nav> }>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    let role = user.as_ref().map(|u| u.role);
                    // Nobody signed in: the call is refused, and there is nothing to do.
                    let waiting = todo.await.map(|t| t.len()).unwrap_or(0);
                    let todo_label = format!("待办（{waiting}）");
                    let links: Vec<(&str, &str)> = match role {
                        None => vec![("/public", "公示平台"), ("/verify", labels::NAV_VERIFY)],
                        Some(r) => {
                            let mut l = vec![("/todo", todo_label.as_str()), ("/", labels::NAV_PLAN), ("/calendar", labels::NAV_CALENDAR), ("/deadlines", "公示期限")];
                            if r != Role::Inspector {
                                l.push(("/follow-ups", "后续处置"));
                                l.push(("/penalties", "处罚公示"));
                                l.push(("/stats", "统计"));
                            }
                            l.push(("/registry/enterprises", "检查对象"));
                            l.push(("/registry/inspectors", "执法人员"));
                            l.push(("/registry/items", "抽查事项"));
                            l.push(("/registry/conflicts", "回避"));
                            if r != Role::Inspector {
                                l.push(("/registry/watchlist", "重点关注"));
                            }
                            if r == Role::Inspector {
                                l.push(("/my", "我的检查"));
                            }
                            if matches!(r, Role::Observer | Role::Admin) {
                                l.push(("/audit", "留痕记录"));
                            }
                            if r == Role::Admin {
                                l.push(("/admin/accounts", "账号"));
                                l.push(("/admin/calendar", "工作日历"));
                            }
                            l.push(("/verify", labels::NAV_VERIFY));
                            l.push(("/public", "公示平台"));
                            l
                        }
                    };
                    view! {
                        <nav aria-label="主导航">
                            {links.into_iter().map(|(href, label)| {
                                // The portal is served by the server, not by the app's router.
                                let rel = href.starts_with("/public").then_some("external");
                                let testid = (href == "/todo").then_some("nav-todo");
                                view! { <a href=href rel=rel data-testid=testid>{label.to_string()}</a> }
                            }).collect_view()}
                        </nav>
                        <div class="account">
                            {match user {
                                Some(u) => view! {
                                    <span data-testid="signed-in">{u.signature()}</span>
                                    <form method="post" action="/api/sign_out" class="inline">
                                        <button type="submit" class="link">"退出"</button>
                                    </form>
                                }.into_any(),
                                None => view! { <a href="/login">"登录"</a> }.into_any(),
                            }}
                        </div>
                    }
                })}
            </Suspense>
        </header>
    }
}

/// Site footer, with the audit log's chain head: anyone can note it and later check that
/// the trail was only ever appended to.
#[component]
pub fn Footer() -> impl IntoView {
    let head = Resource::new(|| (), |_| audit_head());
    view! {
        <footer class="site-footer">
            {labels::FOOTER}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    head.await.ok().map(|(seq, hash)| view! {
                        <span class="chain-head" data-testid="chain-head" title=hash.clone()>
                            {format!(" 留痕链：共 {seq} 条，链头 {}…", &hash[..16])}
                        </span>
                    })
                })}
            </Suspense>
        </footer>
    }
}

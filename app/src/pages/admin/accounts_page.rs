//! `/admin/accounts`: accounts (create, disable, enable, reset password) and departments.

use crate::api::admin::{
    create_account, list_accounts, reset_password, save_department, set_account_active, unlock_sign_in,
};
use crate::components::confirm;
use crate::components::error_view::ErrorBox;
use crate::domain::auth::NewAccount;
use crate::domain::auth::{Account, Role};
use crate::domain::inspector::Department;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

/// The accounts page.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_accounts());
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Title text="账号与部门"/>
        <h1>"账号与部门"</h1>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((accounts, departments)) => view! {
                        <AccountTable accounts reload/>
                        <NewAccountForm departments=departments.clone() reload/>
                        <Departments departments reload/>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn AccountTable(accounts: Vec<Account>, reload: Callback<()>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let toggle = Action::new(|(id, active): &(i64, bool)| set_account_active(*id, *active));
    let reset = Action::new(|(id, pw): &(i64, String)| reset_password(*id, pw.clone()));
    let unlock = Action::new(|name: &String| unlock_sign_in(name.clone()));
    Effect::new(move |_| match unlock.value().get() {
        Some(Ok(_)) => {
            problem.set(None);
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    Effect::new(move |_| match toggle.value().get().or_else(|| reset.value().get()) {
        Some(Ok(())) => {
            problem.set(None);
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <section>
            <h2>"账号"</h2>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="table-wrap">
                <table data-testid="accounts" class="compact">
                    <thead><tr><th>"用户名"</th><th>"姓名"</th><th>"角色"</th><th>"部门"</th><th>"状态"</th><th>"在线会话"</th><th>"登录失败"</th><th>"操作"</th></tr></thead>
                    <tbody>
                        {accounts.into_iter().map(|a| {
                            let id = a.id;
                            let active = a.active;
                            let failed = a.failed_sign_ins;
                            let username = a.username.clone();
                            let pw = RwSignal::new(String::new());
                            view! {
                                <tr data-username=a.username.clone()>
                                    <td>{a.username.clone()}</td>
                                    <td>{a.display_name.clone()}</td>
                                    <td>{a.role.label()}</td>
                                    <td>{a.department_id.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td>{if active { "启用" } else { "已停用" }}</td>
                                    <td>{a.sessions}</td>
                                    <td data-testid="failed-sign-ins">
                                        {failed}
                                        {(failed > 0).then(|| view! {
                                            " "
                                            <button type="button" class="link" on:click=move |_| { unlock.dispatch(username.clone()); }>"解除登录限制"</button>
                                        })}
                                    </td>
                                    <td>
                                        <button type="button" class="secondary" on:click=move |_| {
                                            let msg = if active { "停用后该账号立即在所有设备上退出登录。确定停用？" } else { "确定启用该账号？" };
                                            if confirm(msg) { toggle.dispatch((id, !active)); }
                                        }>{if active { "停用" } else { "启用" }}</button>
                                        <input type="password" placeholder="新密码（至少 10 位）" aria-label="新密码" autocomplete="new-password"
                                            prop:value=move || pw.get() on:input=move |ev| pw.set(event_target_value(&ev))/>
                                        <button type="button" on:click=move |_| { reset.dispatch((id, pw.get_untracked())); }>"重置密码"</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn NewAccountForm(departments: Vec<Department>, reload: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(NewAccount { role: Role::Clerk.code().into(), ..Default::default() });
    let problem = RwSignal::new(None::<String>);
    let create = Action::new(|a: &NewAccount| create_account(a.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            problem.set(None);
            form.set(NewAccount { role: Role::Clerk.code().into(), ..Default::default() });
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(form.get_untracked());
    };
    view! {
        <section>
            <h2>"新建账号"</h2>
            <form class="task-form" on:submit=on_submit novalidate>
                <fieldset>
                    <label class="field small"><span>"用户名"</span><input name="username" prop:value=move || form.with(|f| f.username.clone()) on:input=move |ev| form.update(|f| f.username = event_target_value(&ev))/></label>
                    <label class="field small"><span>"姓名"</span><input name="display_name" prop:value=move || form.with(|f| f.display_name.clone()) on:input=move |ev| form.update(|f| f.display_name = event_target_value(&ev))/></label>
                    <label class="field small"><span>"角色"</span>
                        <select name="role" on:change=move |ev| form.update(|f| f.role = event_target_value(&ev))>
                            {Role::ALL.into_iter().map(|r| view! { <option value=r.code() selected=move || form.with(|f| f.role == r.code())>{r.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field small"><span>"部门"</span>
                        <select name="department_id" on:change=move |ev| form.update(|f| f.department_id = event_target_value(&ev))>
                            <option value="">"（局领导、纪检、管理员可不选）"</option>
                            {departments.into_iter().map(|d| { let id = d.id.clone(); view! { <option value=d.id.clone() selected=move || form.with(|f| f.department_id == id)>{d.short_name}</option> } }).collect_view()}
                        </select>
                    </label>
                    <label class="field small"><span>"执法证号（执法人员）"</span><input name="certificate_no" prop:value=move || form.with(|f| f.certificate_no.clone()) on:input=move |ev| form.update(|f| f.certificate_no = event_target_value(&ev))/></label>
                    <label class="field small"><span>"初始密码"</span><input name="password" type="password" autocomplete="new-password" prop:value=move || form.with(|f| f.password.clone()) on:input=move |ev| form.update(|f| f.password = event_target_value(&ev))/></label>
                </fieldset>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <div class="actions"><button type="submit" disabled=move || create.pending().get()>"新建账号"</button></div>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Departments(departments: Vec<Department>, reload: Callback<()>) -> impl IntoView {
    let (id, name, short) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let problem = RwSignal::new(None::<String>);
    let save =
        Action::new(|(i, n, s): &(String, String, String)| save_department(i.clone(), n.clone(), s.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <section>
            <h2>"部门"</h2>
            <table class="compact">
                <thead><tr><th>"编码"</th><th>"全称"</th><th>"简称"</th><th></th></tr></thead>
                <tbody>
                    {departments.into_iter().map(|d| {
                        let (i, n, s) = (d.id.clone(), d.name.clone(), d.short_name.clone());
                        view! { <tr><td><code>{d.id}</code></td><td>{d.name}</td><td>{d.short_name}</td>
                            <td><button type="button" class="link" on:click=move |_| { id.set(i.clone()); name.set(n.clone()); short.set(s.clone()); }>"修改"</button></td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="task-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch((id.get_untracked(), name.get_untracked(), short.get_untracked())); }>
                <fieldset>
                    <label class="field small"><span>"编码（新增后不可改）"</span><input prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/></label>
                    <label class="field"><span>"全称"</span><input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    <label class="field small"><span>"简称"</span><input prop:value=move || short.get() on:input=move |ev| short.set(event_target_value(&ev))/></label>
                </fieldset>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <div class="actions"><button type="submit">"保存部门"</button></div>
            </form>
        </section>
    }
    .into_any()
}

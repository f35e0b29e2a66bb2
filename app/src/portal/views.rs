//! The portal's pages: plain server-rendered HTML (Leptos views rendered to a string,
//! no hydration), readable at 360 px, with the CSS inline so a phone needs one request.
//! Only the draw page loads anything else: the verifier's WASM, when its button is pressed.

use super::data::{stage_label, DrawView, EnterpriseRecord, ResultRow, Upcoming};
use crate::domain::plan::{ratio_label, AnnualPlan, TaskRow};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

const CSS: &str = include_str!("../../../style/portal.css");
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

/// A whole page: head, header with navigation, `main`, footer.
pub fn page(title: &str, body: impl IntoView + 'static) -> String {
    let full_title =
        if title.is_empty() { PORTAL_NAME.to_string() } else { format!("{title} · {PORTAL_NAME}") };
    let html = view! {
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="市场监管随机抽查计划、抽取过程与检查结果公示；每次抽取均可在浏览器中独立复核。"/>
                <title>{full_title}</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <style>{CSS}</style>
            </head>
            <body>
                <a class="skip" href="#main">"跳到正文"</a>
                <header class="top">
                    <a class="brand" href="/public">{PORTAL_NAME}</a>
                    <nav aria-label="公示平台">
                        <a href="/public">"首页"</a>
                        <a href="/public/plans">"年度计划"</a>
                        <a href="/public/results">"结果查询"</a>
                        <a href="/public/verify">"复核工具"</a>
                    </nav>
                </header>
                <main id="main">{body}</main>
                <footer class="foot">
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

fn date(ts: &str) -> String {
    ts.get(..10).unwrap_or(ts).to_string()
}

/// `2023-03-10T02:00:00Z` → `2023-03-10 02:00 UTC`.
fn time(ts: &str) -> String {
    match (ts.get(..10), ts.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t} UTC"),
        _ => ts.to_string(),
    }
}

/// The plan table (every column of the annual plan) for the public tasks of a plan.
fn plan_table(plan: &AnnualPlan) -> impl IntoView {
    let rows = plan
        .tasks
        .iter()
        .map(|t| {
            let joint = t.joint_department.clone().unwrap_or_else(|| "—".into());
            view! {
                <tr>
                    <td>{t.plan_no.clone()}</td>
                    <td>{t.plan_name.clone()}</td>
                    <td>{t.task_no.clone()}</td>
                    <th scope="row">{t.task_name.clone()}</th>
                    <td>{t.kind.label()}</td>
                    <td>{ratio_label(t.ratio_bp)}</td>
                    <td>{t.items.clone()}</td>
                    <td>{t.scope.clone()}</td>
                    <td>{t.initiating_department.clone()}</td>
                    <td>{joint}</td>
                    <td>{t.window.label()}</td>
                    <td>{task_links(t)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll" role="region" aria-label="计划表（可横向滚动）" tabindex="0">
            <table class="plan">
                <caption>{plan.title.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">"抽查计划编号"</th>
                        <th scope="col">"抽查计划名称"</th>
                        <th scope="col">"抽查任务编号"</th>
                        <th scope="col">"抽查任务名称"</th>
                        <th scope="col">"抽查类型"</th>
                        <th scope="col">"抽查比例"</th>
                        <th scope="col">"抽查事项"</th>
                        <th scope="col">"抽查对象范围"</th>
                        <th scope="col">"发起部门"</th>
                        <th scope="col">"联合部门"</th>
                        <th scope="col">"抽查时间"</th>
                        <th scope="col">"进展"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A task's stage and its links (draw, results) as far as they exist.
fn task_links(t: &TaskRow) -> impl IntoView {
    use crate::domain::workflow::TaskStatus::*;
    let id = t.id;
    let draw =
        (!matches!(t.status, Filed)).then(|| view! { <a href=format!("/public/tasks/{id}/draw")>"抽取"</a> });
    let results = matches!(t.status, Published | Closed)
        .then(|| view! { " · " <a href=format!("/public/tasks/{id}/results")>"结果"</a> });
    view! { <span class="stage">{stage_label(t.status)}</span><br/>{draw}{results} }
}

/// A year's calendar: one row per task, its window as a bar over twelve months.
fn calendar(plan: &AnnualPlan) -> impl IntoView {
    let months = (1..=12).map(|m| view! { <span class="m" aria-hidden="true">{m}</span> }).collect_view();
    let rows = plan
        .tasks
        .iter()
        .map(|t| {
            let style = format!("grid-column:{} / {}", t.window.start_month, t.window.end_month + 1);
            view! {
                <li class="cal-row">
                    <span class="cal-name">{t.task_name.clone()}</span>
                    <span class="bar" style=style>{t.window.label()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="cal-h">
            <h2 id="cal-h">{format!("{} 年抽查日历", plan.year)}</h2>
            <div class="cal-head" aria-hidden="true"><span></span>{months}</div>
            <ul class="cal">{rows}</ul>
        </section>
    }
}

/// One published result: unit, time, method, content, result, handling, on time.
fn result_card(r: &ResultRow, with_task: bool) -> impl IntoView {
    let res = &r.result;
    let found = if res.problems.is_empty() {
        res.categories.join("、")
    } else {
        format!("{}：{}", res.categories.join("、"), res.problems)
    };
    let mut handling = if res.handling.is_empty() { "无".to_string() } else { res.handling.join("、") };
    if !res.referral_department.is_empty() {
        handling.push_str(&format!("（移送{}）", res.referral_department));
    }
    let flag = match r.on_time {
        Some(true) => Some(view! { <span class="ok">"按时公示"</span> }.into_any()),
        Some(false) => Some(view! { <span class="late">"逾期公示"</span> }.into_any()),
        None => None,
    };
    let task = with_task.then(|| {
        view! {
            <div><dt>"抽查任务"</dt><dd><a href=format!("/public/tasks/{}/results", r.task_id)>{r.task_name.clone()}</a></dd></div>
        }
    });
    view! {
        <article class="card result" data-code=res.code.clone()>
            <h3><a href=format!("/public/enterprises/{}", res.code)>{res.name.clone()}</a></h3>
            <p class="code">{res.code.clone()}</p>
            <dl>
                {task}
                <div><dt>"检查单位"</dt><dd>{r.department.clone()}</dd></div>
                <div><dt>"检查时间"</dt><dd>{res.inspected_on.clone()}</dd></div>
                <div><dt>"检查方式"</dt><dd>{res.method.clone()}</dd></div>
                <div><dt>"检查内容"</dt><dd>{r.items.clone()}</dd></div>
                <div><dt>"检查结果"</dt><dd>{found}</dd></div>
                <div><dt>"后续处置"</dt><dd>{handling}</dd></div>
                <div><dt>"公示日期"</dt><dd data-testid="on-time">{res.published_on.clone()}" "{flag}</dd></div>
            </dl>
        </article>
    }
}

fn results_list(results: &[ResultRow], with_task: bool) -> impl IntoView {
    results.iter().map(|r| result_card(r, with_task)).collect_view()
}

fn search_form(q: &str) -> impl IntoView {
    view! {
        <form class="search" action="/public/results" method="get" role="search">
            <label for="q">"企业名称或统一社会信用代码"</label>
            <div class="row">
                <input id="q" name="q" type="search" value=q.to_string() autocomplete="off" enterkeyhint="search"
                    placeholder="如：加油站 或 91130402…"/>
                <button type="submit">"查询"</button>
            </div>
        </form>
    }
}

/// Home: the year's plan, upcoming draws with their commitments, recent draws and results.
pub fn home(
    plan: Option<&AnnualPlan>,
    upcoming: &[Upcoming],
    draws: &[(i64, String, String, i64)],
    results: &[ResultRow],
) -> String {
    let plan_part = match plan {
        Some(p) => view! {
            <section aria-labelledby="plan-h">
                <h2 id="plan-h">{format!("{} 年度抽查计划", p.year)}</h2>
                <ul class="tasks">
                    {p.tasks.iter().map(|t| view! {
                        <li class="card">
                            <strong>{t.task_name.clone()}</strong>
                            <span class="meta">{format!("{} · {} · 比例 {}", t.window.label(), t.initiating_department, ratio_label(t.ratio_bp))}</span>
                            {task_links(t)}
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href=format!("/public/plans/{}", p.year)>"查看完整计划表与日历"</a></p>
            </section>
        }
        .into_any(),
        None => view! { <p class="empty">"尚无公开的抽查计划。"</p> }.into_any(),
    };
    let upcoming_part = if upcoming.is_empty() {
        view! { <p class="empty">"目前没有待抽取的任务。"</p> }.into_any()
    } else {
        upcoming
            .iter()
            .map(|u| {
                view! {
                    <article class="card">
                        <h3><a href=format!("/public/tasks/{}/draw", u.task_id)>{u.task_name.clone()}</a></h3>
                        <p>{format!("名录 {} 家，{} 冻结并公布承诺值", u.pool_count, time(&u.frozen_at))}</p>
                        <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&u.commitment)}</p>
                    </article>
                }
            })
            .collect_view()
            .into_any()
    };
    let draws_part = if draws.is_empty() {
        view! { <p class="empty">"尚无已完成的抽取。"</p> }.into_any()
    } else {
        view! {
            <ul class="plain">
                {draws.iter().map(|(id, name, at, n)| view! {
                    <li><a href=format!("/public/tasks/{id}/draw")>{name.clone()}</a>
                        <span class="meta">{format!(" {} 抽取，抽中 {n} 家", date(at))}</span></li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let results_part = if results.is_empty() {
        view! { <p class="empty">"尚无公示的检查结果。"</p> }.into_any()
    } else {
        results_list(results, true).into_any()
    };
    let year = plan.map(|p| p.year.to_string()).unwrap_or_default();
    page(
        "",
        view! {
            <h1>"随机抽查公示"</h1>
            <p class="lead">"抽查对象与执法人员随机抽取，抽取过程可复核，检查结果依法公示。"</p>
            {search_form("")}
            {plan_part}
            <section aria-labelledby="up-h">
                <h2 id="up-h">"待抽取（已公布承诺值）"</h2>
                {upcoming_part}
            </section>
            <section aria-labelledby="dr-h">
                <h2 id="dr-h">"最近的抽取"</h2>
                {draws_part}
            </section>
            <section aria-labelledby="rs-h">
                <h2 id="rs-h">"最近公示的检查结果"</h2>
                {results_part}
            </section>
            <p class="meta">{(!year.is_empty()).then(|| format!("计划年度 {year}"))}</p>
        },
    )
}

/// The plan page: the plan table and its calendar, with the other years.
pub fn plan_page(plan: &AnnualPlan, years: &[i32]) -> String {
    let others = years
        .iter()
        .map(|y| {
            let current = (*y == plan.year).then_some("page");
            view! { <a href=format!("/public/plans/{y}") aria-current=current>{format!("{y} 年")}</a>" " }
        })
        .collect_view();
    let year = plan.year;
    page(
        &format!("{year} 年度抽查计划"),
        view! {
            <h1>{plan.title.clone()}</h1>
            <nav class="years" aria-label="年度">{others}</nav>
            {calendar(plan)}
            <h2>"计划表"</h2>
            {plan_table(plan)}
            {(!plan.remarks.is_empty()).then(|| view! { <p class="meta">{format!("备注：{}", plan.remarks)}</p> })}
            <p class="meta">"下载："
                <a href=format!("/public/data/plans/{year}.csv")>"CSV"</a>" · "
                <a href=format!("/public/data/plans/{year}.json")>"JSON"</a></p>
        },
    )
}

/// The draw page: before the reveal the commitment; after it everything public, and
/// the button that verifies in this browser.
pub fn draw_page(task: &TaskRow, d: &DrawView, verifier_url: &str) -> String {
    let id = task.id;
    let frozen = view! {
        <dl class="facts">
            <div><dt>"抽查任务"</dt><dd>{task.task_name.clone()}</dd></div>
            <div><dt>"DR1 任务号"</dt><dd><code>{task.draw_task_id()}</code></dd></div>
            <div><dt>"抽查比例"</dt><dd>{ratio_label(task.ratio_bp)}</dd></div>
            <div><dt>"名录企业数"</dt><dd>{d.pool_count}</dd></div>
            <div><dt>"承诺值公布时间"</dt><dd>{time(&d.frozen_at)}</dd></div>
            {(!d.place.is_empty()).then(|| view! { <div><dt>"抽取地点"</dt><dd>{d.place.clone()}</dd></div> })}
        </dl>
        <p class="hash"><span class="lbl">"名录摘要 "</span>{hex_groups(&d.pool_digest)}</p>
        <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&d.commitment)}</p>
    };
    let body = match &d.drawn {
        None => view! {
            <h1>{format!("抽取公告：{}", task.task_name)}</h1>
            {frozen}
            <p class="notice">"尚未抽取。抽取时当场输入的公开随机文本与上方承诺值对应的密钥共同决定结果；抽取后本页公布全部数据。"</p>
            <p><a href=format!("/live/{id}")>"观看抽取直播页"</a></p>
        }
        .into_any(),
        Some(drawn) => {
            let s = &drawn.summary;
            let strata = s
                .strata
                .iter()
                .map(|st| {
                    let bp = s.ratios_bp.get(&st.stratum).copied().unwrap_or(0) as u32;
                    view! {
                        <tr>
                            <th scope="row">{st.stratum.clone()}</th>
                            <td>{st.count}</td>
                            <td>{ratio_label(bp)}</td>
                            <td>{crate::domain::draw::quota(st.count, u64::from(bp))}</td>
                            <td class="hash">{hex_groups(&st.digest)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let selected = s
                .selected
                .iter()
                .zip(&drawn.names)
                .enumerate()
                .map(|(i, (sel, name))| {
                    view! {
                        <li>
                            <span class="n">{i + 1}</span>
                            <a href=format!("/public/enterprises/{}", sel.code)>{name.clone()}</a>
                            <code>{sel.code.clone()}</code>
                            <span class="key" title="键值 H(种子 + 企业代码)">{sel.key.get(..16).unwrap_or("").to_string()}"…"</span>
                        </li>
                    }
                })
                .collect_view();
            let (mode, data_url) = if drawn.manifest_public {
                ("manifest", format!("/api/public/draws/{}/manifest.json", d.draw_id))
            } else {
                ("summary", format!("/public/data/tasks/{id}/draw.json"))
            };
            let manifest_note = if drawn.manifest_public {
                view! { <a href=format!("/api/public/draws/{}/manifest.json", d.draw_id)>"完整抽取清单（JSON）"</a> }.into_any()
            } else {
                view! {
                    <span>"完整抽取清单含各企业的信用风险分类，不对外公开（纪检监督人员"
                        <a href=format!("/verify/{}", d.draw_id)>"登录后"</a>"可下载复核）。"</span>
                }
                .into_any()
            };
            view! {
                <h1>{format!("抽取结果：{}", task.task_name)}</h1>
                {frozen}
                <dl class="facts">
                    <div><dt>"抽取时间"</dt><dd>{time(&drawn.drawn_at)}</dd></div>
                    <div><dt>"现场公开随机文本"</dt><dd><code>{s.public_entropy.clone()}</code></dd></div>
                </dl>
                <p class="hash"><span class="lbl">"密钥（抽取时揭示） "</span>{hex_groups(&s.secret)}</p>
                <p class="hash seed"><span class="lbl">"种子 "</span>{hex_groups(&s.seed)}</p>
                <h2>"分层（按信用风险分类）"</h2>
                <div class="scroll" role="region" aria-label="分层统计" tabindex="0">
                    <table>
                        <thead><tr><th scope="col">"分层"</th><th scope="col">"企业数"</th><th scope="col">"比例"</th><th scope="col">"应抽"</th><th scope="col">"分层摘要"</th></tr></thead>
                        <tbody>{strata}</tbody>
                    </table>
                </div>
                <h2>{format!("抽中企业（{} 家，按键值排序）", s.selected.len())}</h2>
                <ol class="selected">{selected}</ol>
                <section class="verify" aria-labelledby="vf-h">
                    <h2 id="vf-h">"在本浏览器中复核"</h2>
                    <p>{if drawn.manifest_public {
                        "重新计算名录摘要、种子、每个抽中企业与每个检查组。"
                    } else {
                        "重新计算承诺值、种子、每个抽中企业的键值与排序，以及各分层应抽数量之和。"
                    }}</p>
                    <button type="button" id="verify" data-mode=mode data-src=data_url data-wasm=verifier_url.to_string()>
                        "复核本次抽取"
                    </button>
                    <div id="verify-out" aria-live="polite"></div>
                </section>
                <h2>"下载"</h2>
                <ul class="plain">
                    <li>{manifest_note}</li>
                    <li><a href=format!("/public/data/tasks/{id}/draw.json")>"公开摘要（JSON）"</a>" · "
                        <a href=format!("/public/data/tasks/{id}/draw.csv")>"抽中企业（CSV）"</a></li>
                    <li><a href=format!("/public/data/tasks/{id}/pool.csv")>"抽取名录（CSV，不含风险分类）"</a>" · "
                        <a href=format!("/public/data/tasks/{id}/pool.json")>"JSON"</a></li>
                    <li><a href="/public/verify">"复核工具（粘贴或上传 JSON）"</a></li>
                </ul>
                <script type="module">{VERIFY_JS}</script>
            }
            .into_any()
        }
    };
    page(&format!("抽取 · {}", task.task_name), body)
}

/// The search page: a form, and the published results that match.
pub fn results_page(q: &str, results: &[ResultRow], limit: usize) -> String {
    let q = q.trim();
    let outcome = if q.is_empty() {
        view! { <p class="empty">"输入企业名称中的字词或统一社会信用代码查询已公示的抽查结果。"</p> }
            .into_any()
    } else if results.is_empty() {
        view! { <p class="empty" role="status">{format!("没有找到与“{q}”相关的已公示结果。")}</p> }.into_any()
    } else {
        let more = (results.len() >= limit).then(
            || view! { <p class="meta">{format!("只显示前 {limit} 条，请输入更完整的名称或代码。")}</p> },
        );
        view! {
            <h2>{format!("找到 {} 条已公示结果", results.len())}</h2>
            {results_list(results, true)}
            {more}
        }
        .into_any()
    };
    page(
        if q.is_empty() { "结果查询" } else { "查询结果" },
        view! {
            <h1>"抽查结果查询"</h1>
            {search_form(q)}
            {outcome}
        },
    )
}

/// A task's published results.
pub fn task_results_page(task: &TaskRow, results: &[ResultRow], due: Option<&str>) -> String {
    let id = task.id;
    let deadline = due.map(|d| format!("公示期限：检查结束后 20 个工作日内（{d} 前）。")).unwrap_or_default();
    page(
        &format!("抽查结果 · {}", task.task_name),
        view! {
            <h1>{format!("抽查结果公示：{}", task.task_name)}</h1>
            <p>{format!("检查单位：{}；抽查事项：{}。{deadline}", task.initiating_department, task.items)}</p>
            <p><a href=format!("/public/tasks/{id}/draw")>"查看本任务的抽取与复核"</a>" · "
                <a href=format!("/public/data/tasks/{id}/results.csv")>"CSV"</a>" · "
                <a href=format!("/public/data/tasks/{id}/results.json")>"JSON"</a></p>
            <h2>{format!("已公示结果（{} 条）", results.len())}</h2>
            <div data-testid="public-results">{results_list(results, false)}</div>
        },
    )
}

/// “Was I drawn, and what was found?”
pub fn enterprise_page(e: &EnterpriseRecord) -> String {
    let draws = e
        .draws
        .iter()
        .map(|(id, task, at, selected)| {
            let verdict = if *selected { "被抽中" } else { "在抽取名录中，未被抽中" };
            view! {
                <li><a href=format!("/public/tasks/{id}/draw")>{task.clone()}</a>
                    <span class="meta">{format!(" {} 抽取：", date(at))}</span><strong>{verdict}</strong></li>
            }
        })
        .collect_view();
    let results = if e.results.is_empty() {
        view! { <p class="empty">"暂无公示的检查结果（检查中或尚未公示）。"</p> }.into_any()
    } else {
        results_list(&e.results, true).into_any()
    };
    page(
        &e.name,
        view! {
            <h1>{e.name.clone()}</h1>
            <p class="code">{e.code.clone()}</p>
            <h2>"参与的抽取"</h2>
            <ul class="plain">{draws}</ul>
            <h2>"检查结果"</h2>
            {results}
        },
    )
}

/// The verify tool: paste or choose a manifest or a public summary, verify it here.
pub fn verify_page(verifier_url: &str) -> String {
    page(
        "复核工具",
        view! {
            <h1>"复核一次抽取"</h1>
            <p>"粘贴或选择一份抽取清单（manifest.json，纪检监督人员可下载）或公开摘要（各抽取公示页的 draw.json），
                本浏览器按公开的 DR1 协议重新计算并逐项比对，数据不会上传。"</p>
            <label for="json">"抽取清单或公开摘要（JSON）"</label>
            <textarea id="json" rows="6" spellcheck="false"></textarea>
            <p><label for="file">"或选择文件："</label><input id="file" type="file" accept=".json,application/json"/></p>
            <button type="button" id="verify" data-wasm=verifier_url.to_string()>"复核"</button>
            <div id="verify-out" aria-live="polite"></div>
            <p class="meta">"不用浏览器也可以复核：仓库 docs/verify.md 附有一个不足 80 行的 Python 脚本（只用标准库），以及命令 "
                <code>"shuangsui verify 文件"</code>"。"</p>
            <script type="module">{VERIFY_JS}</script>
        },
    )
}

/// The ceremony followed on a phone (the QR on the room's screen opens this): the state
/// now, kept in step by the live stream. No inspector is named here.
pub fn live_page(s: &crate::domain::ceremony::LiveState) -> String {
    use crate::domain::ceremony::STEPS;
    let step = if s.step == 0 {
        if s.drawn() {
            "已抽取".to_string()
        } else {
            "等待开始".to_string()
        }
    } else {
        format!("第 {} 步 / 共 5 步：{}", s.step, STEPS[s.step as usize - 1])
    };
    let steps = serde_json::to_string(&STEPS).unwrap_or_default();
    let show_drawn = s.drawn() && (s.step == 0 || s.step >= 4);
    let drawn = s
        .selected
        .iter()
        .filter(|_| show_drawn)
        .map(|e| view! { <li><strong>{e.name.clone()}</strong><br/><code>{e.code.clone()}</code></li> })
        .collect_view();
    page(
        &format!("抽取直播 · {}", s.task_name),
        view! {
            <div class="live" data-testid="live" data-step=s.step.to_string() data-task=s.task_id.to_string()
                data-steps=steps>
                <h1>{format!("抽取直播：{} {}", s.task_no, s.task_name)}</h1>
                <p class="live-step" aria-live="polite">
                    <span id="live-step" data-testid="live-step">{step}</span>
                    <span data-testid="live-connected" data-on="false" id="live-connected"></span>
                </p>
                <dl class="facts">
                    <div><dt>"名录"</dt><dd>{format!("{} 家，应抽取 {} 家（{}）", s.pool_count, s.to_draw, s.ratio)}</dd></div>
                    <div><dt>"承诺值公布"</dt><dd>{time(&s.frozen_at)}</dd></div>
                </dl>
                <p class="hash"><span class="lbl">"名录摘要 "</span>{hex_groups(&s.pool_digest)}</p>
                <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&s.commitment)}</p>
                <p class="hash"><span class="lbl">"现场随机文本 "</span><span id="live-entropy" data-testid="live-entropy">{s.entropy.clone()}</span></p>
                <p class="hash"><span class="lbl">"密钥 "</span><span id="live-secret">{s.secret.as_deref().map(hex_groups).unwrap_or_else(|| "抽取时揭示".into())}</span></p>
                <p class="hash seed"><span class="lbl">"种子 "</span><span id="live-seed" data-testid="live-seed"
                    data-hex=s.seed.clone().unwrap_or_default()>{s.seed.as_deref().map(hex_groups).unwrap_or_else(|| "—".into())}</span></p>
                <h2 id="live-count" hidden=!show_drawn>{format!("抽中 {} 家", s.selected.len())}</h2>
                <ol class="selected" id="live-drawn" data-testid="live-drawn">{drawn}</ol>
                <p id="live-after" hidden=!s.drawn()><a href=format!("/public/tasks/{}/draw", s.task_id)>"抽取公示与复核"</a></p>
            </div>
            <script type="module">{LIVE_JS}</script>
        },
    )
}

/// The open data index.
pub fn data_page(years: &[i32], tasks: &[(i64, String, bool, bool)]) -> String {
    page(
        "开放数据",
        view! {
            <h1>"开放数据"</h1>
            <p>"以下地址长期不变，每个文件均有 CSV（UTF-8，带 BOM，Excel 可直接打开）与 JSON 两种格式。抽取数据不含企业的信用风险分类。"</p>
            <h2>"年度计划"</h2>
            <ul class="plain">
                {years.iter().map(|y| view! {
                    <li>{format!("{y} 年度：")}<a href=format!("/public/data/plans/{y}.csv")>"CSV"</a>" · "<a href=format!("/public/data/plans/{y}.json")>"JSON"</a></li>
                }).collect_view()}
            </ul>
            <h2>"抽取与结果"</h2>
            <ul class="plain">
                {tasks.iter().map(|(id, name, drawn, published)| view! {
                    <li>{name.clone()}"："
                        {drawn.then(|| view! {
                            "抽中企业 "<a href=format!("/public/data/tasks/{id}/draw.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/draw.json")>"JSON"</a>
                            "；名录 "<a href=format!("/public/data/tasks/{id}/pool.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/pool.json")>"JSON"</a>
                        })}
                        {published.then(|| view! {
                            "；结果 "<a href=format!("/public/data/tasks/{id}/results.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/results.json")>"JSON"</a>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        },
    )
}

//! The on-site pages as HTML text: the phone's list and result form (a small inline
//! script, no WASM), the notices and the signed record (A4, printed or saved as PDF by
//! the browser). Every text from the database goes through [`e`].

use crate::domain::checklist::{
    Answer, AnswerKind, CheckPoint, CONFORMS, FAILS, NOT_APPLICABLE, PROBLEM_VALUES,
};
use crate::domain::evidence::{MAX_FILES, MAX_FILE_BYTES};
use crate::domain::result::{Assignment, ResultRow, TaskResults, CATEGORIES, HANDLINGS, METHODS};
use crate::ssr::db::onsite::{FileMeta, TaskHead};
use std::collections::HashMap;
use std::fmt::Write as _;

pub const CSS: &str = include_str!("onsite.css");
pub const FORM_JS: &str = include_str!("form.js");
pub const SW_JS: &str = include_str!("sw.js");

/// Escaped text.
fn e(text: &str) -> String {
    crate::escape_html(text)
}

/// A whole page; `script` adds the form's script.
pub fn page(title: &str, body: &str, script: bool) -> String {
    let js = if script { format!("<script>{FORM_JS}</script>") } else { String::new() };
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · 现场检查</title>\
         <style>{CSS}</style></head><body><header class=\"top\"><a href=\"/m\">现场检查</a><a href=\"/m/points\">检查要点</a><a href=\"/my\">我的检查</a></header>\
         <main id=\"main\">{body}</main>{js}</body></html>",
        e(title)
    )
}

/// An error as a page.
pub fn error_page(message: &str, signed_in: bool) -> String {
    let login = if signed_in { "" } else { "<p><a class=\"btn\" href=\"/login\">登录</a></p>" };
    page(
        "出错了",
        &format!("<h1>未能完成</h1><p class=\"err\" role=\"alert\">{}</p>{login}", e(message)),
        false,
    )
}

/// `/m`: the inspector's assignments.
pub fn list_page(name: &str, rows: &[Assignment]) -> String {
    let mut b = format!("<h1>现场检查</h1><p class=\"note\">{}，以下为分派给您的检查对象。</p>", e(name));
    if rows.is_empty() {
        b.push_str("<p>目前没有分派给您的检查对象。</p>");
    }
    b.push_str("<ul class=\"list\">");
    for a in rows {
        let state = a.review.map(|r| r.label()).unwrap_or("未录入");
        let base = format!("/m/tasks/{}/{}", a.task_id, e(&a.code));
        let _ = write!(
            b,
            "<li><strong>{}</strong><br><span class=\"note\">{} · {} · 抽取于 {} · {}</span>\
             <div class=\"acts\"><a class=\"btn\" href=\"{base}\">填写检查结果</a>\
             <a class=\"btn plain\" href=\"{base}/notice\">通知书</a><a class=\"btn plain\" href=\"{base}/record\">检查记录表</a></div></li>",
            e(&a.name),
            e(&a.task_name),
            e(&a.code),
            e(&a.drawn_on),
            state
        );
    }
    b.push_str("</ul>");
    page("现场检查", &b, false)
}

fn radio(name: &str, value: &str, checked: bool) -> String {
    format!(
        "<label><input type=\"radio\" name=\"{name}\" value=\"{value}\"{}>{value}</label>",
        if checked { " checked" } else { "" }
    )
}

/// The result form of one enterprise: its task's items' check points, the team, the files.
pub fn form_page(
    t: &TaskResults,
    row: &ResultRow,
    points: &[CheckPoint],
    answers: &[Answer],
    key: &str,
    today: &str,
) -> String {
    let stored = row.result.as_ref().map(|r| &r.draft);
    let mut b =
        format!("<h1>{}</h1><p class=\"note\">{} · {}</p>", e(&row.name), e(&row.code), e(&t.task_name));
    if !row.can_enter {
        b.push_str(
            "<p class=\"err\">当前不能为该企业录入或修改结果（任务不在检查阶段，或结果已审核公示）。</p>",
        );
        let _ = write!(
            b,
            "<p><a class=\"btn\" href=\"/m/tasks/{}/{}/record\">查看检查记录表</a></p>",
            t.task_id,
            e(&row.code)
        );
        return page(&row.name, &b, false);
    }
    let _ = write!(
        b,
        "<p id=\"draftmsg\" class=\"ok\" role=\"status\" hidden></p><p><button type=\"button\" id=\"discard\" class=\"plain\" hidden>放弃草稿</button></p>\
         <form id=\"onsite\" method=\"post\" enctype=\"multipart/form-data\" action=\"/m/tasks/{}/{}\" data-draft=\"{}-{}\">\
         <input type=\"hidden\" name=\"idempotency_key\" value=\"{}\">",
        t.task_id,
        e(&row.code),
        t.task_id,
        e(&row.code),
        e(key)
    );
    let on = stored.map_or(today.to_string(), |d| d.inspected_on.clone());
    let method = stored.map_or("实地核查", |d| d.method.as_str());
    let _ = write!(b, "<fieldset><legend>检查情况</legend><label class=\"f\" for=\"on\">检查日期</label><input id=\"on\" type=\"date\" name=\"inspected_on\" value=\"{}\" required>", e(&on));
    b.push_str("<label class=\"f\" for=\"method\">检查方式</label><select id=\"method\" name=\"method\">");
    for m in METHODS {
        let _ = write!(b, "<option{}>{m}</option>", if m == method { " selected" } else { "" });
    }
    b.push_str("</select><p class=\"f\">实际参加检查的执法人员（不少于 2 名）</p>");
    for (id, name, dept) in &row.team {
        let checked = stored.is_none_or(|d| d.attended.contains(id));
        let _ = write!(
            b,
            "<label class=\"check\"><input type=\"checkbox\" name=\"attended\" value=\"{id}\"{}>{}（{}）</label>",
            if checked { " checked" } else { "" },
            e(name),
            e(dept)
        );
    }
    b.push_str("</fieldset>");
    for (item_id, item) in &t.items {
        let mine: Vec<&CheckPoint> = points.iter().filter(|p| p.item_id == *item_id).collect();
        let _ = write!(b, "<fieldset><legend>{}</legend>", e(item));
        if mine.is_empty() {
            let verdict = stored.and_then(|d| d.verdicts.iter().find(|v| v.item_id == *item_id));
            let _ = write!(b, "<label class=\"f\" for=\"v_{item_id}\">检查结果</label><select id=\"v_{item_id}\" name=\"v_{item_id}\">");
            for c in CATEGORIES {
                let sel = verdict.is_some_and(|v| v.categories.first().is_some_and(|x| x == c));
                let _ = write!(b, "<option{}>{c}</option>", if sel { " selected" } else { "" });
            }
            let _ = write!(
                b,
                "</select><label class=\"f\" for=\"vp_{item_id}\">发现的问题</label><textarea id=\"vp_{item_id}\" name=\"vp_{item_id}\">{}</textarea>",
                e(verdict.map_or("", |v| v.problems.as_str()))
            );
        }
        for p in &mine {
            let given = answers.iter().find(|a| a.point_id == p.id);
            let value = given.map_or("", |a| a.answer.as_str());
            let example = if p.example { "（示例要点）" } else { "" };
            let _ = write!(b, "<div class=\"point\"><p class=\"f\">{}{example}</p>", e(&p.text));
            if !p.legal_basis.is_empty() {
                let _ = write!(b, "<p class=\"basis\">依据：{}</p>", e(&p.legal_basis));
            }
            let name = format!("a_{}", p.id);
            match p.kind {
                AnswerKind::Conformity => {
                    let _ = write!(
                        b,
                        "<div class=\"choice\">{}{}{}</div><div id=\"pw_{}\"><label class=\"f\" for=\"p_{}\">不符合时写明发现的问题</label>\
                         <textarea id=\"p_{}\" name=\"p_{}\">{}</textarea></div>",
                        radio(&name, CONFORMS, value == CONFORMS),
                        radio(&name, FAILS, value == FAILS),
                        radio(&name, NOT_APPLICABLE, value == NOT_APPLICABLE),
                        p.id,
                        p.id,
                        p.id,
                        p.id,
                        e(given.map_or("", |a| a.problem.as_str()))
                    );
                }
                AnswerKind::Number => {
                    let _ = write!(b, "<input type=\"number\" inputmode=\"decimal\" step=\"any\" name=\"{name}\" value=\"{}\" aria-label=\"{}\">", e(value), e(&p.text));
                }
                AnswerKind::Text => {
                    let _ = write!(
                        b,
                        "<input type=\"text\" name=\"{name}\" value=\"{}\" aria-label=\"{}\">",
                        e(value),
                        e(&p.text)
                    );
                }
            }
            b.push_str("</div>");
        }
        if !mine.is_empty() {
            let verdict = stored.and_then(|d| d.verdicts.iter().find(|v| v.item_id == *item_id));
            let _ = write!(b, "<label class=\"f\" for=\"fix_{item_id}\">如有不符合，本事项的检查结果</label><select id=\"fix_{item_id}\" name=\"fix_{item_id}\">");
            for v in PROBLEM_VALUES {
                let sel = verdict.is_some_and(|x| x.categories.iter().any(|c| c == v));
                let _ = write!(b, "<option{}>{v}</option>", if sel { " selected" } else { "" });
            }
            b.push_str("</select>");
        }
        b.push_str("</fieldset>");
    }
    b.push_str("<fieldset><legend>后续处置（发现问题待后续处理时必选）</legend>");
    for h in HANDLINGS {
        let checked = stored.is_some_and(|d| d.handling.iter().any(|x| x == h));
        let _ = write!(
            b,
            "<label class=\"check\"><input type=\"checkbox\" name=\"handling\" value=\"{h}\"{}>{h}</label>",
            if checked { " checked" } else { "" }
        );
    }
    let _ = write!(
        b,
        "<label class=\"f\" for=\"referral\">移送接收部门</label><input id=\"referral\" type=\"text\" name=\"referral_department\" value=\"{}\"></fieldset>",
        e(stored.map_or("", |d| d.referral_department.as_str()))
    );
    let _ = write!(
        b,
        "<fieldset><legend>证据材料</legend><p class=\"note\">每个文件不超过 {} MB，一次最多 {MAX_FILES} 个；照片的拍摄位置信息会被去除。</p>\
         <label class=\"f\" for=\"photo\">现场照片</label><input id=\"photo\" type=\"file\" name=\"photo\" accept=\"image/*\" capture=\"environment\" multiple>\
         <label class=\"f\" for=\"document\">书证材料（PDF 或图片）</label><input id=\"document\" type=\"file\" name=\"document\" accept=\"application/pdf,image/*\" multiple>\
         <p id=\"nfiles\" class=\"note\"></p><div id=\"thumbs\" class=\"thumbs\"></div></fieldset>\
         <div class=\"sticky\"><button id=\"send\" type=\"submit\">提交检查结果</button></div></form>",
        MAX_FILE_BYTES >> 20
    );
    page(&row.name, &b, true)
}

fn team_line(row: &ResultRow, certs: &HashMap<i64, String>, only: Option<&[i64]>) -> String {
    row.team
        .iter()
        .filter(|m| only.is_none_or(|o| o.contains(&m.0)))
        .map(|(id, name, _)| {
            format!("{}（执法证号 {}）", e(name), e(certs.get(id).map_or("—", String::as_str)))
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// 随机抽查通知书, one A4 sheet per enterprise.
pub fn notices_page(
    t: &TaskResults,
    head: &TaskHead,
    rows: &[&ResultRow],
    addresses: &HashMap<String, String>,
    certs: &HashMap<i64, String>,
    points: &[CheckPoint],
) -> String {
    let mut b = String::from("<p class=\"noprint\">请用浏览器的“打印”打印或另存为 PDF（A4）。</p>");
    let items = t.items.iter().map(|(_, n)| e(n)).collect::<Vec<_>>().join("、");
    let period = format!("{} 年 {} 月至 {} 月", head.window_year, head.start_month, head.end_month);
    for (n, row) in rows.iter().enumerate() {
        let prepare: Vec<String> =
            ["营业执照".to_string(), "与抽查事项有关的许可证件、台账、凭证及其他材料".to_string()]
                .into_iter()
                .chain(
                    points
                        .iter()
                        .filter(|p| p.kind == AnswerKind::Conformity)
                        .map(|p| format!("“{}”的有关材料", p.text)),
                )
                .map(|s| format!("<li>{}</li>", e(&s)))
                .collect();
        let _ = write!(
            b,
            "<section class=\"sheet\"><h1>随机抽查通知书</h1><p class=\"no\">{}〔{}〕第 {} 号</p>\
             <p><strong>{}</strong>（统一社会信用代码：{}）：</p>\
             <p>根据“双随机、一公开”监管工作要求和{}，你单位被随机抽取为“{}”的检查对象。本局将派员对你单位进行检查，现将有关事项通知如下：</p>\
             <table><tr><th>任务编号</th><td>{}</td></tr><tr><th>抽查事项</th><td>{}</td></tr>\
             <tr><th>检查人员</th><td>{}</td></tr><tr><th>检查期间</th><td>{}</td></tr><tr><th>检查方式</th><td>实地核查、书面检查</td></tr>\
             <tr><th>检查地点</th><td>{}</td></tr></table><p>请你单位届时安排负责人或授权代表在场，并准备以下材料：</p><ol>{}</ol>\
             <p>检查人员应当出示执法证件；你单位有权核对其身份，认为检查人员与你单位有利害关系的，可以申请回避。</p>\
             <p>联系部门：{}　联系人：{}　联系电话：____________</p>\
             <div class=\"sign\"><span>企业签收：</span><span>{}（盖章）　　年　月　日</span></div></section>",
            e(&head.department),
            head.window_year,
            n + 1,
            e(&row.name),
            e(&row.code),
            e(&head.plan_name),
            e(&t.task_name),
            e(&head.task_no),
            items,
            team_line(row, certs, None),
            period,
            e(addresses.get(&row.code).map_or("", String::as_str)),
            prepare.concat(),
            e(&head.department),
            row.team.first().map_or(String::new(), |m| e(&m.1)),
            e(&head.department),
        );
    }
    page("随机抽查通知书", &b, false)
}

/// What the record of one result is printed from.
pub struct Record<'a> {
    pub task: &'a TaskResults,
    pub head: &'a TaskHead,
    pub row: &'a ResultRow,
    pub address: &'a str,
    pub certs: &'a HashMap<i64, String>,
    pub points: &'a [CheckPoint],
    pub answers: &'a [Answer],
    pub files: &'a [FileMeta],
}

/// 检查记录表 of one stored result; `saved` says it was just submitted.
pub fn record_page(rec: &Record, saved: bool) -> String {
    let Record { task: t, head, row, address, certs, points, answers, files } = *rec;
    let mut b = String::new();
    if saved {
        b.push_str("<p class=\"ok noprint\" role=\"status\">检查结果已提交。</p>");
    }
    b.push_str(
        "<p class=\"noprint\">请用浏览器的“打印”打印或另存为 PDF（A4），由检查人员和企业代表签字。</p>",
    );
    let Some(r) = &row.result else {
        b.push_str("<p class=\"err\">该企业尚未录入检查结果，没有检查记录。</p>");
        return page("检查记录表", &b, false);
    };
    let d = &r.draft;
    let _ = write!(
        b,
        "<section class=\"sheet\"><h1>检查记录表</h1><table><tr><th>被检查企业</th><td>{}</td></tr><tr><th>统一社会信用代码</th><td>{}</td></tr>\
         <tr><th>地址</th><td>{}</td></tr><tr><th>抽查任务</th><td>{}（{}）</td></tr><tr><th>检查日期</th><td>{}</td></tr><tr><th>检查方式</th><td>{}</td></tr>\
         <tr><th>检查人员</th><td>{}</td></tr></table>",
        e(&row.name),
        e(&row.code),
        e(address),
        e(&t.task_name),
        e(&head.task_no),
        e(&d.inspected_on),
        e(&d.method),
        team_line(row, certs, Some(&d.attended)),
    );
    b.push_str("<table><tr><th>检查事项 / 检查要点</th><th>检查情况</th></tr>");
    for (item_id, item) in &t.items {
        let verdict = d.verdicts.iter().find(|v| v.item_id == *item_id);
        let _ = write!(
            b,
            "<tr><th colspan=\"2\">{}：{}</th></tr>",
            e(item),
            e(&verdict.map(|v| v.categories.join("、")).unwrap_or_default())
        );
        for p in points.iter().filter(|p| p.item_id == *item_id) {
            let a = answers.iter().find(|a| a.point_id == p.id);
            let text = match a {
                Some(a) if !a.problem.is_empty() => format!("{}：{}", a.answer, a.problem),
                Some(a) => a.answer.clone(),
                None => "—".into(),
            };
            let _ = write!(b, "<tr><td>{}</td><td>{}</td></tr>", e(&p.text), e(&text));
        }
    }
    let _ = write!(
        b,
        "</table><table><tr><th>检查结果</th><td>{}</td></tr><tr><th>发现的问题</th><td>{}</td></tr><tr><th>后续处置</th><td>{}</td></tr></table>",
        e(&d.categories.join("、")),
        e(if d.problems.is_empty() { "—" } else { &d.problems }).replace('\n', "<br>"),
        e(&if d.handling.is_empty() { "—".to_string() } else { d.handling.join("、") }),
    );
    if !files.is_empty() {
        b.push_str("<h2>证据材料</h2><div class=\"photos\">");
        for f in files {
            let shown = if f.mime.starts_with("image/") {
                format!("<img src=\"/m/files/{}\" alt=\"{}\">", f.id, e(&f.name))
            } else {
                format!("<a href=\"/m/files/{}\">{}</a>", f.id, e(&f.name))
            };
            let _ = write!(
                b,
                "<figure>{shown}<figcaption>{}（{} 字节）<br><span class=\"hash\">SHA-256 {}</span></figcaption></figure>",
                e(&f.name),
                f.size,
                e(&f.sha256)
            );
        }
        b.push_str("</div>");
    }
    b.push_str("<div class=\"sign\">");
    for id in &d.attended {
        let name = row.team.iter().find(|m| m.0 == *id).map_or(String::new(), |m| m.1.clone());
        let _ = write!(b, "<span>检查人员（签字）：{}</span>", e(&name));
    }
    b.push_str("<span>企业负责人或授权代表（签字）：</span><span>职务及联系电话：</span><span>签字日期：　　年　月　日</span></div></section>");
    page("检查记录表", &b, false)
}

fn kind_options(selected: AnswerKind) -> String {
    [(AnswerKind::Conformity, "符合/不符合/不涉及"), (AnswerKind::Number, "数字"), (AnswerKind::Text, "文字")]
        .iter()
        .map(|(k, label)| {
            format!(
                "<option value=\"{}\"{}>{label}</option>",
                k.code(),
                if *k == selected { " selected" } else { "" }
            )
        })
        .collect()
}

/// `/m/points`: each inspection item's check points, editable by those who may.
pub fn points_page(items: &[(i64, String, bool, Vec<CheckPoint>)]) -> String {
    let mut b = String::from(
        "<h1>检查要点</h1><p class=\"note\">结果表单按任务的抽查事项生成。标“示例要点”的是演示数据，请按本局实际修改；\
         已有检查结果回答过的要点只能修改文字，不能删除。</p>",
    );
    for (item_id, name, editable, points) in items {
        let _ = write!(b, "<fieldset id=\"item-{item_id}\"><legend>{}</legend>", e(name));
        for p in points {
            let example = if p.example { "（示例要点）" } else { "" };
            if *editable {
                let _ = write!(
                    b,
                    "<form class=\"point\" method=\"post\" action=\"/m/points\"><input type=\"hidden\" name=\"item_id\" value=\"{item_id}\">\
                     <input type=\"hidden\" name=\"point_id\" value=\"{}\"><label class=\"f\">检查要点{example}<input type=\"text\" name=\"text\" value=\"{}\"></label>\
                     <label class=\"f\">依据<input type=\"text\" name=\"legal_basis\" value=\"{}\"></label>\
                     <label class=\"f\">回答方式<select name=\"kind\">{}</select></label>\
                     <p class=\"acts\"><button name=\"op\" value=\"save\">保存</button> <button name=\"op\" value=\"delete\" class=\"plain\">删除</button></p></form>",
                    p.id,
                    e(&p.text),
                    e(&p.legal_basis),
                    kind_options(p.kind)
                );
            } else {
                let _ = write!(
                    b,
                    "<p class=\"point\">{}{example}<br><span class=\"basis\">{}</span></p>",
                    e(&p.text),
                    e(&p.legal_basis)
                );
            }
        }
        if *editable {
            let _ = write!(
                b,
                "<form class=\"point\" method=\"post\" action=\"/m/points\"><input type=\"hidden\" name=\"item_id\" value=\"{item_id}\">\
                 <label class=\"f\">新增检查要点<input type=\"text\" name=\"text\"></label><label class=\"f\">依据<input type=\"text\" name=\"legal_basis\"></label>\
                 <label class=\"f\">回答方式<select name=\"kind\">{}</select></label><p><button name=\"op\" value=\"save\">新增</button></p></form>",
                kind_options(AnswerKind::Conformity)
            );
        }
        b.push_str("</fieldset>");
    }
    page("检查要点", &b, false)
}

//! 行政处罚信息公示: the penalties inside their publication period.

use super::page;
use crate::domain::penalty::Penalty;
use leptos::prelude::*;

pub fn penalties_page(list: &[Penalty]) -> String {
    let empty = list.is_empty().then(|| view! { <p class="empty">"目前没有公示期内的行政处罚信息。"</p> });
    let cards = list.iter().map(card).collect_view();
    page(
        "行政处罚信息公示",
        view! {
            <h1>"行政处罚信息公示"</h1>
            <p>"依法公示作出的行政处罚决定。通报批评或较低数额罚款公示期一般为三个月，其他行政处罚为三年；公示期满或经信用修复提前终止的，不再公示。"</p>
            {empty}
            <div data-testid="penalties">{cards}</div>
        },
    )
}

fn card(p: &Penalty) -> impl IntoView {
    let fine = if p.fine_yuan == "0.00" { "无".to_string() } else { format!("{} 元", p.fine_yuan) };
    let corrected = p.corrected_on.clone().map(|on| {
        view! { <p class="corrected" data-testid="corrected">{format!("已更正（{on}）：{}", p.correction_reason)}</p> }
    });
    view! {
        <article class="card result" data-decision=p.decision_no.clone()>
            <h3>{p.party_name.clone()}</h3>
            <p class="code">{p.party_code.clone()}</p>
            {corrected}
            <dl>
                <div><dt>"决定书文号"</dt><dd>{p.decision_no.clone()}</dd></div>
                <div><dt>"违法行为类型"</dt><dd>{p.violation_type.clone()}</dd></div>
                <div><dt>"违法事实"</dt><dd>{p.facts.clone()}</dd></div>
                <div><dt>"处罚依据"</dt><dd>{p.basis.clone()}</dd></div>
                <div><dt>"处罚内容"</dt><dd>{p.content.clone()}</dd></div>
                <div><dt>"罚款金额"</dt><dd>{fine}</dd></div>
                <div><dt>"处罚机关"</dt><dd>{p.authority.clone()}</dd></div>
                <div><dt>"处罚决定日期"</dt><dd>{p.decided_on.clone()}</dd></div>
                <div><dt>"公示日期"</dt><dd>{p.published_on.clone()}</dd></div>
                <div><dt>"公示截止日期"</dt><dd>{p.publish_until.clone()}</dd></div>
            </dl>
        </article>
    }
}

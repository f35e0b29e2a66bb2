//! 抽查结果导入: results a bureau entered in the province's 双随机 system first come back
//! from that system's export (by plan and task number, credit code and inspection item),
//! so nobody types them twice. The rules are the registries': every row checked, a dry run
//! unless applied, all or nothing, each problem named by row and column. Each enterprise's
//! rows become one result saved by the form's own path (db::results::save_in) as the named
//! account, so the same permissions hold; a row that says what is already stored changes
//! nothing, and a published result is never changed by an import (it is corrected by the
//! office head with a reason).

use super::result_items::{task_items, verdicts_of};
use super::results::{save_in, selection, stored_result};
use crate::domain::import::RowError;
use crate::domain::result::{ItemVerdict, ResultDraft, CATEGORIES, HANDLINGS, METHODS, REFERRAL};
use crate::domain::result_export::Template;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::files::table_file::read_rows;
use crate::ssr::files::xlsx_read::Limits;
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashMap};

/// The largest results file read (a year of a province's results is far smaller).
pub const MAX_BYTES: usize = 32 << 20;

/// The source fields an import needs, and those it reads when present.
const NEEDED: [&str; 6] = ["plan_no", "task_no", "code", "item", "result", "method"];

/// What written in place of the problems when the file has no 发现的问题 column and the
/// system has none stored for that item.
pub const PROBLEMS_ELSEWHERE: &str = "详见省级双随机监管平台的检查记录（由结果文件导入）";

/// What an import did, or would do in a dry run: counted by enterprise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RowError>,
    pub applied: bool,
}

/// A task's id and its inspection items (id, name).
type TaskItems = (i64, Vec<(i64, String)>);

/// One enterprise's rows of the file.
struct Group {
    /// The first row's number (errors about the whole enterprise are named there).
    row: usize,
    task_id: i64,
    code: String,
    inspected_on: String,
    method: String,
    handling: Vec<String>,
    referral_department: String,
    /// (item id, categories, problems if the file has them).
    verdicts: Vec<(i64, Vec<String>, Option<String>)>,
}

/// Imports a results file as `username` (a dry run unless `apply`).
pub async fn import(
    db: &AnyPool,
    bytes: &[u8],
    template: &Template,
    username: &str,
    apply: bool,
) -> Result<ResultImportReport, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(crate::ssr::files::table_file::FileError::TooLarge {
            bytes: bytes.len(),
            max: MAX_BYTES,
        }
        .into());
    }
    let title_of = |field: &str| template.columns.iter().find(|(_, f)| f == field).map(|(t, _)| t.clone());
    let date_field = if title_of("finished_on").is_some() { "finished_on" } else { "inspected_on" };
    let mut fields: Vec<&str> = NEEDED.to_vec();
    fields.push(date_field);
    let missing: Vec<&str> = fields.iter().copied().filter(|f| title_of(f).is_none()).collect();
    if !missing.is_empty() {
        return Err(AppError::invalid("文件", format!("模板缺少导入所需的来源字段：{}", missing.join("、"))));
    }
    for optional in ["handling", "problems"] {
        if title_of(optional).is_some() {
            fields.push(optional);
        }
    }
    let titles: Vec<String> = fields.iter().map(|f| title_of(f).expect("checked")).collect();
    let columns: Vec<&str> = titles.iter().map(String::as_str).collect();
    let rows = read_rows(bytes, &columns, &Limits::CLI_REGISTRY)?;

    let mut tx = crate::ssr::db::begin_write(db).await?;
    let user = super::sessions::user_named(&mut tx, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("账号 {username} 不存在")))?;
    let mut report = ResultImportReport::default();
    let mut reject = |row: usize, field: &str, message: String| {
        let column = title_of(field).unwrap_or_else(|| field.to_string());
        report.rejected.push(RowError { row, column, message });
    };
    // Rows → one group per task and enterprise, in file order.
    let mut tasks: HashMap<(String, String), Option<TaskItems>> = HashMap::new();
    let mut groups: BTreeMap<(i64, String), Group> = BTreeMap::new();
    for (row, cells) in &rows {
        let cell = |field: &str| -> String {
            fields.iter().position(|f| *f == field).map(|i| cells[i].trim().to_string()).unwrap_or_default()
        };
        let key = (cell("plan_no"), cell("task_no"));
        if !tasks.contains_key(&key) {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM tasks WHERE plan_no = $1 AND task_no = $2")
                    .bind(&key.0)
                    .bind(&key.1)
                    .fetch_optional(&mut *tx)
                    .await?;
            let entry = match found {
                Some(id) => Some((id, task_items(&mut tx, id).await?)),
                None => None,
            };
            tasks.insert(key.clone(), entry);
        }
        let Some((task_id, items)) = tasks[&key].clone() else {
            reject(*row, "task_no", format!("计划 {} 中没有任务编号为 {} 的抽查任务", key.0, key.1));
            continue;
        };
        let code = cell("code").to_ascii_uppercase();
        if selection(&mut tx, task_id, &code).await.is_err() {
            reject(*row, "code", format!("{code} 不是任务 {} 抽中的检查对象", key.1));
            continue;
        }
        let item_name = cell("item");
        let Some(item_id) = items.iter().find(|(_, n)| *n == item_name).map(|i| i.0) else {
            let names: Vec<&str> = items.iter().map(|i| i.1.as_str()).collect();
            reject(*row, "item", format!("“{item_name}”不是该任务的抽查事项（应为：{}）", names.join("、")));
            continue;
        };
        let categories: Vec<String> =
            cell("result").split('、').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        if let Some(bad) = categories.iter().find(|c| !CATEGORIES.contains(&c.as_str())) {
            reject(*row, "result", format!("“{bad}”不是标准检查结果"));
            continue;
        }
        let method = cell("method");
        if !METHODS.contains(&method.as_str()) {
            reject(*row, "method", format!("核查方式须为：{}", METHODS.join("、")));
            continue;
        }
        let inspected_on = cell(date_field);
        if crate::domain::date::Date::parse(&inspected_on).is_none() {
            reject(*row, date_field, format!("“{inspected_on}”不是 YYYY-MM-DD 格式的有效日期"));
            continue;
        }
        let (handling, referral_department) = match parse_handling(&cell("handling")) {
            Ok(h) => h,
            Err(message) => {
                reject(*row, "handling", message);
                continue;
            }
        };
        let problems = fields.contains(&"problems").then(|| cell("problems"));
        let group = groups.entry((task_id, code.clone())).or_insert_with(|| Group {
            row: *row,
            task_id,
            code: code.clone(),
            inspected_on: inspected_on.clone(),
            method: method.clone(),
            handling: handling.clone(),
            referral_department: referral_department.clone(),
            verdicts: Vec::new(),
        });
        if group.inspected_on != inspected_on || group.method != method {
            reject(
                *row,
                date_field,
                format!("同一企业各检查事项的检查日期与核查方式应一致（见第 {} 行）", group.row),
            );
            continue;
        }
        if group.verdicts.iter().any(|v| v.0 == item_id) {
            reject(*row, "item", format!("“{item_name}”重复（见第 {} 行）", group.row));
            continue;
        }
        group.verdicts.push((item_id, categories, problems));
    }

    // Each enterprise: unchanged, or saved by the form's path as the named account.
    let (mut added, mut updated, mut unchanged) = (0, 0, 0);
    for group in groups.into_values() {
        let (draw_id, position, enterprise_id) = selection(&mut tx, group.task_id, &group.code).await?;
        let stored = stored_result(&mut tx, draw_id, enterprise_id).await?;
        let (stored_verdicts, before) = match stored {
            Some(s) => {
                let id = s.id;
                let cal = super::calendar::calendar(&mut *tx).await?;
                let r = s.into_result(group.task_id, &cal);
                let published = r.published_at.is_some();
                (verdicts_of(&mut tx, id).await?, Some((r.draft, published)))
            }
            None => (Vec::new(), None),
        };
        let team: Vec<i64> = sqlx::query_scalar(
            "SELECT inspector_id FROM draw_team_members WHERE draw_id = $1 AND position = $2 ORDER BY seq",
        )
        .bind(draw_id)
        .bind(position)
        .fetch_all(&mut *tx)
        .await?;
        let verdicts: Vec<ItemVerdict> = group
            .verdicts
            .iter()
            .map(|(item_id, categories, problems)| {
                let kept = stored_verdicts.iter().find(|v| v.item_id == *item_id).map(|v| v.problems.clone());
                let needs_words = categories.iter().any(|c| {
                    crate::domain::result::is_problem(c) || crate::domain::result::is_not_inspectable(c)
                });
                let problems = match (problems, kept) {
                    (Some(p), _) => p.clone(),
                    (None, Some(k)) => k,
                    (None, None) if needs_words => PROBLEMS_ELSEWHERE.into(),
                    (None, None) => String::new(),
                };
                ItemVerdict { item_id: *item_id, categories: categories.clone(), problems }
            })
            .collect();
        let referral = if group.referral_department.is_empty() && group.handling.iter().any(|h| h == REFERRAL)
        {
            before.as_ref().map(|b| b.0.referral_department.clone()).unwrap_or_default()
        } else {
            group.referral_department.clone()
        };
        let draft = ResultDraft {
            task_id: group.task_id,
            code: group.code.clone(),
            inspected_on: group.inspected_on.clone(),
            method: group.method.clone(),
            attended: before.as_ref().map(|b| b.0.attended.clone()).unwrap_or(team),
            categories: Vec::new(),
            problems: String::new(),
            handling: group.handling.clone(),
            referral_department: referral,
            verdicts,
        };
        if let Some((old, published)) = &before {
            if same(old, &draft, &stored_verdicts) {
                unchanged += 1;
                continue;
            }
            if *published {
                reject(
                    group.row,
                    "result",
                    format!(
                        "{} 的结果已公示，导入不能改动；如有错误，由处室负责人写明理由后更正",
                        group.code
                    ),
                );
                continue;
            }
        }
        let mut savepoint = sqlx::Connection::begin(&mut *tx).await?;
        match save_in(&mut savepoint, &draft, &user).await {
            Ok(()) => {
                savepoint.commit().await?;
                if before.is_some() {
                    updated += 1
                } else {
                    added += 1
                }
            }
            Err(e) => {
                savepoint.rollback().await?;
                let (field, message) = match &e {
                    AppError::Invalid { field, message } => (field.clone(), message.clone()),
                    AppError::Fields(list) => (
                        list[0].field.clone(),
                        list.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("；"),
                    ),
                    other => ("code".into(), other.to_string()),
                };
                let field = match field.as_str() {
                    "inspected_on" => date_field,
                    "method" => "method",
                    "handling" | "referral_department" => "handling",
                    "categories" | "problems" | "verdicts" => "result",
                    _ => "code",
                };
                reject(group.row, field, format!("{}：{message}", group.code));
            }
        }
    }
    report.added = added;
    report.updated = updated;
    report.unchanged = unchanged;
    report.rejected.sort_by_key(|e| e.row);
    if report.rejected.is_empty() && apply {
        audit::append(
            &mut tx,
            Change {
                actor: &user.username,
                role: user.role.code(),
                action: "results.import",
                entity_type: "system",
                entity_id: "",
                before: None,
                after: Some(serde_json::json!({
                    "rows": rows.len(), "added": added, "updated": updated, "unchanged": unchanged,
                    "file_sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        report.applied = true;
    } else {
        tx.rollback().await?;
    }
    Ok(report)
}

/// Whether the file says what is stored: date, method, handling and each item's values
/// (and problems where the file has them, i.e. where they differ from what is kept).
fn same(old: &ResultDraft, new: &ResultDraft, stored: &[ItemVerdict]) -> bool {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    old.inspected_on == new.inspected_on
        && old.method == new.method
        && sorted(&old.handling) == sorted(&new.handling)
        && stored.len() == new.verdicts.len()
        && new.verdicts.iter().all(|n| {
            stored.iter().any(|o| {
                o.item_id == n.item_id
                    && sorted(&o.categories) == sorted(&n.categories)
                    && o.problems == n.problems
            })
        })
}

/// 后续处置 as the export writes it (`无`, or `责令改正（已完结…）；移送（…）` with the
/// department as `（移送X）`) back into its kinds and the receiving department.
fn parse_handling(text: &str) -> Result<(Vec<String>, String), String> {
    let text = text.trim();
    if text.is_empty() || text == "无" {
        return Ok((Vec::new(), String::new()));
    }
    let mut kinds: Vec<String> = Vec::new();
    let mut department = String::new();
    // The longest names first: 移送司法机关 before 移送.
    let mut names: Vec<&str> = HANDLINGS.to_vec();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for piece in top_level_pieces(text) {
        if let Some(rest) = piece.strip_prefix("（移送").and_then(|r| r.strip_suffix('）')) {
            department = rest.to_string();
            continue;
        }
        let Some(name) = names.iter().find(|n| piece.starts_with(**n)) else {
            return Err(format!("“{piece}”不是可选的处置方式（{}）", HANDLINGS.join("、")));
        };
        if let Some(at) = piece.find("（移送") {
            department = piece[at + "（移送".len()..].trim_end_matches('）').to_string();
        }
        if !kinds.iter().any(|k| k == name) {
            kinds.push(name.to_string());
        }
    }
    Ok((kinds, department))
}

/// `text` split at `；`, `;` and `、` outside full-width brackets (an outcome may hold them).
fn top_level_pieces(text: &str) -> Vec<&str> {
    let (mut pieces, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (at, c) in text.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth -= 1,
            '；' | ';' | '、' if depth <= 0 => {
                pieces.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handling_comes_back_from_its_words() {
        assert_eq!(parse_handling("无").unwrap(), (vec![], String::new()));
        assert_eq!(
            parse_handling("责令改正（已完结，2022-05-01，已改正）").unwrap(),
            (vec!["责令改正".to_string()], String::new())
        );
        assert_eq!(
            parse_handling("移送司法机关；移送（移送市场监督管理局）").unwrap().0,
            ["移送司法机关", "移送"]
        );
        assert_eq!(parse_handling("移送（移送市场监督管理局）").unwrap().1, "市场监督管理局");
        assert!(parse_handling("罚款").unwrap_err().contains("罚款"));
        let done = "责令改正（已完结，2022-05-01：已改正、复查合格）；立案查处（办理中）";
        assert_eq!(parse_handling(done).unwrap().0, ["责令改正", "立案查处"]);
    }
}

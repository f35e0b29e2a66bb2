//! 全程留痕 — the audit log's entries and the filters of its page.

use serde::{Deserialize, Serialize};

/// Who made a change: account name and role code, as the audit log and the workflow's
/// events record them.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub role: &'a str,
}

/// One entry of the audit log, as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    /// Account name.
    pub actor: String,
    /// Display name (the account name if the account is unknown, e.g. `system`).
    pub actor_name: String,
    pub role: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: String,
}

/// The audit page's filters; empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Account name, or part of a display name.
    pub person: String,
    pub task_id: Option<i64>,
    /// Credit code of an enterprise.
    pub enterprise: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
}

/// The Chinese name of an audit action.
pub fn action_label(action: &str) -> &str {
    match action {
        "auth.sign_in" => "登录",
        "task.create" => "新建任务",
        "task.update" => "修改任务",
        "task.step" => "任务流转",
        "draw.freeze" => "冻结名单",
        "draw.run" => "抽取",
        "draw.freeze.refused" => "冻结被拒绝",
        "draw.draw.refused" => "抽取被拒绝",
        "result.create" => "录入结果",
        "result.update" => "修改结果",
        "result.pass" => "结果审核通过",
        "result.return" => "结果退回",
        "account.create" => "新建账号",
        "account.enable" => "启用账号",
        "account.disable" => "停用账号",
        "account.password" => "重置密码",
        "department.create" => "新增部门",
        "department.update" => "修改部门",
        "calendar.set" => "修改工作日历",
        "plan.create" => "新建年度计划",
        "plan.update" => "修改年度计划",
        "plan.import" => "导入计划表",
        "demo.seed" => "载入演示数据",
        "demo.history" => "载入演示历史",
        "auth.unlock" => "解除登录限制",
        "draw.observers" => "登记纪检监督人员",
        "draw.abandon" => "抽取作废",
        "plan_change.request" => "申请计划调整",
        "plan_change.consent" => "同意计划调整",
        "plan_change.refuse" => "不同意计划调整",
        "recusal.declare" => "申请回避",
        "recusal.approve" => "批准回避",
        "conflict.declare" => "申报利益冲突",
        "conflict.withdraw" => "撤回利益冲突申报",
        "registry.create" => "新增名录记录",
        "registry.update" => "修改名录记录",
        "registry.activate" => "启用名录记录",
        "registry.deactivate" => "停用名录记录",
        "registry.import" => "导入名录",
        other => other,
    }
}

/// What a log entry is about, in words: `task 2` → `任务 2`, `system` → `系统`.
pub fn entity_label(entity_type: &str, entity_id: &str) -> String {
    let kind = match entity_type {
        "task" => "任务",
        "user" => "账号",
        "draw" => "抽取",
        "result" => "检查结果",
        "annual_plan" | "plan" => "年度计划",
        "calendar_day" => "工作日历",
        "conflict" => "利益冲突申报",
        "department" => "部门",
        "enterprise" | "enterprises" => "检查对象",
        "inspector" | "inspectors" => "执法人员",
        "item" | "items" => "抽查事项",
        "database" => "数据库",
        "system" => "系统",
        other => other,
    };
    // A result is keyed `draw:credit code`.
    let id = match entity_type {
        "result" => {
            entity_id.split_once(':').map_or(entity_id.to_string(), |(d, c)| format!("第 {d} 号抽取 {c}"))
        }
        _ => entity_id.to_string(),
    };
    if id.is_empty() || id == entity_type {
        kind.to_string()
    } else {
        format!("{kind} {id}")
    }
}

/// The Chinese name of a key of an entry's before/after record.
fn key_label(key: &str) -> &str {
    match key {
        "status" => "状态",
        "window" => "抽查时间",
        "comment" => "意见",
        "active" => "在用",
        "updated" => "更新",
        "team" => "检查组",
        "short_name" => "简称",
        "present" => "到场",
        "invited" => "邀请",
        "plan" => "计划",
        "draw_id" => "抽取编号",
        "change" => "调整",
        "added" => "新增",
        "unchanged" => "未变",
        "tasks" => "任务",
        "task" => "任务",
        "sheet" => "工作表",
        "sessions_ended" => "结束的会话",
        "selected" => "抽中",
        "seed" => "种子",
        "scope_text" => "抽查对象范围",
        "scope_filed_before" => "登记截止日期",
        "scope_category" => "抽查类别",
        "rows" => "行数",
        "row" => "行",
        "review" => "审核",
        "replacement" => "替换人员",
        "recused" => "回避",
        "ratio_bp" => "抽查比例（万分比）",
        "plan_name" => "计划名称",
        "inspectors" => "执法人员",
        "enterprises" => "检查对象",
        "enterprise" => "检查对象",
        "dated" => "日期",
        "cleared_failures" => "清除的失败次数",
        "address" => "地址",
        "from" => "原",
        "to" => "新",
        "pool_count" => "名单户数",
        "pool_digest" => "名单摘要",
        "commitment" => "承诺值",
        "public_entropy" => "公共随机数",
        "count" => "户数",
        "place" => "抽取地点",
        "file_sha256" => "文件 SHA-256",
        "frozen_at" => "冻结时间",
        "drawn_at" => "抽取时间",
        "abandoned_at" => "作废时间",
        "published_at" => "公示时间",
        "decided_at" => "决定时间",
        "created_at" => "创建时间",
        "updated_at" => "更新时间",
        "entered_at" => "录入时间",
        "reviewed_at" => "审核时间",
        "at" => "时间",
        "code" => "统一社会信用代码",
        "task_id" => "任务编号",
        other => crate::labels::field_label(other),
    }
}

/// A stored value in words: a status code by its name, yes/no, lists joined.
fn value_text(key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => (if *b { "是" } else { "否" }).into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if key == "status" || key == "from" || key == "to" => {
            crate::domain::workflow::TaskStatus::parse(s).map_or(s.clone(), |t| t.label().to_string())
        }
        Value::String(s) if key == "role" => {
            crate::domain::auth::Role::parse(s).map_or(s.clone(), |r| r.label().to_string())
        }
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) if s.ends_with('Z') => crate::domain::date::local_time(s),
        Value::String(s) => s.clone(),
        Value::Array(list) if list.is_empty() => "—".into(),
        Value::Array(list) => list.iter().map(|x| value_text(key, x)).collect::<Vec<_>>().join("、"),
        Value::Object(_) => format!("（{}）", record_text(v)),
    }
}

/// A before/after record as `名称：值；…`, keeping every value.
fn record_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, x)| {
                let label = key_label(k);
                let label = if label.is_empty() { k.as_str() } else { label };
                format!("{label}：{}", value_text(k, x))
            })
            .collect::<Vec<_>>()
            .join("；"),
        other => value_text("", other),
    }
}

/// An entry's change in words: `状态：草稿 → 状态：待列入计划`, or the text itself when
/// it is not JSON.
pub fn change_text(before: Option<&str>, after: Option<&str>) -> String {
    let side = |s: Option<&str>| match s {
        None => "—".to_string(),
        Some(t) => serde_json::from_str::<serde_json::Value>(t).map_or(t.to_string(), |v| record_text(&v)),
    };
    match (before, after) {
        (None, None) => "—".into(),
        (None, Some(_)) => side(after),
        _ => format!("{} → {}", side(before), side(after)),
    }
}

#[cfg(test)]
mod words_tests {
    use super::*;

    #[test]
    fn changes_read_in_chinese_with_their_values() {
        let t = change_text(Some(r#"{"status":"draft"}"#), Some(r#"{"status":"submitted","comment":"好"}"#));
        assert_eq!(t, "状态：草稿 → 意见：好；状态：待列入计划");
        assert_eq!(entity_label("task", "2"), "任务 2");
        assert_eq!(entity_label("user", "9"), "账号 9");
        assert_eq!(entity_label("system", ""), "系统");
        assert_eq!(entity_label("result", "3:91130403MA00000310"), "检查结果 第 3 号抽取 91130403MA00000310");
        assert_eq!(action_label("demo.history"), "载入演示历史");
    }

    /// Every key the server writes into the log has a Chinese name.
    #[test]
    fn every_logged_key_has_a_chinese_name() {
        fn walk(dir: &std::path::Path, keys: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, keys);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("json!({").skip(1) {
                    let body = part.split("})").next().unwrap_or("");
                    for piece in body.split('"').collect::<Vec<_>>().windows(2) {
                        if piece[1].trim_start().starts_with(':') && !piece[0].is_empty() {
                            keys.push(piece[0].to_string());
                        }
                    }
                }
            }
        }
        let mut keys = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ssr"), &mut keys);
        keys.sort();
        keys.dedup();
        let missing: Vec<_> = keys.iter().filter(|k| k.is_ascii() && key_label(k).is_empty()).collect();
        assert!(keys.len() > 20 && missing.is_empty(), "keys without a Chinese name: {missing:?}");
    }
}

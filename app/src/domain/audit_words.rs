//! 全程留痕 in words: what an audit entry is about and what it changed, as a 纪检
//! officer reads them (the stored JSON keeps the code names).

/// What a log entry is about, in words: `task 2` → `任务 2`, `system` → `系统`.
pub fn entity_label(entity_type: &str, entity_id: &str) -> String {
    let kind = match entity_type {
        "task" => "任务",
        "user" => "账号",
        "draw" => "抽取",
        "result" => "检查结果",
        "follow_up" => "后续处置",
        "penalty" => "行政处罚",
        "annual_plan" | "plan" => "年度计划",
        "calendar_day" => "工作日历",
        "conflict" => "利益冲突申报",
        "department" => "部门",
        "enterprise" | "enterprises" => "检查对象",
        "inspector" | "inspectors" => "执法人员",
        "item" | "items" => "抽查事项",
        "check_point" => "检查要点",
        "database" => "数据库",
        "system" => "系统",
        other => other,
    };
    // A result is keyed `task:credit code`, a follow-up `task:credit code:kind`.
    let id = match entity_type {
        "result" | "follow_up" => match entity_id.split(':').collect::<Vec<_>>()[..] {
            [t, c] => format!("（任务 {t}，{c}）"),
            [t, c, k] => format!("（任务 {t}，{c}，{k}）"),
            _ => entity_id.to_string(),
        },
        _ => entity_id.to_string(),
    };
    if id.is_empty() || id == entity_type {
        kind.to_string()
    } else if id.starts_with('（') {
        format!("{kind}{id}")
    } else {
        format!("{kind} {id}")
    }
}

/// The Chinese name of a key of an entry's before/after record.
fn key_label(key: &str) -> &str {
    match key {
        "status" => "状态",
        "corrected_at" => "更正时间",
        "correction_reason" => "更正理由",
        "draft" => "内容",
        "ended_on" => "终止公示日期",
        "entered_by" => "录入人",
        "publish_until" => "公示截止日期",
        "published_on" => "公示日期",
        "reviewed_by" => "审核人",
        "version" => "版本",
        "deadline" => "改正期限",
        "recheck_on" => "复查日期",
        "outcome" => "结果",
        "case_no" => "案件编号",
        "decision_no" => "决定书文号",
        "decided_on" => "处罚决定日期",
        "penalty" => "处罚内容",
        "referred_to" => "接收部门",
        "referred_on" => "移送日期",
        "receipt" => "回执",
        "violation_type" => "违法行为类型",
        "facts" => "违法事实",
        "basis" => "处罚依据",
        "content" => "处罚内容",
        "fine_yuan" => "罚款金额（元）",
        "authority" => "处罚机关",
        "severity" => "公示期限类别",
        "follow_up_id" => "后续处置",
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
        "answers" => "检查要点",
        "point" => "要点",
        "answer" => "回答",
        "problem" => "发现的问题",
        "evidence" => "证据材料",
        "file_name" => "文件名",
        "size_bytes" => "大小（字节）",
        "sha256" => "SHA-256",
        "idempotency_key" => "表单标识",
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
mod tests {
    use super::*;
    use crate::domain::audit::action_label;

    #[test]
    fn changes_read_in_chinese_with_their_values() {
        let t = change_text(Some(r#"{"status":"draft"}"#), Some(r#"{"status":"submitted","comment":"好"}"#));
        assert_eq!(t, "状态：草稿 → 意见：好；状态：待列入计划");
        assert_eq!(entity_label("task", "2"), "任务 2");
        assert_eq!(entity_label("user", "9"), "账号 9");
        assert_eq!(entity_label("system", ""), "系统");
        assert_eq!(entity_label("result", "3:91130403MA00000310"), "检查结果（任务 3，91130403MA00000310）");
        assert_eq!(entity_label("follow_up", "1:X:责令改正"), "后续处置（任务 1，X，责令改正）");
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

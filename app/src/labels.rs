//! Every user-facing label in one place (zh-CN), so another language can follow.

pub const APP_NAME: &str = "双随 · 双随机一公开监管";
pub const APP_DESCRIPTION: &str =
    "“双随机、一公开”监管：随机抽取检查对象与执法检查人员，结果公开，抽取过程人人可验证。";
pub const NAV_PLAN: &str = "年度计划";
pub const NAV_VERIFY: &str = "验证抽取";
pub const SKIP_TO_CONTENT: &str = "跳到正文";
pub const FOOTER: &str = "双随 Shuangsui — 抽取按 DR1 协议进行，任何人可独立复核。";

/// Column headers of the plan table, in the founding document's order.
pub const PLAN_COLUMNS: [&str; 11] = [
    "抽查计划编号",
    "抽查计划名称",
    "抽查任务编号",
    "抽查任务名称",
    "抽查类型",
    "抽查比例",
    "抽查事项",
    "抽查对象范围",
    "发起部门",
    "联合部门",
    "抽查时间",
];
pub const REMARKS: &str = "备注";
pub const STATUS: &str = "状态";
pub const ALL_DEPARTMENTS: &str = "全部部门";
pub const FILTER_DEPARTMENT: &str = "按部门筛选";
pub const NO_PLAN: &str = "尚无年度抽查计划。";
pub const NO_MATCHING_TASKS: &str = "没有符合筛选条件的任务。";
pub const LOADING: &str = "加载中…";
pub const NOT_FOUND: &str = "页面不存在";

// ---- plan calendar (年度计划日历) ----
pub const NAV_CALENDAR: &str = "计划日历";
pub const CALENDAR_TABLE_VIEW: &str = "表格视图";
pub const FILTER_STATUS: &str = "按状态筛选";
pub const ALL_STATUSES: &str = "全部状态";
pub const APPLY_FILTER: &str = "筛选";
pub const CALENDAR_LEGEND: &str = "图例";
pub const CALENDAR_TIMELINE: &str = "年度时间轴";
pub const CALENDAR_BY_MONTH: &str = "按月份";
pub const CALENDAR_TASK_COLUMN: &str = "抽查任务";
pub const CALENDAR_TODAY: &str = "今天";
pub const CALENDAR_HINT: &str =
    "悬停或用 Tab 键聚焦任务条可查看详情；方向键在任务间移动，Home/End 跳到首末项，回车打开任务。";
/// Legend of the calendar: one label per status group, in workflow order.
pub const CALENDAR_STATUS_GROUPS: [&str; 8] = [
    "草稿",
    "待列入计划",
    "已列入计划",
    "名单已冻结",
    "已抽取（名单待同意和备案）",
    "检查中",
    "结果已录入",
    "已公示",
];

/// `共 3 项任务`.
pub fn task_count(n: usize) -> String {
    format!("共 {n} 项任务")
}

/// A month header: `3 月`.
pub fn month(m: u32) -> String {
    format!("{m} 月")
}

/// Months of a window, short: `3–4 月`, or `5 月` for one month.
pub fn month_span(start: u32, end: u32) -> String {
    if start == end {
        format!("{start} 月")
    } else {
        format!("{start}–{end} 月")
    }
}

/// The Chinese name of a form field or request parameter, as an error shows it: the code
/// name never reaches a person. A name that is Chinese already (a table's column) is
/// itself; an unknown code name gives "" (the error's sentence then stands alone).
pub fn field_label(field: &str) -> &str {
    match field {
        "inspected_on" => "检查日期",
        "method" => "检查方式",
        "attended" => "实际参加检查的执法人员",
        "categories" => "检查结果",
        "problems" => "发现的问题",
        "verdicts" => "分事项检查结果",
        "answers" => "检查要点",
        "idempotency_key" => "表单标识",
        "point" => "检查要点",
        "legal_basis" => "依据",
        "answer_kind" => "回答方式",
        "files" => "证据材料",
        "item_id" => "检查事项",
        "minor_months" => "较轻处罚公示期限（月）",
        "general_months" => "其他处罚公示期限（月）",
        "handling" => "后续处置",
        "referral_department" => "移送接收部门",
        "comment" => "意见",
        "reason" => "理由",
        "note" => "说明",
        "password" => "密码",
        "username" => "用户名",
        "display_name" => "姓名",
        "role" => "角色",
        "department_id" => "部门",
        "name" => "名称",
        "id" => "编码",
        "title" => "计划名称",
        "year" => "年度",
        "day" => "日期",
        "kind" => "类别",
        "to" => "下一步",
        "items" => "抽查事项",
        "inspector" | "inspector_id" => "执法人员",
        "certificate_no" => "执法证号",
        "credit_code" => "统一社会信用代码",
        "public_entropy" => "公共随机数",
        "observers_invited" => "邀请的纪检监督人员",
        "observers_present" => "到场的纪检监督人员",
        "remarks" => "备注",
        "window" => "抽查时间",
        "plan_no" => "计划编号",
        "task_no" => "任务编号",
        "task_name" => "任务名称",
        "category" => "抽查类别",
        "team_size" => "每组人数",
        "filed_before" => "登记截止日期",
        "ratio" => "抽查比例",
        "risk_ratios" => "各风险类别的抽查比例",
        "watch_ratio" => "重点关注企业的抽查比例",
        "batches" => "分批抽取",
        "batch_no" => "批次",
        "batch_task_id" => "批次任务",
        "excluded" => "排除户数",
        "threshold" => "投诉次数阈值",
        "repeat_exclusion" => "重复检查排除",
        "watch_ratio_bp" => "重点关注企业的抽查比例",
        "initiating_department_id" => "发起部门",
        "joint_department_ids" => "联合部门",
        "assigned_by" => "部署机关",
        "assigned_doc_no" => "部署文号",
        "code" => "统一社会信用代码",
        "deadline" => "改正期限",
        "recheck_on" => "复查日期",
        "outcome" => "结果",
        "case_no" => "案件编号",
        "decision_no" => "行政处罚决定书文号",
        "decided_on" => "处罚决定日期",
        "penalty" => "处罚内容",
        "referred_to" => "接收部门",
        "referred_on" => "移送日期",
        "receipt" => "回执",
        "follow_up_id" => "后续处置",
        "violation_type" => "违法行为类型",
        "facts" => "违法事实",
        "basis" => "处罚依据",
        "content" => "处罚内容",
        "fine_yuan" => "罚款金额",
        "authority" => "处罚机关",
        "severity" => "公示期限类别",
        f if !f.is_ascii() => f,
        _ => "",
    }
}

#[cfg(test)]
mod field_label_tests {
    /// Every field name an error is raised with has a Chinese name.
    #[test]
    fn every_raised_field_has_a_chinese_name() {
        fn walk(dir: &std::path::Path, names: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, names);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap().replace(char::is_whitespace, "");
                for marker in ["invalid(\"", "err(\"", "field:\""] {
                    for piece in text.split(marker).skip(1) {
                        names.push(piece.split('"').next().unwrap().to_string());
                    }
                }
            }
        }
        let mut names = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut names);
        names.sort();
        names.dedup();
        let missing: Vec<_> = names.iter().filter(|n| super::field_label(n).is_empty()).collect();
        assert!(names.len() > 30 && missing.is_empty(), "fields without a Chinese name: {missing:?}");
    }

    #[test]
    fn errors_show_the_chinese_name() {
        use crate::error::AppError;
        assert_eq!(AppError::invalid("comment", "退回须填写理由").to_string(), "意见：退回须填写理由");
        assert_eq!(AppError::invalid("password", "请输入密码").to_string(), "请输入密码");
        assert_eq!(AppError::invalid("文件", "格式不对").to_string(), "文件：格式不对");
    }
}

/// A DR1 check in words (its machine name, e.g. `selected[0] 9113…: key`, stays in the
/// manifest tools): what a 纪检 officer reads beside the exact value. The portal's
/// verify.js says the same.
pub fn check_words(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("selected[") {
        if let Some((i, rest)) = rest.split_once("] ") {
            if let (Ok(i), Some((code, field))) = (i.parse::<usize>(), rest.split_once(": ")) {
                let what = match field {
                    "code" => "统一社会信用代码与名单一致",
                    "key" => "排序键由种子和信用代码算出",
                    "order" => "排序键按从小到大排列",
                    "stratum" => "所属层一致",
                    "inspectors" => "检查组由协议抽出",
                    "cap_lifted" => "检查户数上限的放宽与协议一致",
                    "recused" => "回避情况与协议一致",
                    other => other,
                };
                return format!("抽中第 {} 户（{code}）：{what}", i + 1);
            }
        }
    }
    if let Some((i, entity)) = name.strip_prefix("recusals[").and_then(|r| r.split_once("] ")) {
        if let Ok(i) = i.parse::<usize>() {
            return format!("第 {} 条回避（{entity}）与协议一致", i + 1);
        }
    }
    match name {
        "protocol" => "抽取协议为 DR1",
        "commitment" => "承诺值：抽取前公布的承诺值由公开的秘密值算出",
        "pool_digest" => "名单摘要：冻结的检查对象名单未被改动",
        "seed" => "种子：由秘密值和公共随机数算出",
        "pool: count" => "名单户数：各层户数之和等于名单总户数",
        "selected: count" => "抽中户数：符合抽查比例（向上取整）",
        "recusals: count" => "回避条数与协议一致",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod check_words_tests {
    #[test]
    fn checks_read_in_chinese() {
        assert_eq!(
            super::check_words("selected[0] 91130403MA00000310: key"),
            "抽中第 1 户（91130403MA00000310）：排序键由种子和信用代码算出"
        );
        assert_eq!(super::check_words("seed"), "种子：由秘密值和公共随机数算出");
        assert_eq!(super::check_words("recusals[1] X"), "第 2 条回避（X）与协议一致");
    }
}

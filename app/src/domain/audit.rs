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
        "result.publish" => "结果审核并公示",
        "result.correct" => "更正已公示结果",
        "check_point.save" => "修改检查要点",
        "check_point.delete" => "删除检查要点",
        "results.import" => "导入检查结果",
        "follow_up.update" => "记录后续处置",
        "penalty.publish" => "公示行政处罚信息",
        "penalty.end" => "提前终止行政处罚公示（信用修复）",
        "penalty.correct" => "更正行政处罚公示",
        "settings.penalty_periods" => "设置行政处罚公示期限",
        "watch.add" => "列入重点关注",
        "settings.watch_threshold" => "设置重点关注投诉次数阈值",
        "task.batch" => "生成分批抽取的批次任务",
        "watch.remove" => "移出重点关注",
        "complaints.import" => "导入举报投诉",
        "follow_up.finish" => "后续处置完结",
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

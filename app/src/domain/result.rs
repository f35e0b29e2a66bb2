//! 抽查结果 — what an inspection found, in the standard categories, and how it was handled.

use super::task::{is_iso_date, FieldError};
use serde::{Deserialize, Serialize};

/// 核查方式, as the national publication (GSXT) lists them.
pub const METHODS: [&str; 6] =
    ["实地核查", "书面检查", "网络监测", "检验检测", "委托专业机构", "行政部门意见"];

/// 检查结果: the standard values the national enterprise credit publicity system (GSXT)
/// publishes, in order. Several may be chosen where they do not contradict.
pub const CATEGORIES: [&str; 11] = [
    "未发现问题",
    "未发现开展本次抽查涉及的经营活动",
    "发现问题已责令改正",
    "发现问题待后续处理",
    "不配合检查情节严重",
    "通过登记的住所（经营场所）无法联系",
    "已关闭停业或正在组织清算",
    "已注销",
    "已吊销",
    "已撤销",
    "已迁出",
];

/// The value that says nothing was wrong.
pub const NO_PROBLEM: &str = "未发现问题";

/// The value that says the enterprise does not carry on the inspected business.
pub const NO_ACTIVITY: &str = "未发现开展本次抽查涉及的经营活动";

/// The value that asks for a 后续处置.
pub const FOLLOW_UP: &str = "发现问题待后续处理";

/// Values that state a problem: the problems must be written down.
pub fn is_problem(category: &str) -> bool {
    matches!(category, "发现问题已责令改正" | "发现问题待后续处理" | "不配合检查情节严重")
}

/// Values that say the enterprise could not be inspected (无法检查): the circumstances
/// must be written down, and no other value goes with them but another of their kind.
pub fn is_not_inspectable(category: &str) -> bool {
    matches!(
        category,
        "通过登记的住所（经营场所）无法联系"
            | "已关闭停业或正在组织清算"
            | "已注销"
            | "已吊销"
            | "已撤销"
            | "已迁出"
    )
}

/// 后续处置 chosen on the result; each becomes a follow-up followed to its end.
pub const HANDLINGS: [&str; 6] = ["责令改正", "立案查处", "移送", "移送司法机关", "抄告相关部门", "其他"];

/// The handling that names a receiving department.
pub const REFERRAL: &str = "移送";

/// The result values of the earlier list that the standard list replaced, and what each
/// became (migrations/*/20261205200000_results.sql does the same to stored rows).
pub const REPLACED_CATEGORIES: [(&str, &str); 3] = [
    ("未按规定公示应当公示的信息", FOLLOW_UP),
    ("公示信息隐瞒真实情况、弄虚作假", FOLLOW_UP),
    ("其他", FOLLOW_UP),
];

/// A result as entered (new or corrected) for one selected enterprise of a task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDraft {
    pub task_id: i64,
    /// The enterprise's credit code.
    pub code: String,
    /// `YYYY-MM-DD`.
    pub inspected_on: String,
    pub method: String,
    /// Inspector ids who actually attended.
    pub attended: Vec<i64>,
    pub categories: Vec<String>,
    pub problems: String,
    pub handling: Vec<String>,
    /// The department a 移送 goes to.
    pub referral_department: String,
}

impl ResultDraft {
    /// The form-level rules; `allowed` are the ids that may attend (team and replacements),
    /// `drawn_on` and `today` bound the date.
    pub fn validate(&self, allowed: &[i64], drawn_on: &str, today: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        if self.inspected_on.trim().is_empty() {
            err("inspected_on", "请填写检查日期".into());
        } else if !is_iso_date(&self.inspected_on) {
            err("inspected_on", "检查日期须为 YYYY-MM-DD 格式的有效日期".into());
        } else if self.inspected_on.as_str() < drawn_on {
            err("inspected_on", format!("检查日期不能早于抽取日期 {drawn_on}"));
        } else if self.inspected_on.as_str() > today {
            err("inspected_on", format!("检查日期不能晚于今天 {today}"));
        }
        if !METHODS.contains(&self.method.as_str()) {
            err("method", format!("检查方式须为：{}", METHODS.join("、")));
        }
        let mut attended = self.attended.clone();
        attended.sort_unstable();
        attended.dedup();
        if attended.len() < 2 {
            err("attended", "实际参加检查的执法人员不少于 2 名".into());
        }
        if let Some(stranger) = attended.iter().find(|id| !allowed.contains(id)) {
            err("attended", format!("执法人员 {stranger} 不在本检查组，也不是登记的替换人员"));
        }
        if self.categories.is_empty() {
            err("categories", "请至少选择一项检查结果".into());
        }
        if let Some(bad) = self.categories.iter().find(|c| !CATEGORIES.contains(&c.as_str())) {
            err("categories", format!("“{bad}”不是标准检查结果"));
        }
        for alone in [NO_PROBLEM, NO_ACTIVITY] {
            if self.categories.iter().any(|c| c == alone) && self.categories.len() > 1 {
                err("categories", format!("“{alone}”不能与其他结果同时选择"));
            }
        }
        let unreachable = self.categories.iter().any(|c| is_not_inspectable(c));
        if unreachable && self.categories.iter().any(|c| is_problem(c)) {
            err(
                "categories",
                "无法检查的情形（无法联系、停业、注销、吊销、撤销、迁出）不能与发现问题同时选择".into(),
            );
        }
        let found_problem = self.categories.iter().any(|c| is_problem(c));
        if found_problem && self.problems.trim().is_empty() {
            err("problems", "检查结果表明存在问题，请填写发现的问题".into());
        }
        if unreachable && self.problems.trim().is_empty() {
            err("problems", "无法检查时请写明情况（如走访时间、所见情形）".into());
        }
        if let Some(bad) = self.handling.iter().find(|h| !HANDLINGS.contains(&h.as_str())) {
            err("handling", format!("“{bad}”不是可选的处置方式"));
        }
        if self.categories.iter().any(|c| c == FOLLOW_UP) && self.handling.is_empty() {
            err("handling", "“发现问题待后续处理”须选择后续处置方式".into());
        }
        if self.categories.iter().any(|c| c == NO_PROBLEM || c == NO_ACTIVITY) && !self.handling.is_empty() {
            err("handling", "未发现问题时不应有后续处置".into());
        }
        let referral = self.handling.iter().any(|h| h == REFERRAL);
        if referral && self.referral_department.trim().is_empty() {
            err("referral_department", "移送须写明接收部门".into());
        }
        if !referral && !self.referral_department.trim().is_empty() {
            err("referral_department", "未选择“移送”时不填接收部门".into());
        }
        if self.problems.chars().count() > 2000 {
            err("problems", "发现的问题不超过 2000 字".into());
        }
        errors
    }
}

/// The review of a result by the office head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewStatus {
    Pending,
    Passed,
    Returned,
}

impl ReviewStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Passed => "passed",
            Self::Returned => "returned",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Passed => "已审核公示",
            Self::Returned => "已退回",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Passed, Self::Returned].into_iter().find(|r| r.code() == s)
    }
}

/// One selected enterprise of a task with its team and its result (if entered).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    pub position: i64,
    pub code: String,
    pub name: String,
    /// (inspector id, name, department short name) of the team and recorded replacements.
    pub team: Vec<(i64, String, String)>,
    pub result: Option<EnteredResult>,
    /// Whether the signed-in user may enter or correct this result now.
    pub can_enter: bool,
    /// Team members the signed-in user may declare a recusal for (id, name): themselves
    /// for an inspector, anyone on the team for the office's clerk; empty once a result is in.
    pub may_recuse: Vec<(i64, String)>,
}

/// A stored result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteredResult {
    pub draft: ResultDraft,
    pub entered_by: String,
    pub entered_at: String,
    pub review: ReviewStatus,
    pub review_comment: String,
    pub reviewed_by: Option<String>,
    pub published_at: Option<String>,
    /// The publication deadline: 20 working days from the inspection date.
    pub due: String,
    /// 1 for the result as first published; each correction adds one.
    pub version: i64,
    /// When and why it was last corrected (更正), if it was.
    pub corrected_at: Option<String>,
    pub correction_reason: String,
    /// The versions it replaced, oldest first (staff only).
    pub history: Vec<ResultVersion>,
}

/// A published result as it was before a correction replaced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultVersion {
    pub version: i64,
    pub draft: ResultDraft,
    pub published_at: Option<String>,
    /// When, by whom and why it was replaced.
    pub replaced_at: String,
    pub replaced_by: String,
    pub reason: String,
}

/// A task's results page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskResults {
    pub task_id: i64,
    pub task_name: String,
    pub status: super::workflow::TaskStatus,
    pub drawn_on: String,
    pub rows: Vec<ResultRow>,
    /// Whether the signed-in user may review (通过 / 退回) results now.
    pub can_review: bool,
    /// Whether the signed-in user may correct (更正) published results.
    pub can_correct: bool,
    /// Whether the signed-in user may approve recusals declared after the draw.
    pub can_approve_recusals: bool,
    /// Recusals declared after the draw.
    pub recusals: Vec<PendingRecusal>,
    /// The publication deadline and, once published, whether it was met.
    pub deadline: Option<String>,
}

/// A task's place against the 20-working-day publication deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRow {
    pub task_id: i64,
    pub task_no: String,
    pub task_name: String,
    pub department: String,
    pub status: super::workflow::TaskStatus,
    pub window_end: String,
    pub due: String,
    pub published_on: Option<String>,
    /// Working days left (negative: overdue by that many); `None` once published.
    pub working_days_left: Option<i64>,
    /// Each inspected enterprise's own clock (20 working days from its inspection date).
    pub enterprises: Vec<EnterpriseDeadline>,
}

/// One enterprise's result against its own publication deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseDeadline {
    pub code: String,
    pub name: String,
    pub inspected_on: String,
    pub due: String,
    pub published_on: Option<String>,
    /// Working days left (negative: overdue); `None` once published.
    pub working_days_left: Option<i64>,
}

impl EnterpriseDeadline {
    /// 按时 / 逾期 / 剩余 n 个工作日, in words.
    pub fn state(&self) -> String {
        match (&self.published_on, self.working_days_left) {
            (Some(p), _) if *p <= self.due => "按时公示".into(),
            (Some(_), _) => "逾期公示".into(),
            (None, Some(n)) if n < 0 => format!("已逾期 {} 个工作日", -n),
            (None, Some(n)) => format!("剩余 {n} 个工作日"),
            (None, None) => "未公示".into(),
        }
    }
}

/// A selected enterprise on one of the signed-in inspector's teams.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub task_id: i64,
    pub task_name: String,
    pub status: super::workflow::TaskStatus,
    pub code: String,
    pub name: String,
    pub drawn_on: String,
    /// The result's review, once a result is entered.
    pub review: Option<ReviewStatus>,
}

/// A published result as the public sees it (一公开): no inspectors, no risk class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicResult {
    pub name: String,
    pub code: String,
    pub inspected_on: String,
    pub method: String,
    pub categories: Vec<String>,
    pub problems: String,
    pub handling: Vec<String>,
    pub referral_department: String,
    pub published_on: String,
    /// 后续处置 followed to their end (empty for a result without handling).
    #[serde(default)]
    pub follow_ups: Vec<super::follow_up::PublicFollowUp>,
    /// The Beijing date of its last correction (更正) and why, if it was corrected.
    #[serde(default)]
    pub corrected_on: Option<String>,
    #[serde(default)]
    pub correction_reason: String,
}

impl PublicResult {
    /// 后续处置 in words: each follow-up with its state and outcome, or the handling chosen.
    pub fn handling_in_words(&self) -> String {
        if !self.follow_ups.is_empty() {
            return self.follow_ups.iter().map(|f| f.in_words()).collect::<Vec<_>>().join("；");
        }
        let mut handling =
            if self.handling.is_empty() { "无".to_string() } else { self.handling.join("、") };
        if !self.referral_department.is_empty() {
            handling.push_str(&format!("（移送{}）", self.referral_department));
        }
        handling
    }
}

/// The reasons a conflict of interest may be declared for.
pub const RECUSAL_REASONS: [&str; 4] = ["近亲属", "曾任职", "经济往来", "其他"];

/// A recusal declared after the draw (抽取后回避), pending until the office head approves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PendingRecusal {
    pub id: i64,
    /// The enterprise's credit code.
    pub code: String,
    /// The recused inspector's name.
    pub inspector: String,
    pub reason: String,
    pub note: String,
    pub declared_by: String,
    pub approved_by: Option<String>,
    /// The replacement's name, once approved.
    pub replacement: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> ResultDraft {
        ResultDraft {
            task_id: 1,
            code: "X".into(),
            inspected_on: "2023-03-20".into(),
            method: "实地核查".into(),
            attended: vec![3, 7],
            categories: vec![NO_PROBLEM.into()],
            ..Default::default()
        }
    }

    fn fields(d: &ResultDraft) -> Vec<String> {
        d.validate(&[3, 7, 9], "2023-03-10", "2023-04-30").into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_clean_result_passes() {
        assert!(fields(&ok()).is_empty());
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(fields(&ResultDraft { inspected_on: "2023-03-01".into(), ..ok() }), ["inspected_on"]);
        let empty =
            ResultDraft { inspected_on: String::new(), ..ok() }.validate(&[1, 2], "2023-03-10", "2023-04-30");
        assert_eq!(empty[0].message, "请填写检查日期");
        assert_eq!(fields(&ResultDraft { inspected_on: "2023-05-01".into(), ..ok() }), ["inspected_on"]);
        assert_eq!(fields(&ResultDraft { method: "电话".into(), ..ok() }), ["method"]);
        assert_eq!(fields(&ResultDraft { attended: vec![3, 3], ..ok() }), ["attended"]);
        assert_eq!(fields(&ResultDraft { attended: vec![3, 8], ..ok() }), ["attended"]);
        assert_eq!(fields(&ResultDraft { categories: vec![], ..ok() }), ["categories"]);
        let mixed = vec![NO_PROBLEM.to_string(), "发现问题已责令改正".to_string()];
        let mixed = ResultDraft { categories: mixed, problems: "台账不全".into(), ..ok() };
        assert_eq!(fields(&mixed), ["categories"]);
        let problem = ResultDraft { categories: vec!["发现问题待后续处理".into()], ..ok() };
        assert_eq!(fields(&problem), ["problems", "handling"]);
        let referred =
            ResultDraft {
                problems: "无证经营".into(), handling: vec![REFERRAL.into()], ..problem.clone()
            };
        assert_eq!(fields(&referred), ["referral_department"]);
        let done = ResultDraft { referral_department: "市场监督管理局".into(), ..referred };
        assert!(fields(&done).is_empty());
    }

    #[test]
    fn an_enterprise_that_cannot_be_inspected_says_why_and_finds_no_problem() {
        let gone = ResultDraft { categories: vec!["已注销".into()], ..ok() };
        assert_eq!(fields(&gone), ["problems"]);
        let explained =
            ResultDraft { problems: "2023-03-21 走访，登记住所已无人经营".into(), ..gone };
        assert!(fields(&explained).is_empty());
        let both =
            ResultDraft { categories: vec!["已注销".into(), FOLLOW_UP.into()], ..explained.clone() };
        assert!(fields(&both).contains(&"categories".to_string()));
        let no_activity =
            ResultDraft { categories: vec![NO_ACTIVITY.into(), "已迁出".into()], ..explained };
        assert_eq!(fields(&no_activity), ["categories"]);
        for (old, new) in REPLACED_CATEGORIES {
            assert!(!CATEGORIES.contains(&old) && CATEGORIES.contains(&new));
        }
    }
}

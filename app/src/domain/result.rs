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
    /// 分事项检查结果: one verdict per inspection item of the task, in the task's item
    /// order. Left empty, the enterprise's `categories` and `problems` are each item's
    /// verdict; given, they must cover every item, and the enterprise's `categories` and
    /// `problems` become their summary ([`ResultDraft::with_verdicts`]).
    #[serde(default)]
    pub verdicts: Vec<ItemVerdict>,
}

/// One inspection item's verdict in a result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemVerdict {
    pub item_id: i64,
    pub categories: Vec<String>,
    pub problems: String,
}

/// The enterprise's 检查结果 from its items' verdicts, in the standard order: every value
/// found, except that 未发现问题 and 未发现开展本次抽查涉及的经营活动 stand only when nothing
/// else was found (未发现问题 when some items found no problem and the rest no activity).
pub fn summarise(verdicts: &[ItemVerdict]) -> Vec<String> {
    let found: Vec<&str> = CATEGORIES
        .into_iter()
        .filter(|c| verdicts.iter().any(|v| v.categories.iter().any(|x| x == c)))
        .collect();
    let other: Vec<String> =
        found.iter().filter(|c| **c != NO_PROBLEM && **c != NO_ACTIVITY).map(|c| c.to_string()).collect();
    if !other.is_empty() {
        other
    } else if found.contains(&NO_PROBLEM) {
        vec![NO_PROBLEM.into()]
    } else if found.contains(&NO_ACTIVITY) {
        vec![NO_ACTIVITY.into()]
    } else {
        Vec::new()
    }
}

/// The rules one verdict keeps (standard values that do not contradict, problems written
/// where found), as (field, message); `limit` bounds the problems' length in characters.
fn verdict_errors(categories: &[String], problems: &str, limit: usize) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if categories.is_empty() {
        errors.push(("categories", "请至少选择一项检查结果".into()));
    }
    if let Some(bad) = categories.iter().find(|c| !CATEGORIES.contains(&c.as_str())) {
        errors.push(("categories", format!("“{bad}”不是标准检查结果")));
    }
    for alone in [NO_PROBLEM, NO_ACTIVITY] {
        if categories.iter().any(|c| c == alone) && categories.len() > 1 {
            errors.push(("categories", format!("“{alone}”不能与其他结果同时选择")));
        }
    }
    let unreachable = categories.iter().any(|c| is_not_inspectable(c));
    let found_problem = categories.iter().any(|c| is_problem(c));
    if unreachable && found_problem {
        errors.push((
            "categories",
            "无法检查的情形（无法联系、停业、注销、吊销、撤销、迁出）不能与发现问题同时选择".into(),
        ));
    }
    if found_problem && problems.trim().is_empty() {
        errors.push(("problems", "检查结果表明存在问题，请填写发现的问题".into()));
    }
    if unreachable && problems.trim().is_empty() {
        errors.push(("problems", "无法检查时请写明情况（如走访时间、所见情形）".into()));
    }
    if problems.chars().count() > limit {
        errors.push(("problems", format!("发现的问题不超过 {limit} 字")));
    }
    errors
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
        // Several items' verdicts are each bounded; their summary is as long as they are.
        let limit = if self.verdicts.len() > 1 { usize::MAX } else { 2000 };
        for (field, message) in verdict_errors(&self.categories, &self.problems, limit) {
            err(field, message);
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
        errors
    }
}

impl ResultDraft {
    /// The draft with one verdict for each of the task's `items` (id, name; in the task's
    /// order): the enterprise's verdict copied to each item when none were given, else the
    /// given ones checked (every item once, each a valid verdict, an enterprise that could
    /// not be inspected so for every item) and summarised into `categories` and `problems`.
    pub fn with_verdicts(mut self, items: &[(i64, String)]) -> Result<Self, Vec<FieldError>> {
        if self.verdicts.is_empty() {
            self.verdicts = items
                .iter()
                .map(|(id, _)| ItemVerdict {
                    item_id: *id,
                    categories: self.categories.clone(),
                    problems: self.problems.trim().to_string(),
                })
                .collect();
            return Ok(self);
        }
        let mut errors: Vec<FieldError> = Vec::new();
        let err = |errors: &mut Vec<FieldError>, message: String| {
            errors.push(FieldError { field: "verdicts".into(), message })
        };
        let name = |id: i64| items.iter().find(|i| i.0 == id).map(|i| i.1.clone());
        for v in &self.verdicts {
            if name(v.item_id).is_none() {
                err(&mut errors, format!("检查事项 {} 不是本任务的抽查事项", v.item_id));
            }
        }
        for (id, item) in items {
            match self.verdicts.iter().filter(|v| v.item_id == *id).count() {
                0 => err(&mut errors, format!("请填写“{item}”的检查结果")),
                1 => {}
                _ => err(&mut errors, format!("“{item}”的检查结果重复")),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for v in &self.verdicts {
            let item = name(v.item_id).unwrap_or_default();
            for (_, message) in verdict_errors(&v.categories, &v.problems, 2000) {
                err(&mut errors, format!("{item}：{message}"));
            }
        }
        let unreachable: Vec<Vec<&String>> = self
            .verdicts
            .iter()
            .map(|v| v.categories.iter().filter(|c| is_not_inspectable(c)).collect())
            .collect();
        if unreachable.iter().any(|u| !u.is_empty()) && unreachable.iter().any(|u| *u != unreachable[0]) {
            err(
                &mut errors,
                "无法检查的情形（无法联系、停业、注销、吊销、撤销、迁出）对整个企业适用，各检查事项须一致"
                    .into(),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut ordered = Vec::with_capacity(items.len());
        for (id, _) in items {
            let mut v = self.verdicts.iter().find(|v| v.item_id == *id).cloned().expect("checked above");
            v.problems = v.problems.trim().to_string();
            ordered.push(v);
        }
        self.verdicts = ordered;
        self.categories = summarise(&self.verdicts);
        self.problems = if self.verdicts.len() == 1 {
            self.verdicts[0].problems.clone()
        } else {
            // The same circumstances for every item are written once.
            let texts: Vec<&str> = self.verdicts.iter().map(|v| v.problems.as_str()).collect();
            if texts.iter().all(|t| *t == texts[0]) {
                texts[0].to_string()
            } else {
                self.verdicts
                    .iter()
                    .filter(|v| !v.problems.is_empty())
                    .map(|v| format!("【{}】{}", name(v.item_id).unwrap_or_default(), v.problems))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        Ok(self)
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
    /// The task's inspection items (id, name), in its order: one verdict each per enterprise.
    #[serde(default)]
    pub items: Vec<(i64, String)>,
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
    /// 分事项检查结果, in the task's item order (shown item by item when there are several).
    #[serde(default)]
    pub verdicts: Vec<PublicVerdict>,
}

/// One inspection item's published verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVerdict {
    pub item: String,
    pub categories: Vec<String>,
    pub problems: String,
}

impl PublicVerdict {
    /// `检查结果：问题` in words.
    pub fn in_words(&self) -> String {
        if self.problems.is_empty() {
            self.categories.join("、")
        } else {
            format!("{}：{}", self.categories.join("、"), self.problems)
        }
    }
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

    fn verdict(item_id: i64, categories: &[&str], problems: &str) -> ItemVerdict {
        ItemVerdict {
            item_id,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            problems: problems.into(),
        }
    }

    const ITEMS: [(i64, &str); 2] = [(4, "拍卖企业设立条件"), (5, "拍卖经营规范")];

    fn items() -> Vec<(i64, String)> {
        ITEMS.iter().map(|(id, n)| (*id, n.to_string())).collect()
    }

    #[test]
    fn one_verdict_for_the_whole_task_becomes_each_items() {
        let d = ResultDraft { problems: " 无 ".into(), ..ok() }.with_verdicts(&items()).unwrap();
        assert_eq!(d.verdicts, [verdict(4, &[NO_PROBLEM], "无"), verdict(5, &[NO_PROBLEM], "无")]);
        assert_eq!(d.categories, [NO_PROBLEM]);
    }

    #[test]
    fn two_items_two_verdicts_summarised_for_the_enterprise() {
        let d = ResultDraft {
            verdicts: vec![
                verdict(5, &["发现问题已责令改正"], "未公示拍卖规则"),
                verdict(4, &[NO_PROBLEM], ""),
            ],
            ..ok()
        }
        .with_verdicts(&items())
        .unwrap();
        // In the task's order, the enterprise's result the problem found, its problems by item.
        assert_eq!(d.verdicts.iter().map(|v| v.item_id).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(d.categories, ["发现问题已责令改正"]);
        assert_eq!(d.problems, "【拍卖经营规范】未公示拍卖规则");
        assert!(fields(&d).is_empty());
    }

    #[test]
    fn verdicts_must_cover_each_item_once_and_be_valid() {
        let msgs = |verdicts: Vec<ItemVerdict>| -> Vec<String> {
            ResultDraft { verdicts, ..ok() }
                .with_verdicts(&items())
                .unwrap_err()
                .into_iter()
                .inspect(|e| assert_eq!(e.field, "verdicts"))
                .map(|e| e.message)
                .collect()
        };
        assert_eq!(msgs(vec![verdict(4, &[NO_PROBLEM], "")]), ["请填写“拍卖经营规范”的检查结果"]);
        let twice =
            vec![verdict(4, &[NO_PROBLEM], ""), verdict(4, &[NO_PROBLEM], ""), verdict(5, &[NO_PROBLEM], "")];
        assert_eq!(msgs(twice), ["“拍卖企业设立条件”的检查结果重复"]);
        let stranger =
            vec![verdict(4, &[NO_PROBLEM], ""), verdict(5, &[NO_PROBLEM], ""), verdict(9, &[NO_PROBLEM], "")];
        assert_eq!(msgs(stranger), ["检查事项 9 不是本任务的抽查事项"]);
        let unwritten = vec![verdict(4, &[NO_PROBLEM], ""), verdict(5, &[FOLLOW_UP], " ")];
        assert_eq!(msgs(unwritten), ["拍卖经营规范：检查结果表明存在问题，请填写发现的问题"]);
        // An enterprise that could not be reached was not reached for any item.
        let half = vec![verdict(4, &["已注销"], "已注销"), verdict(5, &[NO_PROBLEM], "")];
        assert_eq!(msgs(half).len(), 1);
        let both = vec![verdict(4, &["已注销"], "已注销"), verdict(5, &["已注销"], "已注销")];
        let d = ResultDraft { verdicts: both, ..ok() }.with_verdicts(&items()).unwrap();
        assert_eq!(
            (d.categories.clone(), d.problems.clone()),
            (vec!["已注销".to_string()], "已注销".to_string())
        );
    }

    #[test]
    fn the_summary_keeps_no_problem_only_when_nothing_else_was_found() {
        let s = |vs: &[&[&str]]| summarise(&vs.iter().map(|c| verdict(1, c, "")).collect::<Vec<_>>());
        assert_eq!(s(&[&[NO_PROBLEM], &[NO_ACTIVITY]]), [NO_PROBLEM]);
        assert_eq!(s(&[&[NO_ACTIVITY], &[NO_ACTIVITY]]), [NO_ACTIVITY]);
        assert_eq!(
            s(&[&[FOLLOW_UP], &[NO_PROBLEM], &["发现问题已责令改正"]]),
            ["发现问题已责令改正", FOLLOW_UP]
        );
    }
}

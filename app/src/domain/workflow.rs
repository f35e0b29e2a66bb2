//! A task's lifecycle: which role may move it from which status to which, and the
//! checks every step shares. The server applies these; pages only show what they allow.

use super::auth::{Role, SessionUser};
use serde::{Deserialize, Serialize};

/// One permitted move of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: TaskStatus,
    pub to: TaskStatus,
    pub role: Role,
    /// The button's words.
    pub verb: &'static str,
    /// Sending back: a reason is required.
    pub send_back: bool,
    /// Done by its own server function (freezing and drawing need more than a status).
    pub dedicated: bool,
}

const fn step(from: TaskStatus, to: TaskStatus, role: Role, verb: &'static str) -> Transition {
    Transition { from, to, role, verb, send_back: false, dedicated: false }
}

const fn back(from: TaskStatus, to: TaskStatus, role: Role, verb: &'static str) -> Transition {
    Transition { from, to, role, verb, send_back: true, dedicated: false }
}

const fn own(from: TaskStatus, to: TaskStatus, role: Role, verb: &'static str) -> Transition {
    Transition { from, to, role, verb, send_back: false, dedicated: true }
}

use TaskStatus as S;

/// 任务状态 — where a task stands in its workflow.
///
/// The order the founding notice sets (实施方案 二(二)3): the task is put into the plan by
/// the principal leader; the responsible office freezes the pool and draws; the drawn
/// list goes to the principal leader for consent (同意) and is filed with the order office
/// (秩序处备案); only then does inspection begin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TaskStatus {
    Draft,
    Submitted,
    Planned,
    Frozen,
    Drawn,
    ListSubmitted,
    ListConsented,
    ListFiled,
    Inspecting,
    ResultsEntered,
    Reviewed,
    Published,
    Closed,
}

impl TaskStatus {
    /// Every status in workflow order.
    pub const ALL: [TaskStatus; 13] = [
        Self::Draft,
        Self::Submitted,
        Self::Planned,
        Self::Frozen,
        Self::Drawn,
        Self::ListSubmitted,
        Self::ListConsented,
        Self::ListFiled,
        Self::Inspecting,
        Self::ResultsEntered,
        Self::Reviewed,
        Self::Published,
        Self::Closed,
    ];

    /// Database spelling.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Planned => "planned",
            Self::Frozen => "frozen",
            Self::Drawn => "drawn",
            Self::ListSubmitted => "list_submitted",
            Self::ListConsented => "list_consented",
            Self::ListFiled => "list_filed",
            Self::Inspecting => "inspecting",
            Self::ResultsEntered => "results_entered",
            Self::Reviewed => "reviewed",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "待列入计划",
            Self::Planned => "已列入计划",
            Self::Frozen => "名单已冻结",
            Self::Drawn => "已抽取",
            Self::ListSubmitted => "抽取名单待主要领导同意",
            Self::ListConsented => "抽取名单待秩序处备案",
            Self::ListFiled => "抽取名单已备案",
            Self::Inspecting => "检查中",
            Self::ResultsEntered => "结果已录入",
            Self::Reviewed => "已审核",
            Self::Published => "已公示",
            Self::Closed => "已办结",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
    }

    /// Whether the task's columns and scope may still be edited: only as a draft (after
    /// submission it is what the principal leader put into the plan; a send-back makes it
    /// a draft again).
    pub fn editable(self) -> bool {
        self == Self::Draft
    }

    /// Whether the task has a live draw whose list is on its way to consent and filing
    /// (drawn, but nobody may inspect yet).
    pub fn awaiting_list(self) -> bool {
        matches!(self, Self::Drawn | Self::ListSubmitted | Self::ListConsented | Self::ListFiled)
    }
}

/// Every move: draft → submitted → planned (主要领导) → frozen → drawn → list submitted →
/// list consented (主要领导) → list filed (秩序处) → inspecting → results entered → reviewed
/// → published → closed; the send-backs; and the draw declared void (作废), which returns a
/// drawn task to the plan so that it may be drawn anew.
pub const TRANSITIONS: [Transition; 17] = [
    step(S::Draft, S::Submitted, Role::Clerk, "提交列入计划"),
    step(S::Submitted, S::Planned, Role::PrincipalLeader, "同意列入计划"),
    back(S::Submitted, S::Draft, Role::PrincipalLeader, "退回修改"),
    own(S::Planned, S::Frozen, Role::Clerk, "冻结名单"),
    own(S::Frozen, S::Drawn, Role::Clerk, "抽取"),
    step(S::Drawn, S::ListSubmitted, Role::Clerk, "报送抽取名单"),
    step(S::ListSubmitted, S::ListConsented, Role::PrincipalLeader, "同意抽取名单"),
    back(S::ListSubmitted, S::Drawn, Role::PrincipalLeader, "退回抽取名单"),
    step(S::ListConsented, S::ListFiled, Role::OrderOffice, "备案"),
    back(S::ListConsented, S::Drawn, Role::OrderOffice, "退回抽取名单"),
    step(S::ListFiled, S::Inspecting, Role::Clerk, "开始检查"),
    back(S::Drawn, S::Planned, Role::PrincipalLeader, "作废本次抽取"),
    step(S::Inspecting, S::ResultsEntered, Role::Clerk, "提交结果审核"),
    step(S::ResultsEntered, S::Reviewed, Role::OfficeHead, "确认全部审核"),
    back(S::ResultsEntered, S::Inspecting, Role::OfficeHead, "退回补正"),
    step(S::Reviewed, S::Published, Role::OfficeHead, "确认全部公示"),
    step(S::Published, S::Closed, Role::OfficeHead, "办结"),
];

/// The transition from `from` to `to`, if the workflow has one.
pub fn transition(from: TaskStatus, to: TaskStatus) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.from == from && t.to == to)
}

/// Why `user` may not move a task of `department` from `from` to `to`; `None` when allowed.
/// Checks the order of steps first (so the message names the real problem), then the role,
/// then the department.
pub fn refusal(
    user: &SessionUser,
    department: &str,
    from: TaskStatus,
    to: TaskStatus,
    comment: &str,
) -> Option<StepRefusal> {
    // Who may never take a step, or not on another department's task, is told so before
    // anything about the task's state.
    if !TRANSITIONS.iter().any(|t| t.role == user.role) {
        let mut takers: Vec<&str> = Vec::new();
        for t in &TRANSITIONS {
            if !takers.contains(&t.role.label()) {
                takers.push(t.role.label());
            }
        }
        return Some(StepRefusal::Forbidden(format!(
            "任务流程的步骤由{}办理，当前账号为{}",
            takers.join("、"),
            user.role.label()
        )));
    }
    if !user.serves(department) {
        return Some(StepRefusal::Forbidden(format!(
            "只能办理本部门（{}）发起的任务",
            user.department_name.as_deref().or(user.department_id.as_deref()).unwrap_or("无部门")
        )));
    }
    let Some(t) = transition(from, to) else {
        let next: Vec<String> = TRANSITIONS
            .iter()
            .filter(|t| t.from == from)
            .map(|t| format!("{}（{}）", t.verb, t.role.label()))
            .collect();
        return Some(StepRefusal::OutOfOrder(format!(
            "任务当前为“{}”，不能直接变为“{}”{}",
            from.label(),
            to.label(),
            if next.is_empty() {
                "（流程已结束）".to_string()
            } else {
                format!("；下一步只能是：{}", next.join("、"))
            }
        )));
    };
    if user.role != t.role {
        return Some(StepRefusal::Forbidden(format!(
            "“{}”须由{}办理，当前账号为{}",
            t.verb,
            t.role.label(),
            user.role.label()
        )));
    }
    if t.send_back && comment.trim().is_empty() {
        return Some(StepRefusal::MissingReason(format!("{}须填写理由", t.verb)));
    }
    None
}

/// Why a step is refused, mapped to 409 / 403 / 400 by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepRefusal {
    OutOfOrder(String),
    Forbidden(String),
    MissingReason(String),
}

/// A step the signed-in user can take now, for the task page's buttons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOffer {
    pub to: TaskStatus,
    pub verb: String,
    pub send_back: bool,
    pub dedicated: bool,
}

/// The steps `user` may take on a task of `department` in `status`.
pub fn offers(user: &SessionUser, department: &str, status: TaskStatus) -> Vec<StepOffer> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == status && t.role == user.role && user.serves(department))
        .map(|t| StepOffer { to: t.to, verb: t.verb.into(), send_back: t.send_back, dedicated: t.dedicated })
        .collect()
}

/// 待办 — one thing waiting for the signed-in user, with where to do it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoItem {
    pub href: String,
    /// The task, `001 号 任务名称`.
    pub task: String,
    /// What to do, in the button's words (`同意名单`, `录入检查结果`).
    pub what: String,
}

/// The steps waiting for `user`: one item per task on which they may take a forward step
/// (a send-back is the other answer to the same question, not a second to-do).
pub fn todo_of<'a>(
    user: &SessionUser,
    tasks: impl IntoIterator<Item = (i64, &'a str, &'a str, TaskStatus, &'a str)>,
) -> Vec<TodoItem> {
    tasks
        .into_iter()
        .filter_map(|(id, no, name, status, department)| {
            let offer = offers(user, department, status).into_iter().find(|o| !o.send_back)?;
            let href =
                if status == S::Inspecting { format!("/tasks/{id}/results") } else { format!("/tasks/{id}") };
            Some(TodoItem { href, task: format!("{no} {name}"), what: offer.verb })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, dept: Option<&str>) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "某".into(),
            role,
            department_id: dept.map(Into::into),
            department_name: None,
            inspector_id: None,
        }
    }

    #[test]
    fn every_forward_status_is_reachable_in_order() {
        let mut s = S::Draft;
        for next in &S::ALL[1..] {
            assert!(transition(s, *next).is_some(), "{s:?} → {next:?}");
            s = *next;
        }
    }

    #[test]
    fn nobody_inspects_before_the_list_is_consented_and_filed() {
        assert!(transition(S::Drawn, S::Inspecting).is_none());
        assert!(transition(S::ListSubmitted, S::ListFiled).is_none(), "filing needs consent first");
        assert_eq!(transition(S::ListSubmitted, S::ListConsented).unwrap().role, Role::PrincipalLeader);
        assert_eq!(transition(S::ListConsented, S::ListFiled).unwrap().role, Role::OrderOffice);
        // A send-back returns the list to the clerk, never to a second draw.
        for from in [S::ListSubmitted, S::ListConsented] {
            assert_eq!(
                TRANSITIONS
                    .iter()
                    .filter(|t| t.from == from && t.send_back)
                    .map(|t| t.to)
                    .collect::<Vec<_>>(),
                [S::Drawn]
            );
        }
        assert!(transition(S::Drawn, S::Frozen).is_none());
        let void = transition(S::Drawn, S::Planned).unwrap();
        assert!(
            void.send_back && void.role == Role::PrincipalLeader,
            "作废 needs the principal leader and a reason"
        );
        let leader = user(Role::Leader, None);
        assert!(
            matches!(
                refusal(&leader, "swj-sctx", S::ListSubmitted, S::ListConsented, ""),
                Some(StepRefusal::Forbidden(_))
            ),
            "a 局领导 who is not the principal leader"
        );
    }

    #[test]
    fn out_of_order_wrong_role_wrong_department_and_missing_reason_are_refused() {
        let leader = user(Role::PrincipalLeader, None);
        assert!(matches!(
            refusal(&leader, "swj-zfzd", S::Draft, S::Planned, ""),
            Some(StepRefusal::OutOfOrder(m)) if m.contains("提交列入计划（经办人）")
        ));
        assert_eq!(refusal(&leader, "swj-zfzd", S::Submitted, S::Planned, ""), None);
        let clerk = user(Role::Clerk, Some("swj-sctx"));
        assert!(matches!(
            refusal(&clerk, "swj-zfzd", S::Draft, S::Submitted, ""),
            Some(StepRefusal::Forbidden(_))
        ));
        assert!(matches!(
            refusal(&clerk, "swj-sctx", S::Submitted, S::Planned, ""),
            Some(StepRefusal::Forbidden(_))
        ));
        assert!(matches!(
            refusal(&leader, "swj-sctx", S::Submitted, S::Draft, "  "),
            Some(StepRefusal::MissingReason(_))
        ));
        assert_eq!(refusal(&leader, "swj-sctx", S::Submitted, S::Draft, "比例不符"), None);
        // Refused for who they are before anything about the task's state.
        assert!(matches!(
            refusal(&user(Role::Observer, None), "swj-zfzd", S::Published, S::Draft, ""),
            Some(StepRefusal::Forbidden(_))
        ));
        assert!(matches!(
            refusal(&clerk, "swj-zfzd", S::Published, S::Draft, ""),
            Some(StepRefusal::Forbidden(_))
        ));
        assert!(offers(&user(Role::Observer, None), "swj-sctx", S::Submitted).is_empty());
    }

    #[test]
    fn each_role_sees_only_its_own_to_dos() {
        let tasks = [
            (1, "001 号", "甲", S::Submitted, "swj-zfzd"),
            (2, "002 号", "乙", S::ListSubmitted, "swj-smfw"),
            (3, "003 号", "丙", S::ListConsented, "swj-sctx"),
            (4, "004 号", "丁", S::Draft, "swj-zfzd"),
        ];
        let of =
            |role, dept| todo_of(&user(role, dept), tasks).into_iter().map(|t| t.task).collect::<Vec<_>>();
        assert_eq!(of(Role::PrincipalLeader, None), ["001 号 甲", "002 号 乙"]);
        assert_eq!(of(Role::OrderOffice, None), ["003 号 丙"]);
        assert_eq!(of(Role::Clerk, Some("swj-zfzd")), ["004 号 丁"]);
        assert!(of(Role::Leader, None).is_empty() && of(Role::Observer, None).is_empty());
    }
}

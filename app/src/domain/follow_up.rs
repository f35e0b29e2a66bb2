//! 后续处置 — what is done about a problem an inspection found, followed to its end: an
//! order to correct and its re-check, a case and its 行政处罚决定, a referral and its
//! receipt. Each handling chosen on a published result is one follow-up.

use super::task::{is_iso_date, FieldError};
use serde::{Deserialize, Serialize};

// The kinds are the result form's handlings (`result::HANDLINGS`); the result refers to
// this module for what the public reads of them, so this one does not import it back.

/// A follow-up as staff see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: i64,
    pub task_id: i64,
    pub task_name: String,
    /// The enterprise's credit code and name.
    pub code: String,
    pub name: String,
    pub kind: String,
    pub done: bool,
    pub fields: FollowUpFields,
    pub finished_on: Option<String>,
    /// When the result was published (the follow-up opened), as a Beijing date.
    pub opened_on: String,
    /// Days open (to today, or to the day it was finished).
    pub age_days: i64,
    /// Whether the signed-in user may record its progress.
    pub can_edit: bool,
}

/// What is recorded of a follow-up; each kind uses some of these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpFields {
    /// 责令改正: 改正期限.
    pub deadline: String,
    /// 责令改正: 复查日期.
    pub recheck_on: String,
    /// 复查结果, or what came of it.
    pub outcome: String,
    /// 立案查处: 案件编号.
    pub case_no: String,
    /// 行政处罚决定书文号.
    pub decision_no: String,
    /// 处罚决定日期.
    pub decided_on: String,
    /// 处罚内容.
    pub penalty: String,
    /// 移送 / 抄告: the receiving department or 司法机关.
    pub referred_to: String,
    pub referred_on: String,
    /// 回执: its number or a note.
    pub receipt: String,
    pub note: String,
}

/// An update of a follow-up: its fields, and whether it is now finished (已完结).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpUpdate {
    pub id: i64,
    pub fields: FollowUpFields,
    pub finish: bool,
}

impl FollowUpFields {
    /// The rules for `kind`; `today` bounds the dates that record what happened.
    pub fn validate(&self, kind: &str, finish: bool, today: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        for (field, label, value, past) in [
            ("deadline", "改正期限", &self.deadline, false),
            ("recheck_on", "复查日期", &self.recheck_on, true),
            ("decided_on", "处罚决定日期", &self.decided_on, true),
            ("referred_on", "移送日期", &self.referred_on, true),
        ] {
            if value.is_empty() {
                continue;
            }
            if !is_iso_date(value) {
                err(field, format!("{label}须为有效日期（年-月-日）"));
            } else if past && value.as_str() > today {
                err(field, format!("{label}不能晚于今天 {today}"));
            }
        }
        for (field, label, value, max) in [
            ("outcome", "结果", &self.outcome, 1000),
            ("case_no", "案件编号", &self.case_no, 100),
            ("decision_no", "决定书文号", &self.decision_no, 100),
            ("penalty", "处罚内容", &self.penalty, 1000),
            ("referred_to", "接收部门", &self.referred_to, 100),
            ("receipt", "回执", &self.receipt, 200),
            ("note", "说明", &self.note, 1000),
        ] {
            if value.chars().count() > max {
                err(field, format!("{label}不超过 {max} 字"));
            }
        }
        if !finish {
            return errors;
        }
        let mut need = |field: &str, value: &str, message: &str| {
            if value.trim().is_empty() {
                errors.push(FieldError { field: field.into(), message: message.into() });
            }
        };
        match kind {
            "责令改正" => {
                need("recheck_on", &self.recheck_on, "完结责令改正须填写复查日期");
                need("outcome", &self.outcome, "完结责令改正须填写复查结果");
            }
            "立案查处" => {
                need("case_no", &self.case_no, "完结立案查处须填写案件编号");
                need(
                    "decision_no",
                    &self.decision_no,
                    "须填写行政处罚决定书文号（不予处罚的，在结果中说明并填写决定文号）",
                );
                need("decided_on", &self.decided_on, "须填写处罚决定日期");
                need("penalty", &self.penalty, "须填写处罚内容");
            }
            "移送" | "移送司法机关" | "抄告相关部门" => {
                need("referred_to", &self.referred_to, "须写明接收部门或机关");
                need("referred_on", &self.referred_on, "须填写移送（抄告）日期");
                if kind != "抄告相关部门" {
                    need("receipt", &self.receipt, "完结移送须记录接收回执");
                }
            }
            _ => need("outcome", &self.outcome, "完结须写明处置结果"),
        }
        errors
    }

    /// The outcome in words for the public, once finished.
    pub fn outcome_in_words(&self, kind: &str) -> String {
        let mut parts = Vec::new();
        match kind {
            "责令改正" => {
                if !self.recheck_on.is_empty() {
                    parts.push(format!("{} 复查", self.recheck_on));
                }
                if !self.outcome.is_empty() {
                    parts.push(self.outcome.clone());
                }
            }
            "立案查处" => {
                if !self.decision_no.is_empty() {
                    parts.push(format!("决定书 {}", self.decision_no));
                }
                if !self.penalty.is_empty() {
                    parts.push(self.penalty.clone());
                }
            }
            _ => {
                if !self.referred_to.is_empty() {
                    parts.push(format!("{} 移交{}", self.referred_on, self.referred_to));
                }
                if !self.outcome.is_empty() {
                    parts.push(self.outcome.clone());
                }
            }
        }
        parts.join("，")
    }
}

/// A follow-up as the public sees it on a result card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFollowUp {
    pub kind: String,
    pub done: bool,
    pub finished_on: Option<String>,
    /// What came of it, in words (empty until it is finished).
    pub outcome: String,
}

impl PublicFollowUp {
    /// `责令改正（已完结，2022-04-20：2022-04-18 复查，已改正）` or `移送（办理中）`.
    pub fn in_words(&self) -> String {
        match (&self.finished_on, self.done) {
            (Some(on), true) if self.outcome.is_empty() => format!("{}（已完结，{on}）", self.kind),
            (Some(on), true) => format!("{}（已完结，{on}：{}）", self.kind, self.outcome),
            _ => format!("{}（办理中）", self.kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(f: &FollowUpFields, kind: &str, finish: bool) -> Vec<String> {
        f.validate(kind, finish, "2023-05-01").into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn each_kind_needs_its_outcome_to_be_finished() {
        let empty = FollowUpFields::default();
        assert!(fields(&empty, "责令改正", false).is_empty(), "progress may be recorded bit by bit");
        assert_eq!(fields(&empty, "责令改正", true), ["recheck_on", "outcome"]);
        assert_eq!(fields(&empty, "立案查处", true), ["case_no", "decision_no", "decided_on", "penalty"]);
        assert_eq!(fields(&empty, "移送", true), ["referred_to", "referred_on", "receipt"]);
        assert_eq!(fields(&empty, "抄告相关部门", true), ["referred_to", "referred_on"]);
        assert_eq!(fields(&empty, "其他", true), ["outcome"]);
        let rechecked = FollowUpFields {
            recheck_on: "2023-04-20".into(),
            outcome: "已改正".into(),
            ..Default::default()
        };
        assert!(fields(&rechecked, "责令改正", true).is_empty());
    }

    #[test]
    fn dates_are_dates_and_what_happened_is_not_in_the_future() {
        let f = FollowUpFields {
            deadline: "2023-06-30".into(),
            recheck_on: "2023-05-02".into(),
            decided_on: "2023-13-01".into(),
            ..Default::default()
        };
        assert_eq!(fields(&f, "责令改正", false), ["recheck_on", "decided_on"]);
    }

    #[test]
    fn the_public_reads_the_outcome_once_finished() {
        let open =
            PublicFollowUp { kind: "移送".into(), done: false, finished_on: None, outcome: String::new() };
        assert_eq!(open.in_words(), "移送（办理中）");
        let f = FollowUpFields {
            recheck_on: "2023-04-18".into(),
            outcome: "已改正".into(),
            ..Default::default()
        };
        let done = PublicFollowUp {
            kind: "责令改正".into(),
            done: true,
            finished_on: Some("2023-04-20".into()),
            outcome: f.outcome_in_words("责令改正"),
        };
        assert_eq!(done.in_words(), "责令改正（已完结，2023-04-20：2023-04-18 复查，已改正）");
    }
}

//! 行政处罚信息公示 — a decided penalty as published, its publication period by severity,
//! and its early end (信用修复).

use super::task::{is_iso_date, FieldError};
use serde::{Deserialize, Serialize};

/// Severity as the disclosure rules count it: 通报批评 or a small fine (`minor`, a short
/// period), or anything heavier (`general`).
pub const SEVERITIES: [(&str, &str); 2] = [("minor", "通报批评或较低数额罚款"), ("general", "其他行政处罚")];

/// A penalty as the office head enters it for publication.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyDraft {
    /// The enterprise's credit code (the party).
    pub code: String,
    /// The 立案查处 follow-up it ends, if any.
    pub follow_up_id: Option<i64>,
    pub decision_no: String,
    pub violation_type: String,
    pub facts: String,
    pub basis: String,
    pub content: String,
    /// 罚款金额 in yuan, e.g. `5000` or `1234.50`; empty for none.
    pub fine_yuan: String,
    pub authority: String,
    pub decided_on: String,
    pub severity: String,
}

/// 罚款金额 in yuan as fen; `None` if it is not an amount.
pub fn fen_of(yuan: &str) -> Option<i64> {
    let yuan = yuan.trim();
    if yuan.is_empty() {
        return Some(0);
    }
    let (whole, frac) = yuan.split_once('.').unwrap_or((yuan, ""));
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?)
}

/// Fen as 万元, exactly (`500000` fen → `0.5`), as the 双公示 files count fines.
pub fn wan_of(fen: i64) -> String {
    let (whole, rest) = (fen / 1_000_000, fen % 1_000_000);
    if rest == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{rest:06}").trim_end_matches('0').to_string()
    }
}

/// Fen as yuan for reading: `5000.00`.
pub fn yuan_of(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

impl PenaltyDraft {
    pub fn validate(&self, today: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        for (field, label, value, max) in [
            ("decision_no", "行政处罚决定书文号", &self.decision_no, 100),
            ("violation_type", "违法行为类型", &self.violation_type, 200),
            ("facts", "违法事实", &self.facts, 2000),
            ("basis", "处罚依据", &self.basis, 1000),
            ("content", "处罚内容", &self.content, 1000),
            ("authority", "处罚机关", &self.authority, 100),
        ] {
            if value.trim().is_empty() {
                err(field, format!("请填写{label}"));
            } else if value.chars().count() > max {
                err(field, format!("{label}不超过 {max} 字"));
            }
        }
        if fen_of(&self.fine_yuan).is_none() {
            err("fine_yuan", "罚款金额须为以元计的数额，最多两位小数（无罚款留空）".into());
        }
        if !is_iso_date(&self.decided_on) {
            err("decided_on", "处罚决定日期须为有效日期（年-月-日）".into());
        } else if self.decided_on.as_str() > today {
            err("decided_on", format!("处罚决定日期不能晚于今天 {today}"));
        }
        if !SEVERITIES.iter().any(|(code, _)| *code == self.severity) {
            err("severity", "请选择公示期限类别".into());
        }
        errors
    }
}

/// A published penalty, as the portal shows it and staff list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    pub id: i64,
    pub decision_no: String,
    pub party_name: String,
    pub party_code: String,
    pub violation_type: String,
    pub facts: String,
    pub basis: String,
    pub content: String,
    /// 罚款金额 in yuan (`5000.00`).
    pub fine_yuan: String,
    pub authority: String,
    pub decided_on: String,
    pub published_on: String,
    pub publish_until: String,
    /// When the publication was ended early and why (信用修复).
    pub ended_on: Option<String>,
    pub end_reason: String,
    /// `minor` or `general` (SEVERITIES).
    #[serde(default)]
    pub severity: String,
    /// 1 as first published; each correction (更正) adds one.
    #[serde(default)]
    pub version: i64,
    /// The date and reason of its last correction, if it was corrected.
    #[serde(default)]
    pub corrected_on: Option<String>,
    #[serde(default)]
    pub correction_reason: String,
    /// The versions it replaced, oldest first (staff only; empty on the portal).
    #[serde(default)]
    pub history: Vec<PenaltyVersion>,
}

/// A published penalty as it was before a correction replaced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyVersion {
    pub version: i64,
    pub draft: PenaltyDraft,
    /// When, by whom and why it was replaced.
    pub replaced_at: String,
    pub replaced_by: String,
    pub reason: String,
}

impl Penalty {
    /// The penalty as a draft (what a correction starts from).
    pub fn draft(&self) -> PenaltyDraft {
        PenaltyDraft {
            code: self.party_code.clone(),
            follow_up_id: None,
            decision_no: self.decision_no.clone(),
            violation_type: self.violation_type.clone(),
            facts: self.facts.clone(),
            basis: self.basis.clone(),
            content: self.content.clone(),
            fine_yuan: if self.fine_yuan == "0.00" { String::new() } else { self.fine_yuan.clone() },
            authority: self.authority.clone(),
            decided_on: self.decided_on.clone(),
            severity: self.severity.clone(),
        }
    }
}

impl Penalty {
    /// A field by its export name (`result_export::PENALTY_FIELDS`).
    pub fn field(&self, name: &str) -> String {
        match name {
            "party_name" => self.party_name.clone(),
            "party_code" => self.party_code.clone(),
            "decision_no" => self.decision_no.clone(),
            "violation_type" => self.violation_type.clone(),
            "facts" => self.facts.clone(),
            "basis" => self.basis.clone(),
            "content" => self.content.clone(),
            "fine_yuan" => self.fine_yuan.clone(),
            "fine_wan" => fen_of(&self.fine_yuan).map_or_else(String::new, wan_of),
            "authority" => self.authority.clone(),
            "decided_on" => self.decided_on.clone(),
            "published_on" => self.published_on.clone(),
            "publish_until" => self.publish_until.clone(),
            "ended" => {
                self.ended_on.as_ref().map_or_else(String::new, |on| format!("{on}：{}", self.end_reason))
            }
            _ => String::new(),
        }
    }

    /// Whether the portal shows it on `today`.
    pub fn is_public(&self, today: &str) -> bool {
        self.ended_on.is_none() && self.published_on.as_str() <= today && today <= self.publish_until.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_yuan_with_at_most_two_decimals() {
        assert_eq!(fen_of(""), Some(0));
        assert_eq!(fen_of("5000"), Some(500_000));
        assert_eq!(fen_of("1234.5"), Some(123_450));
        assert_eq!(fen_of("0.05"), Some(5));
        for bad in ["-1", "1.234", "五千", "1e3", ".5", "1,000"] {
            assert_eq!(fen_of(bad), None, "{bad}");
        }
        assert_eq!(yuan_of(123_450), "1234.50");
        assert_eq!(
            (wan_of(500_000), wan_of(3_000_000), wan_of(123_456)),
            ("0.5".into(), "3".into(), "0.123456".into())
        );
    }

    #[test]
    fn every_published_field_is_required() {
        let fields: Vec<String> =
            PenaltyDraft::default().validate("2023-05-01").into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "decision_no",
                "violation_type",
                "facts",
                "basis",
                "content",
                "authority",
                "decided_on",
                "severity"
            ]
        );
    }

    #[test]
    fn it_is_public_inside_its_period_unless_ended() {
        let p = Penalty {
            id: 1,
            decision_no: "X".into(),
            party_name: String::new(),
            party_code: String::new(),
            violation_type: String::new(),
            facts: String::new(),
            basis: String::new(),
            content: String::new(),
            fine_yuan: String::new(),
            authority: String::new(),
            decided_on: "2023-01-05".into(),
            published_on: "2023-01-10".into(),
            publish_until: "2023-04-10".into(),
            ended_on: None,
            end_reason: String::new(),
            severity: "minor".into(),
            version: 1,
            corrected_on: None,
            correction_reason: String::new(),
            history: Vec::new(),
        };
        assert!(p.is_public("2023-04-10") && !p.is_public("2023-04-11") && !p.is_public("2023-01-09"));
        assert!(!Penalty { ended_on: Some("2023-02-01".into()), ..p }.is_public("2023-03-01"));
    }
}

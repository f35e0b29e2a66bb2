//! 检查要点 — each inspection item's check points, the answers a result gives them, and
//! the item's verdict those answers make.

use super::result::{ItemVerdict, FOLLOW_UP, NO_ACTIVITY, NO_PROBLEM};
use super::task::FieldError;
use serde::{Deserialize, Serialize};

/// 符合, 不符合, 不涉及: the answers of a conformity point.
pub const CONFORMS: &str = "符合";
pub const FAILS: &str = "不符合";
pub const NOT_APPLICABLE: &str = "不涉及";

/// The problem values an item with a 不符合 answer may take.
pub const PROBLEM_VALUES: [&str; 2] = [FOLLOW_UP, "发现问题已责令改正"];

/// Longest answer or problem, in characters.
pub const MAX_TEXT: usize = 500;

/// How a check point is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerKind {
    /// 符合 / 不符合 / 不涉及.
    Conformity,
    /// A number (a count, an amount).
    Number,
    /// A short text.
    Text,
}

impl AnswerKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Conformity => "conformity",
            Self::Number => "number",
            Self::Text => "text",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Conformity, Self::Number, Self::Text].into_iter().find(|k| k.code() == s)
    }
}

/// 检查要点: one thing to check under an inspection item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPoint {
    pub id: i64,
    pub item_id: i64,
    pub text: String,
    pub legal_basis: String,
    pub kind: AnswerKind,
    /// A demo example the bureau is to edit.
    pub example: bool,
}

/// One check point's answer in a result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub point_id: i64,
    pub answer: String,
    /// What is wrong, for a 不符合.
    pub problem: String,
}

/// Whether `user` may change the check points of an item of `department`: the
/// department's 经办人 (who keep the registries) and the administrator.
pub fn may_edit_points(user: &super::auth::SessionUser, department: &str) -> bool {
    use super::auth::Role;
    match user.role {
        Role::Admin => true,
        Role::Clerk => user.serves(department),
        _ => false,
    }
}

/// A check point as a bureau writes it: the text, the legal basis, the answer kind (code).
pub fn point_errors(text: &str, legal_basis: &str, kind: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err =
        |field: &str, message: &str| errors.push(FieldError { field: field.into(), message: message.into() });
    if text.trim().is_empty() {
        err("point", "请填写检查要点");
    } else if text.chars().count() > 200 {
        err("point", "检查要点不超过 200 字");
    }
    if legal_basis.chars().count() > 200 {
        err("legal_basis", "依据不超过 200 字");
    }
    if AnswerKind::parse(kind).is_none() {
        err("answer_kind", "回答方式须为符合/不符合/不涉及、数字或文字");
    }
    errors
}

fn invalid(message: String) -> FieldError {
    FieldError { field: "answers".into(), message }
}

/// Each item's verdict from the answers to its check points: a 不符合 makes the item's
/// verdict `problem_value(item)` (发现问题待后续处理 unless 发现问题已责令改正 is chosen) with
/// the problems written; every conformity point 不涉及 makes it 未发现开展本次抽查涉及的经营活动;
/// otherwise 未发现问题. Items without check points are left to the caller. Every point of
/// `points` must be answered once, as its kind asks.
pub fn verdicts_from_answers(
    items: &[(i64, String)],
    points: &[CheckPoint],
    answers: &[Answer],
    problem_value: impl Fn(i64) -> String,
) -> Result<Vec<ItemVerdict>, Vec<FieldError>> {
    let mut errors = Vec::new();
    for a in answers {
        if !points.iter().any(|p| p.id == a.point_id) {
            errors.push(invalid(format!("检查要点 {} 不属于本任务的抽查事项", a.point_id)));
        }
    }
    let mut out = Vec::new();
    for (item_id, item) in items {
        let mine: Vec<&CheckPoint> = points.iter().filter(|p| p.item_id == *item_id).collect();
        if mine.is_empty() {
            continue;
        }
        let mut problems = Vec::new();
        let mut applicable = false;
        for p in &mine {
            let given: Vec<&Answer> = answers.iter().filter(|a| a.point_id == p.id).collect();
            let Some(a) = given.first() else {
                errors.push(invalid(format!("{item}：请回答检查要点“{}”", p.text)));
                continue;
            };
            let answer = a.answer.trim();
            if given.len() > 1 {
                errors.push(invalid(format!("{item}：检查要点“{}”回答重复", p.text)));
            }
            match p.kind {
                AnswerKind::Conformity => {
                    if ![CONFORMS, FAILS, NOT_APPLICABLE].contains(&answer) {
                        errors.push(invalid(format!("{item}：“{}”须选择符合、不符合或不涉及", p.text)));
                    }
                    applicable |= answer != NOT_APPLICABLE;
                    if answer == FAILS {
                        if a.problem.trim().is_empty() {
                            errors.push(invalid(format!("{item}：“{}”不符合，请写明发现的问题", p.text)));
                        }
                        problems.push(format!("{}：{}", p.text, a.problem.trim()));
                    }
                }
                AnswerKind::Number => {
                    if !answer.parse::<f64>().is_ok_and(|n| n.is_finite()) {
                        errors.push(invalid(format!("{item}：“{}”须填写数字", p.text)));
                    }
                }
                AnswerKind::Text => {
                    if answer.is_empty() {
                        errors.push(invalid(format!("{item}：请填写“{}”", p.text)));
                    }
                }
            }
            if answer.chars().count() > MAX_TEXT || a.problem.chars().count() > MAX_TEXT {
                errors.push(invalid(format!("{item}：“{}”的回答不超过 {MAX_TEXT} 字", p.text)));
            }
        }
        let conformity = mine.iter().any(|p| p.kind == AnswerKind::Conformity);
        let categories = if !problems.is_empty() {
            let value = problem_value(*item_id);
            if !PROBLEM_VALUES.contains(&value.as_str()) {
                errors
                    .push(invalid(format!("{item}：发现问题时的检查结果须为{}", PROBLEM_VALUES.join("或"))));
            }
            vec![value]
        } else if conformity && !applicable {
            vec![NO_ACTIVITY.to_string()]
        } else {
            vec![NO_PROBLEM.to_string()]
        };
        out.push(ItemVerdict { item_id: *item_id, categories, problems: problems.join("；") });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: i64, item_id: i64, kind: AnswerKind) -> CheckPoint {
        CheckPoint {
            id, item_id, text: format!("要点{id}"), legal_basis: String::new(), kind, example: true
        }
    }
    fn answer(point_id: i64, answer: &str, problem: &str) -> Answer {
        Answer { point_id, answer: answer.into(), problem: problem.into() }
    }

    #[test]
    fn answers_make_each_item_s_verdict() {
        let items = [(1, "甲".to_string()), (2, "乙".to_string()), (3, "丙".to_string())];
        let points = [
            point(10, 1, AnswerKind::Conformity),
            point(11, 1, AnswerKind::Number),
            point(20, 2, AnswerKind::Conformity),
            point(21, 2, AnswerKind::Text),
        ];
        let ok = [
            answer(10, "不符合", "台账不全"),
            answer(11, "3", ""),
            answer(20, "不涉及", ""),
            answer(21, "张三", ""),
        ];
        let v = verdicts_from_answers(&items, &points, &ok, |_| FOLLOW_UP.into()).unwrap();
        assert_eq!(v.len(), 2, "item 3 has no points: left to the caller");
        assert_eq!(v[0].categories, [FOLLOW_UP]);
        assert_eq!(v[0].problems, "要点10：台账不全");
        assert_eq!(v[1].categories, [NO_ACTIVITY]);
        let fixed = verdicts_from_answers(&items, &points, &ok, |_| "发现问题已责令改正".into()).unwrap();
        assert_eq!(fixed[0].categories, ["发现问题已责令改正"]);

        let bad =
            [answer(10, "不符合", " "), answer(11, "三台", ""), answer(20, "好", ""), answer(99, "符合", "")];
        let errors = verdicts_from_answers(&items, &points, &bad, |_| FOLLOW_UP.into()).unwrap_err();
        let text: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors.len(), 5, "{text:?}");
        assert!(errors.iter().all(|e| e.field == "answers"));
        assert!(text.iter().any(|t| t.contains("请写明发现的问题")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("请回答检查要点“要点21”")), "{text:?}");
        let wrong = verdicts_from_answers(&items, &points, &ok, |_| "未发现问题".into()).unwrap_err();
        assert_eq!(wrong.len(), 1);
    }
}

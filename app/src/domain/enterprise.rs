//! 检查对象名录库 — the enterprise registry's types.

use serde::{Deserialize, Serialize};

/// 信用风险分类 — credit-risk class, A (lowest risk) to D (highest); never public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskClass {
    A,
    B,
    C,
    D,
}

impl RiskClass {
    /// All classes, lowest risk first.
    pub const ALL: [RiskClass; 4] = [RiskClass::A, RiskClass::B, RiskClass::C, RiskClass::D];

    /// The one-letter code stored in the database and used as a DR1 stratum.
    pub fn code(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
        }
    }

    /// Parses `A`..`D`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

/// 市场主体类别 used by the demo plan's tasks.
pub const CATEGORIES: [&str; 3] = ["成品油零售企业", "拍卖企业", "二手车销售企业"];

/// 登记状态 — whether an enterprise can be drawn.
pub const STATUSES: [(&str, &str); 3] = [("active", "存续"), ("suspended", "停业"), ("deregistered", "注销")];

//! 执法检查人员名录库 — the inspector registry's types.

use serde::{Deserialize, Serialize};

/// 部门 — a department, with its short ASCII id (also its DR1 department id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Department {
    /// Short ASCII id, e.g. `swj-zfzd`.
    pub id: String,
    /// Full Chinese name.
    pub name: String,
    /// Short name used in the plan table, e.g. 执法支队.
    pub short_name: String,
}

/// The departments named in the founding document: (id, full name, short name).
pub const DEPARTMENTS: [(&str, &str, &str); 5] = [
    ("swj-zfzd", "商务综合执法支队", "执法支队"),
    ("swj-smfw", "商贸服务处", "商贸服务处"),
    ("swj-sctx", "市场体系处", "市场体系处"),
    ("swj-zxc", "秩序处", "秩序处"),
    ("scjgj", "市场监督管理局", "市场监管"),
];

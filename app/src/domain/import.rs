//! 计划表导入 — the outcome of importing an annual plan table, shown to the clerk
//! before (dry run) and after the import is applied.

use serde::{Deserialize, Serialize};

/// A problem with one cell of an imported sheet, in words for the person who fills it in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based row number as Excel shows it.
    pub row: usize,
    /// The column's Chinese header, e.g. `抽查比例`.
    pub column: String,
    /// What is wrong and what is expected.
    pub message: String,
}

/// What an import did, or would do in a dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows that add a new task.
    pub added: usize,
    /// Rows that update an existing task of the same plan and task number.
    pub updated: usize,
    /// Every problem found, in sheet order; any problem means nothing is written.
    pub rejected: Vec<RowError>,
    /// Whether the changes were written.
    pub applied: bool,
}

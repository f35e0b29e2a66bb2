//! What the task page and the task form show: a task with its events, draw, selections
//! and the steps the viewer may take; the form's choices.

use super::plan::TaskRow;
use super::task::{PoolEstimate, TaskDraft};
use super::workflow::TaskStatus;
use serde::{Deserialize, Serialize};

/// One workflow step of a task: who moved it, when, with what comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    pub from: TaskStatus,
    pub to: TaskStatus,
    /// Display name and role of whoever took the step.
    pub actor: String,
    pub comment: String,
    pub at: String,
}

/// A drawn enterprise and its team, for staff pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionView {
    pub code: String,
    pub name: String,
    pub key: String,
    /// (certificate number, name, department short name).
    pub team: Vec<(String, String, String)>,
    pub cap_lifted: bool,
}

/// A task's draw as far as it has gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawSummary {
    pub draw_id: i64,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
    pub seed: Option<String>,
    pub public_entropy: Option<String>,
    pub drawn_at: Option<String>,
    pub selected: Vec<SelectionView>,
}

/// Everything about one task, for its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub row: TaskRow,
    pub draft: TaskDraft,
    /// The pool its scope gives now (before freezing) and the number to draw.
    pub estimate: PoolEstimate,
    pub events: Vec<TaskEvent>,
    pub draw: Option<DrawSummary>,
    /// Results entered so far.
    pub results_entered: i64,
    /// The workflow steps the signed-in user can take now.
    #[serde(default)]
    pub steps: Vec<super::workflow::StepOffer>,
    /// Whether the signed-in user may edit the task now.
    #[serde(default)]
    pub can_edit: bool,
    /// The date by which results must be published.
    pub deadline: Option<String>,
    /// 计划调整 of this task, oldest first.
    #[serde(default)]
    pub plan_changes: Vec<super::plan::PlanChange>,
    /// Whether the signed-in user may ask for a plan change now (the task's clerk, before the draw).
    #[serde(default)]
    pub can_request_change: bool,
    /// Whether the signed-in user decides plan changes (the principal leader).
    #[serde(default)]
    pub can_decide_change: bool,
    /// Draws of this task declared void (作废), oldest first.
    #[serde(default)]
    pub abandoned_draws: Vec<AbandonedDraw>,
    /// 分批抽取: each batch made so far (batch number, its task id, its status).
    #[serde(default)]
    pub batch_tasks: Vec<(i64, i64, super::workflow::TaskStatus)>,
}

/// A draw declared void (作废): it stays on record and on the public pages as such.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AbandonedDraw {
    pub draw_id: i64,
    pub seed: Option<String>,
    pub drawn_at: Option<String>,
    pub abandoned_at: String,
    pub reason: String,
}

/// The choices a task form offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFormOptions {
    /// (id, short name).
    pub departments: Vec<(String, String)>,
    /// (id, name).
    pub items: Vec<(i64, String)>,
    pub categories: Vec<String>,
    /// (division code, name).
    pub regions: Vec<(String, String)>,
    /// The registry's 行业, 企业性质 and 企业规模 values, most common first.
    pub industries: Vec<String>,
    pub natures: Vec<String>,
    pub scales: Vec<String>,
    /// Years that have a plan, newest first.
    pub years: Vec<i32>,
}

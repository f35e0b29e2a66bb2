//! Pure domain types and rules: no IO, compiled for the server and for the browser.

pub mod access;
pub mod audit;
pub mod audit_words;
pub mod auth;
pub mod batch;
pub mod ceremony;
pub mod checklist;
pub mod credit_code;
pub mod date;
pub mod draw;
pub mod endpoints;
pub mod enterprise;
pub mod evidence;
pub mod follow_up;
pub mod import;
pub mod inspector;
pub mod penalty;
pub mod plan;
pub mod plan_table;
pub mod ratio;
pub mod region;
pub mod registry;
pub mod registry_rows;
pub mod result;
pub mod result_export;
pub mod scope;
pub mod stats;
pub mod stats_tables;
pub mod task;
pub mod task_view;
pub mod watch;
pub mod workday;
pub mod workflow;

pub use credit_code::{CreditCode, CreditCodeError};

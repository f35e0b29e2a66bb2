//! The `shuangsui` binary's parts, as a library so integration tests can boot the real app:
//! the command line ([`cli`], which only dispatches), the configuration ([`config`]),
//! startup and stopping ([`serve`], [`http`]), the site built into the binary ([`site`]),
//! the operator's endpoints ([`health`], [`metrics`]) and logs ([`telemetry`]), and the
//! other subcommands ([`commands`]).

pub mod cli;
pub mod commands;
pub mod config;
pub mod health;
pub mod http;
pub mod metrics;
pub mod serve;
pub mod site;
pub mod telemetry;

/// The version and the commit it was built from, e.g. `0.1.0 (commit c09c0212e66d, 2026-12-05)`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SHUANGSUI_BUILD"), ")");

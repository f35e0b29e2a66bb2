//! The `shuangsui` binary's parts, as a library so integration tests can boot the real app.

pub mod cli;
pub mod http;
pub mod registry_bench;
pub mod registry_cli;
pub mod serve;

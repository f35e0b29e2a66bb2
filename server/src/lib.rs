//! The `shuangsui` binary's parts, as a library so integration tests can boot the real app:
//! the command line ([`cli`], which only dispatches), `serve`'s options ([`config`]) and
//! startup ([`serve`], [`http`]), and the other subcommands ([`commands`]).

pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod serve;

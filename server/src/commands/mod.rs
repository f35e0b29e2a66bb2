//! The subcommands other than `serve`, one file per group: DR1 from files ([`draw`]), the
//! database as a whole ([`database`]), the registries ([`registry`]) and their bench
//! ([`bench`]), and the published results' export ([`results`]).

pub mod bench;
pub mod database;
pub mod draw;
pub mod registry;
pub mod results;

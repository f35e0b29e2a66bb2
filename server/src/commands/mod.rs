//! The subcommands other than `serve`, one file per group: DR1 from files ([`draw`]), the
//! database as a whole ([`database`]), the registries ([`registry`]) and their bench
//! ([`bench`]), the published results' export ([`results`]), and the statistics and the 台账 ([`stats`],
//! also the page's downloads).

pub mod bench;
pub mod database;
pub mod draw;
pub mod registry;
pub mod results;
pub mod stats;

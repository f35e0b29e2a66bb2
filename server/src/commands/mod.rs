//! The subcommands other than `serve`, one file per group: DR1 from files ([`draw`]), the
//! database as a whole ([`database`]), the registries ([`registry`]) and their bench
//! ([`bench`]), a province-size task end to end ([`bench_task`]), staff under load ([`bench_staff`]), the published results' export ([`results`]), and the statistics and the 台账 ([`stats`],
//! also the page's downloads).

pub mod bench;
pub mod bench_staff;
pub mod bench_task;
pub mod database;
pub mod draw;
pub mod registry;
pub mod results;
pub mod stats;

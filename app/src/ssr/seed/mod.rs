//! Seed data: the demo bureau loaded into an empty database ([`demo`]), its finished 2022
//! task ([`demo_2022`]), and a registry of any size for benches ([`demo_scale`]).

pub mod checklists;
pub mod demo;
pub mod demo_2022;
pub mod demo_scale;

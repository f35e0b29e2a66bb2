//! Plan pages.

pub mod plan_page;

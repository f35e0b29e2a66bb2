//! Plan pages.

pub mod calendar_page;
pub mod import_page;
pub mod plan_form_page;
pub mod plan_page;

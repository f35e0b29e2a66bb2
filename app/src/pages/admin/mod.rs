//! The administrator's pages.

pub mod accounts_page;
pub mod calendar_admin_page;

//! The public verify page.

pub mod verify_page;

//! Shared widgets.

pub mod error_view;
pub mod layout;

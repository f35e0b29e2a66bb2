//! Route components by domain.

pub mod not_found;
pub mod plans;
pub mod tasks;
pub mod verify;

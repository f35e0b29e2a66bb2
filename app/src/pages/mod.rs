//! Route components by domain.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod ceremony;
pub mod not_found;
pub mod plans;
pub mod registry;
pub mod results;
pub mod tasks;
pub mod verify;

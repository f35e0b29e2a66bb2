//! Server functions, one module per domain.

pub mod draws;
pub mod plans;
pub mod tasks;

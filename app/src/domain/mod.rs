//! Pure domain types and rules: no IO, compiled for the server and for the browser.

pub mod credit_code;
pub mod draw;
pub mod enterprise;
pub mod import;
pub mod inspector;
pub mod plan;
pub mod region;

pub use credit_code::{CreditCode, CreditCodeError};

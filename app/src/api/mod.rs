//! Server functions, one module per domain. Each checks the caller's role and department
//! itself; pages only hide what these refuse.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod ceremony;
pub mod draws;
pub mod follow_ups;
pub mod penalties;
pub mod plans;
pub mod registry;
pub mod results;
pub mod stats;
pub mod tasks;
pub mod todo;
pub mod watchlist;
pub mod workflow;

/// The server functions that take a multipart form (`input = MultipartFormData`). The
/// server answers any other body sent to them with 400 before they run: the codec
/// panics on a content type without a multipart boundary (found by tests/api/hostile.rs).
pub const MULTIPART_ENDPOINTS: [&str; 1] = ["/api/registry/import"];

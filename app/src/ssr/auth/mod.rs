//! Sign-in, sessions and the request guard.
//!
//! Passwords: argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). Sessions: a
//! random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
//! SHA-256, so a copy of the database cannot be used to sign in. A session ends after
//! [`IDLE_SECS`] without a request or [`ABSOLUTE_SECS`] after sign-in (the defaults; the
//! configuration's `session_idle` and `session_absolute` set them), when the account
//! signs out, or when the account is disabled (every session of it is deleted, and a
//! session of an inactive account is never honoured). Sign-in always makes a new token, so
//! a token planted before sign-in is worthless.
//!
//! [`guard`] runs on every request, [`sign_in`] opens and ends sessions, [`passwords`]
//! hashes and checks passwords; the rows are `db::sessions`'.

pub mod guard;
pub mod passwords;
pub mod sign_in;

pub use guard::*;
pub use passwords::hash_password;
pub use sign_in::{clear_failures, sign_in, sign_out, THROTTLE_WINDOW_SECS};

//! Server-only code (the `ssr` feature), one folder or file per job:
//!
//! - [`state`]: the running server's shared state and what a request reads of it;
//! - [`clock`]: the time, in UTC for storage and Beijing time for dates;
//! - [`auth`]: sign-in, sessions and the request guard;
//! - [`net`]: the site's address, trusted proxies and the response headers;
//! - [`db`]: every SQL statement, one module per aggregate (the audit chain among them);
//! - [`files`]: spreadsheet and CSV formats (the registry tables, the plan table), read within bounds;
//! - [`registry`]: 一单两库's import and edit rules over `db` and `files`;
//! - [`seed`]: the demo data;
//! - [`live`]: the ceremony's live stream to observers' phones.
//!
//! Imports go one way: `api`/`portal` → these → `domain`; `db` imports no other folder
//! here but `clock` (see ARCHITECTURE.md).

pub mod auth;
pub mod clock;
pub mod db;
pub mod files;
pub mod live;
pub mod net;
pub mod registry;
pub mod seed;
pub mod state;

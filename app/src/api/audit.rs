//! Server functions for the audit log.

use crate::domain::audit::{AuditEntry, AuditFilter};
use crate::error::AppError;
use leptos::prelude::*;

/// Rows per audit page.
pub const AUDIT_PAGE_ROWS: i64 = 200;

/// Audit entries matching the filter, newest first (纪检监督 and 管理员 only), with the total.
#[server(prefix = "/api", endpoint = "audit", input = server_fn::codec::Json)]
pub async fn search_audit(filter: AuditFilter) -> Result<(Vec<AuditEntry>, i64), AppError> {
    use crate::domain::auth::Role;
    crate::ssr::auth::require(&[Role::Observer, Role::Admin])?;
    let db = crate::ssr::state::db()?;
    Ok(crate::ssr::db::audit::search(&db, &filter, AUDIT_PAGE_ROWS).await?)
}

/// The chain head: the newest entry's number and hash. Public: anyone can note it and
/// later check that the trail was only ever appended to.
#[server(prefix = "/api", endpoint = "audit_head")]
pub async fn audit_head() -> Result<(i64, String), AppError> {
    let db = crate::ssr::state::db()?;
    Ok(crate::ssr::db::audit::head(&db).await?)
}

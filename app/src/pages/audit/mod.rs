//! 全程留痕: the audit log page.

pub mod audit_page;

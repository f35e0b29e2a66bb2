//! 抽取现场: the projector screen, the observers' live page and the printable record and
//! the drawn list's 审批表 and 备案表.

pub mod ceremony_page;
pub mod list_form_page;
pub mod record_page;

//! 抽取现场: the projector screen, the observers' live page and the printable record.

pub mod ceremony_page;
pub mod record_page;

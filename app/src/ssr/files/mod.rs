//! File formats: registry tables as .xlsx or .csv ([`table_file`]), and reading an
//! uploaded workbook within bounds ([`xlsx_read`]).

pub mod qr;
pub mod table_file;
pub mod xlsx_read;

//! File formats: registry tables as .xlsx or .csv ([`table_file`]), the annual plan table
//! as .xlsx ([`plan_sheet`]), and reading an uploaded workbook within bounds ([`xlsx_read`]).

pub mod plan_sheet;
pub mod table_file;
pub mod xlsx_read;

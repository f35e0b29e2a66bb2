//! File formats: registry tables as .xlsx or .csv ([`table_file`]), the annual plan table
//! as .xlsx ([`plan_sheet`]), reading an uploaded workbook within bounds ([`xlsx_read`]),
//! and QR codes as SVG ([`qr`]).

pub mod plan_sheet;
// Property tests of the readers above (`make fuzz` runs many more cases).
#[cfg(test)]
pub(crate) mod props;
pub mod qr;
pub mod results_export;
pub mod stats_export;
pub mod table_file;
pub mod xlsx_read;

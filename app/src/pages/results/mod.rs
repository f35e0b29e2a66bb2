//! Inspection results, the inspector's assignments and the publication deadlines.

pub mod deadlines_page;
pub mod follow_ups_page;
pub mod my_page;
pub mod penalties_page;
pub mod results_page;

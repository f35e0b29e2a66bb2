//! 一单两库: the enterprise and inspector registries, the item list, conflicts, import.

pub mod conflicts_page;
pub mod enterprise_page;
pub mod enterprises_page;
pub mod import_page;
pub mod inspector_page;
pub mod inspectors_page;
pub mod item_page;
pub mod items_page;

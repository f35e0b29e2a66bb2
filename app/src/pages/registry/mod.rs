//! 一单两库: the enterprise and inspector registries, the item list, conflicts, import.

pub mod conflicts_page;
pub mod enterprise_page;
pub mod enterprises_page;
pub mod import_page;
pub mod inspector_page;
pub mod inspectors_page;
pub mod item_page;
pub mod items_page;
pub mod watchlist_page;

use crate::domain::registry::RegistryKind;
use leptos::prelude::*;

/// Excel and CSV links that export what a registry table shows: `shown` is the table's
/// address, whose filters the export keeps. `rel="external"`: the files are the server's,
/// so the client-side router must let the browser fetch them.
#[component]
pub fn ExportLinks(kind: RegistryKind, shown: String) -> impl IntoView {
    let query = shown.split_once('?').map_or("", |(_, q)| q);
    let link = |ext: &str| format!("/registry/export/{}.{ext}?{query}", kind.code());
    view! { <a rel="external" href=link("xlsx")>"Excel"</a>" "<a rel="external" href=link("csv")>"CSV"</a> }
}

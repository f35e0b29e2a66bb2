//! Components shared by pages.

pub mod error_view;
pub mod layout;
pub mod pager;
pub mod record_form;
pub mod row_errors;
pub mod todo;
pub mod waiting;

/// Asks the user to confirm an irreversible step (always yes while rendering on the server,
/// where nothing is clicked).
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

//! Task pages: one task in one place, and its form.

pub mod pool_page;
pub mod task_form_page;
pub mod task_page;
pub mod todo_page;

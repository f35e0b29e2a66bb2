//! Plan pages.

pub mod calendar_page;
pub mod import_page;
pub mod plan_form_page;
pub mod plan_page;

use crate::error::AppError;

/// `Ok` when the signed-in user may add, edit and import plans (经办人), as the server says.
pub async fn may_edit_plans() -> Result<(), AppError> {
    if crate::api::plans::get_plan(None).await?.can_edit {
        Ok(())
    } else {
        Err(AppError::Forbidden("年度计划由经办人新建、编辑和导入".into()))
    }
}

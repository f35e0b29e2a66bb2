//! One registry record at a time: create, edit, deactivate. Each change is checked as an
//! imported row would be, and written in one transaction with its audit entry. Nothing is
//! ever deleted: draws, results and conflicts keep pointing at what they used.

use crate::domain::audit::Actor;
use crate::domain::import::RowError;
use crate::domain::registry::RegistryKind;
use crate::domain::registry_rows as rows;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::registry::lookups;
use crate::ssr::db::unique::OnUnique;
use crate::ssr::db::{enterprises, inspectors, items};
use sqlx::AnyPool;

/// The row errors of a form, as one error naming the first field.
fn invalid(errors: Vec<RowError>) -> AppError {
    let field = errors.first().map(|e| e.column.clone()).unwrap_or_default();
    let message =
        errors.iter().map(|e| format!("{}：{}", e.column, e.message)).collect::<Vec<_>>().join("；");
    AppError::invalid(field, message)
}

fn entity(kind: RegistryKind) -> &'static str {
    match kind {
        RegistryKind::Enterprises => "enterprise",
        RegistryKind::Inspectors => "inspector",
        RegistryKind::Items => "item",
    }
}

/// Creates (`id` = `None`) or edits a record given as cells in the kind's column order;
/// returns its id. The key (credit code, certificate number, item name) must stay unique.
pub async fn save(
    db: &AnyPool,
    kind: RegistryKind,
    id: Option<i64>,
    cells: &[String],
    actor: Actor<'_>,
) -> Result<i64, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let lookups = lookups(&mut tx).await?;
    let key_column = kind.columns()[0];
    // (its id, the record as JSON, the record before) — each arm refuses a key another record holds.
    let (saved_id, after, before) = match kind {
        RegistryKind::Enterprises => {
            let r = rows::enterprise_from_cells(1, cells, &lookups).map_err(invalid)?;
            let key_of = r.credit_code.clone();
            let holder = enterprises::existing(&mut tx, &[&r.credit_code]).await?.remove(&r.credit_code);
            let before = match id {
                Some(id) => Some(enterprises::get(&mut tx, id).await?.ok_or_else(not_found)?.record),
                None => None,
            };
            check_holder(holder.as_ref().map(|h| h.0), id, key_column, &key_of)?;
            let saved = enterprises::write(&mut tx, id, &r).await.on_unique(
                "enterprises",
                &["credit_code"],
                || taken(key_column),
            )?;
            (saved, json(&r), before.map(|b| json(&b)))
        }
        RegistryKind::Inspectors => {
            let r = rows::inspector_from_cells(1, cells, &lookups).map_err(invalid)?;
            let key_of = r.certificate_no.clone();
            let holder = inspectors::existing(&mut tx, &[&r.certificate_no]).await?.remove(&r.certificate_no);
            let before = match id {
                Some(id) => Some(inspectors::get(&mut tx, id).await?.ok_or_else(not_found)?.record),
                None => None,
            };
            check_holder(holder.as_ref().map(|h| h.0), id, key_column, &key_of)?;
            let saved = inspectors::write(&mut tx, id, &r).await.on_unique(
                "inspectors",
                &["certificate_no"],
                || taken(key_column),
            )?;
            (saved, json(&r), before.map(|b| json(&b)))
        }
        RegistryKind::Items => {
            let r = rows::item_from_cells(1, cells, &lookups).map_err(invalid)?;
            let key_of = r.name.clone();
            let holder = items::existing(&mut tx, &[&r.name]).await?.remove(&r.name);
            let before = match id {
                Some(id) => Some(items::get(&mut tx, id).await?.ok_or_else(not_found)?.record),
                None => None,
            };
            check_holder(holder.as_ref().map(|h| h.0), id, key_column, &key_of)?;
            let saved =
                items::write(&mut tx, id, &r)
                    .await
                    .on_unique("inspection_items", &["name"], || taken(key_column))?;
            (saved, json(&r), before.map(|b| json(&b)))
        }
    };
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: if id.is_some() { "registry.update" } else { "registry.create" },
            entity_type: entity(kind),
            entity_id: &saved_id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved_id)
}

/// Refuses a key that another record (`holder`) already has.
fn check_holder(holder: Option<i64>, id: Option<i64>, key_column: &str, key: &str) -> Result<(), AppError> {
    match holder {
        Some(h) if Some(h) != id => Err(AppError::invalid(
            key_column,
            format!("{key_column}“{key}”已登记（编号 {h}），不能重复登记；请打开该记录修改"),
        )),
        _ => Ok(()),
    }
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该记录".into())
}

/// The key column's value is another record's already.
fn taken(key_column: &str) -> AppError {
    AppError::invalid(key_column, format!("{key_column}已被另一条记录使用，不能重复登记"))
}

/// Takes a record out of use (enterprise: 注销; inspector and item: 停用) or back in
/// (存续 / 在用). The row stays, so every draw that used it still reads the same.
pub async fn set_active(
    db: &AnyPool,
    kind: RegistryKind,
    id: i64,
    active: bool,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    if !crate::ssr::db::registry::set_active(&mut tx, kind, id, active).await? {
        return Err(not_found());
    }
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: if active { "registry.activate" } else { "registry.deactivate" },
            entity_type: entity(kind),
            entity_id: &id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "active": active })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

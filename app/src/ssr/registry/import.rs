//! 一单两库 import and export: a file is read and every row checked first (a dry run
//! stops there), then applied in one transaction with its audit entry, or not at all.

use crate::domain::audit::Actor;
use crate::domain::import::{ImportReport, RowError};
use crate::domain::registry::{EnterpriseQuery, ListQuery, RegistryImportReport, RegistryKind};
use crate::domain::registry_rows as rows;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::{enterprises, inspectors, items};
use crate::ssr::files::table_file::{read_rows, write_csv, write_xlsx, FileError, Rows, XLSX_MAX_ROWS};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// The largest file the command line accepts.
pub const CLI_MAX_BYTES: usize = 256 * 1024 * 1024;

/// The import page's form: which registry, whether to apply, and the file.
#[derive(Debug, Default)]
pub struct Upload {
    pub kind: String,
    pub apply: bool,
    pub file: Vec<u8>,
}

/// Whether a request's content type is a multipart form with its boundary, as the
/// multipart server functions need (see [`crate::api::MULTIPART_ENDPOINTS`]).
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| multer::parse_boundary(ct).is_ok())
}

/// Room for a form's other fields and boundaries beside the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Reads the import form (multipart: `kind`, `apply`, `file`). A file over `max` bytes is
/// refused, naming the limit, before its bytes are read when the request's declared
/// length already says so, or as soon as they pass it.
pub async fn read_upload(
    mut form: multer::Multipart<'static>,
    declared: Option<usize>,
    max: usize,
) -> Result<Upload, AppError> {
    let too_large = |bytes: usize| AppError::from(FileError::TooLarge { bytes, max });
    if let Some(length) = declared.filter(|&n| n > max + FORM_OVERHEAD) {
        return Err(too_large(length));
    }
    let broken = |e: multer::Error| {
        AppError::invalid("文件", format!("上传的表单无法读取（{e}），请重新选择文件上传。"))
    };
    let mut upload = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        match field.name() {
            Some("kind") => upload.kind = field.text().await.map_err(broken)?,
            Some("apply") => upload.apply = field.text().await.map_err(broken)? == "true",
            Some("file") => {
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if upload.file.len() + chunk.len() > max {
                        return Err(too_large(declared.unwrap_or(upload.file.len() + chunk.len())));
                    }
                    upload.file.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// Departments and regions, to check rows against.
use crate::ssr::db::registry::lookups;

/// Checks every row; a row repeating an earlier row's key is an error on the key column.
fn check<R>(
    rows: &Rows,
    key_column: &str,
    parse: impl Fn(usize, &[String]) -> Result<R, Vec<RowError>>,
    key: impl Fn(&R) -> &str,
) -> (Vec<(usize, R)>, Vec<RowError>) {
    let mut good: Vec<(usize, R)> = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (n, cells) in rows {
        let raw_key = cells.first().map_or("", |c| c.trim());
        let duplicate = (!raw_key.is_empty()).then(|| seen.get(raw_key).copied()).flatten();
        let parsed = parse(*n, cells);
        match (parsed, duplicate) {
            (Ok(r), None) => {
                seen.insert(key(&r).to_owned(), *n);
                good.push((*n, r));
            }
            (result, dup) => {
                if let Err(e) = result {
                    errors.extend(e);
                }
                if let Some(first) = dup {
                    errors.push(RowError {
                        row: *n,
                        column: key_column.to_owned(),
                        message: format!("与第 {first} 行重复：{key_column}“{raw_key}”在文件中只能出现一次"),
                    });
                } else if !raw_key.is_empty() {
                    seen.insert(raw_key.to_owned(), *n);
                }
            }
        }
    }
    (good, errors)
}

/// Counts of a checked file against the stored records: what to write, added, updated, unchanged.
fn classify<'r, R: PartialEq>(
    good: &'r [(usize, R)],
    existing: &HashMap<String, (i64, R)>,
    key: impl Fn(&R) -> &str,
) -> (Vec<&'r R>, usize, usize, usize) {
    let (mut added, mut updated, mut unchanged) = (0, 0, 0);
    let mut write = Vec::with_capacity(good.len());
    for (_, r) in good {
        match existing.get(key(r)) {
            None => {
                added += 1;
                write.push(r);
            }
            Some((_, stored)) if stored == r => unchanged += 1,
            Some(_) => {
                updated += 1;
                write.push(r);
            }
        }
    }
    // In key order, the unique index is appended to rather than split all over.
    write.sort_by(|a, b| key(a).cmp(key(b)));
    (write, added, updated, unchanged)
}

/// Imports a registry file: a dry run unless `apply`; applied all or nothing (upsert by
/// credit code / certificate number / item name) with one audit entry.
pub async fn import(
    db: &AnyPool,
    kind: RegistryKind,
    bytes: &[u8],
    max_bytes: usize,
    apply: bool,
    actor: Actor<'_>,
) -> Result<RegistryImportReport, AppError> {
    if bytes.len() > max_bytes {
        return Err(FileError::TooLarge { bytes: bytes.len(), max: max_bytes }.into());
    }
    let limits = if max_bytes <= crate::domain::registry::WEB_IMPORT_MAX_BYTES {
        crate::ssr::files::xlsx_read::Limits::WEB_REGISTRY
    } else {
        crate::ssr::files::xlsx_read::Limits::CLI_REGISTRY
    };
    let file_rows = read_rows(bytes, kind.columns(), &limits)?;
    let mut conn = db.acquire().await?;
    // A large import touches index pages all over a big database; a page cache of up to
    // 1 GB (the default is 2 MB) keeps them in memory instead of spilling and re-reading
    // them. SQLite takes only the pages it touches: about 0.5 GB for 100,000 new rows in a
    // registry of a million, a few MB for a small file. Each multi-row INSERT also keeps
    // the original of every page it changes (its statement journal), which SQLite would
    // otherwise write to a temporary file: in memory that is a copy instead of a write.
    // Both are given back below, before the connection returns to the pool; `temp_store`
    // counts only when set before the transaction begins.
    // (PostgreSQL has its own shared buffers and keeps its statistics by autovacuum.)
    crate::ssr::db::registry::widen_for_import(&mut conn).await?;
    let outcome = import_on(&mut conn, kind, bytes, file_rows, apply, actor).await;
    let large =
        outcome.as_ref().is_ok_and(|o| o.report.applied && o.report.added + o.report.updated > 10_000);
    crate::ssr::db::registry::narrow_after_import(&mut conn, large).await?;
    outcome
}

async fn import_on(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    bytes: &[u8],
    file_rows: Rows,
    apply: bool,
    actor: Actor<'_>,
) -> Result<RegistryImportReport, AppError> {
    let key_column = kind.columns()[0];
    let mut tx = crate::ssr::db::begin_write_on(conn).await?;
    let lookups = lookups(&mut tx).await?;
    let (mut errors, added, updated, unchanged);
    match kind {
        RegistryKind::Enterprises => {
            let (good, e) = check(
                &file_rows,
                key_column,
                |n, c| rows::enterprise_from_cells(n, c, &lookups),
                |r| &r.credit_code,
            );
            errors = e;
            let keys: Vec<&str> = good.iter().map(|(_, r)| r.credit_code.as_str()).collect();
            let stored = enterprises::existing(&mut tx, &keys).await?;
            let write;
            (write, added, updated, unchanged) = classify(&good, &stored, |r| &r.credit_code);
            if errors.is_empty() && apply {
                enterprises::upsert(&mut tx, &write).await?;
            }
        }
        RegistryKind::Inspectors => {
            let (good, e) = check(
                &file_rows,
                key_column,
                |n, c| rows::inspector_from_cells(n, c, &lookups),
                |r| &r.certificate_no,
            );
            errors = e;
            let keys: Vec<&str> = good.iter().map(|(_, r)| r.certificate_no.as_str()).collect();
            let stored = inspectors::existing(&mut tx, &keys).await?;
            // A certificate number names one person: a row giving it to someone else is a
            // duplicate against the registry, not an update.
            for (n, r) in &good {
                if let Some((_, s)) = stored.get(&r.certificate_no).filter(|(_, s)| s.name != r.name) {
                    errors.push(RowError {
                        row: *n,
                        column: key_column.to_owned(),
                        message: format!(
                            "执法证号“{}”已登记为“{}”的证件，不能用于“{}”；如确需更正姓名，请在人员详情页修改",
                            r.certificate_no, s.name, r.name
                        ),
                    });
                }
            }
            errors.sort_by_key(|e| e.row);
            let write;
            (write, added, updated, unchanged) = classify(&good, &stored, |r| &r.certificate_no);
            if errors.is_empty() && apply {
                inspectors::upsert(&mut tx, &write).await?;
            }
        }
        RegistryKind::Items => {
            let (good, e) =
                check(&file_rows, key_column, |n, c| rows::item_from_cells(n, c, &lookups), |r| &r.name);
            errors = e;
            let keys: Vec<&str> = good.iter().map(|(_, r)| r.name.as_str()).collect();
            let stored = items::existing(&mut tx, &keys).await?;
            let write;
            (write, added, updated, unchanged) = classify(&good, &stored, |r| &r.name);
            if errors.is_empty() && apply {
                items::upsert(&mut tx, &write).await?;
            }
        }
    }
    let applied = errors.is_empty() && apply;
    if applied {
        crate::ssr::db::crash::point("import:after-rows");
        let digest = hex::encode(Sha256::digest(bytes));
        audit::append(
            &mut tx,
            Change {
                actor: actor.name,
                role: actor.role,
                action: "registry.import",
                entity_type: kind.code(),
                entity_id: &digest[..16],
                before: None,
                after: Some(serde_json::json!({
                    "rows": file_rows.len(),
                    "added": added,
                    "updated": updated,
                    "unchanged": unchanged,
                    "file_sha256": digest,
                })),
            },
        )
        .await?;
        crate::ssr::db::crash::point("import:before-commit");
        tx.commit().await?;
    }
    // A dry run or a refused file drops the transaction: nothing was written.
    Ok(RegistryImportReport { report: ImportReport { added, updated, rejected: errors, applied }, unchanged })
}

/// The file format of an export, from a file name's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    /// `.csv` or `.xlsx` (any case); `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Self::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }

    /// The response's content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Writes the registry rows the filters give (`pairs`: the table's query string) as a file
/// with Chinese headers that imports back unchanged.
pub async fn export(
    db: &AnyPool,
    kind: RegistryKind,
    format: FileFormat,
    pairs: &[(String, String)],
) -> Result<Vec<u8>, AppError> {
    let mut conn = db.acquire().await?;
    let lookups = lookups(&mut conn).await?;
    let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let cells: Vec<Vec<String>> = match kind {
        RegistryKind::Enterprises => {
            let q = EnterpriseQuery::from_pairs(pairs);
            enterprises::all(&mut conn, &q).await?.iter().map(|r| rows::enterprise_cells(&r.record)).collect()
        }
        RegistryKind::Inspectors => inspectors::all(&mut conn, &list_query(pairs))
            .await?
            .iter()
            .map(|r| rows::inspector_cells(&r.record, &lookups))
            .collect(),
        RegistryKind::Items => items::all(&mut conn, &list_query(pairs))
            .await?
            .iter()
            .map(|r| rows::item_cells(&r.record, &lookups))
            .collect(),
    };
    match format {
        FileFormat::Csv => Ok(write_csv(kind.columns(), cells)),
        FileFormat::Xlsx if cells.len() > XLSX_MAX_ROWS => Err(AppError::invalid(
            "格式",
            format!("共 {} 行，超过 Excel 工作表的行数上限；请缩小筛选范围或导出为 .csv", cells.len()),
        )),
        FileFormat::Xlsx => write_xlsx(kind.label(), kind.columns(), cells).map_err(AppError::internal),
    }
}

/// The inspector/item table filters from query-string pairs.
pub fn list_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ListQuery {
    let mut q = ListQuery::default();
    for (k, v) in pairs {
        match k {
            "q" => q.q = v.trim().to_owned(),
            "department" => q.department = v.to_owned(),
            "active" => q.active = v.to_owned(),
            "page" => q.page = v.parse().unwrap_or(1),
            _ => {}
        }
    }
    q
}

//! `shuangsui import`, `export` and `demo`: the registries from the command line.

use app::domain::audit::Actor;
use app::domain::registry::RegistryKind;
use app::ssr::registry::import::{self as registry_import, FileFormat, CLI_MAX_BYTES};
use sqlx::AnyPool;
use std::path::Path;
use std::process::ExitCode;

/// The command line's author of a change in the audit log.
const CLI_ACTOR: Actor<'static> = Actor { name: "cli", role: "admin" };

fn kind_of(text: &str) -> Result<RegistryKind, ExitCode> {
    RegistryKind::parse(text).ok_or_else(|| {
        eprintln!("error: unknown registry “{text}”: use enterprises, inspectors or items");
        ExitCode::from(2)
    })
}

/// Opens the database; a fresh one gets the departments and regions rows are checked against.
async fn open(url: &str) -> Result<AnyPool, ExitCode> {
    let db = super::database::open_db(url).await?;
    let seeded = async {
        let mut conn = db.acquire().await?;
        if app::ssr::db::seed::regions(&mut conn).await? == 0 {
            app::ssr::db::seed::insert_reference_data(&mut conn).await?;
        }
        Ok::<_, sqlx::Error>(())
    };
    seeded.await.map_err(|e| {
        eprintln!("error: preparing database {url}: {e}");
        ExitCode::from(2)
    })?;
    Ok(db)
}

/// `import KIND FILE [--apply]`: 0 when every row is good (dry run) or was applied; 1 with
/// every rejected row listed (nothing written); 2 when the file or database cannot be used.
pub async fn import(kind: &str, file: &Path, apply: bool, url: &str) -> ExitCode {
    let kind = match kind_of(kind) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let db = match open(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let result = registry_import::import(&db, kind, &bytes, CLI_MAX_BYTES, apply, CLI_ACTOR).await;
    let elapsed = started.elapsed();
    let outcome = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let r = &outcome.report;
    for e in &r.rejected {
        println!("第 {} 行 [{}]：{}", e.row, e.column, e.message);
    }
    let counts = format!("新增 {} 条，更新 {} 条，未变 {} 条", r.added, r.updated, outcome.unchanged);
    let ms = elapsed.as_millis();
    if !r.rejected.is_empty() {
        println!("{}：有 {} 处问题，未写入任何数据（改正后将{counts}）", kind.label(), r.rejected.len());
        ExitCode::from(1)
    } else if r.applied {
        println!("{}：已导入，{counts}（{ms} ms）", kind.label());
        ExitCode::SUCCESS
    } else {
        println!("{}：预检通过，将{counts}；未写入，加 --apply 导入（{ms} ms）", kind.label());
        ExitCode::SUCCESS
    }
}

/// `export KIND FILE`: the whole registry as .csv or .xlsx, by the file's extension.
pub async fn export(kind: &str, file: &Path, url: &str) -> ExitCode {
    let kind = match kind_of(kind) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let Some(format) = FileFormat::from_name(&file.to_string_lossy()) else {
        eprintln!("error: {}: the file name must end in .csv or .xlsx", file.display());
        return ExitCode::from(2);
    };
    let db = match open(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    match registry_import::export(&db, kind, format, &[]).await {
        Ok(bytes) => match std::fs::write(file, bytes) {
            Ok(()) => {
                println!("{}：已导出到 {}", kind.label(), file.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", file.display());
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `demo --enterprises N`: the demo data (when the database is empty) plus N synthetic
/// enterprises.
pub async fn demo(enterprises: u64, url: &str) -> ExitCode {
    let db = match open(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let result = async {
        app::ssr::seed::demo::seed_if_empty(&db).await?;
        app::ssr::seed::demo_scale::add_enterprises(&db, enterprises).await
    };
    match result.await {
        Ok(total) => {
            println!(
                "added {enterprises} synthetic enterprises in {:.1} s; the registry holds {total}",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

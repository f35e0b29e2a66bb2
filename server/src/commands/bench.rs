//! `shuangsui bench-registry`: the registry page's filtered query, a task's pool query and
//! a 100,000-row import, timed against a database (fill one with `shuangsui demo`).
//! Prints a markdown table of medians on stdout.

use app::domain::audit::Actor;
use app::domain::registry::{EnterpriseQuery, EnterpriseRecord};
use app::domain::registry_rows::enterprise_cells;
use app::domain::task::Scope;
use app::ssr::registry::import::{self as registry_import, CLI_MAX_BYTES};
use sqlx::AnyPool;
use std::process::ExitCode;
use std::time::Instant;

/// The median of `v` (the mean of the middle two for an even count).
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Times `f` `runs` times after one warm-up; (median, min, max) in ms and the last result.
async fn time<T, F, Fut>(runs: u32, mut f: F) -> Result<(f64, f64, f64, T), sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    let mut last = f().await?;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = f().await?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    Ok((median(times), min, max, last))
}

/// Runs the bench; exit 2 when the database cannot be used.
pub async fn run(url: &str, runs: u32, import_rows: u64) -> ExitCode {
    match bench(url, runs, import_rows).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn bench(url: &str, runs: u32, import_rows: u64) -> Result<(), Box<dyn std::error::Error>> {
    let db = app::ssr::db::connect(url).await?;
    let mut conn = db.acquire().await?;
    let total = app::ssr::db::seed::enterprises(&mut conn).await?;
    let sample = app::ssr::db::seed::middle_credit_code(&mut conn).await?.unwrap_or_default();
    drop(conn);
    println!("registry: {total} enterprises; {runs} runs per query after one warm-up\n");
    println!("| query | median ms | min ms | max ms | result | goal |");
    println!("|---|---:|---:|---:|---|---|");

    let q = |f: &dyn Fn(&mut EnterpriseQuery)| {
        let mut q = EnterpriseQuery { page: 1, ..Default::default() };
        f(&mut q);
        q
    };
    let cases: Vec<(&str, EnterpriseQuery)> = vec![
        (
            "registry: name contains 3+ chars + region + status",
            q(&|q| {
                q.q = "恒通石".into();
                q.region = "130402".into();
                q.status = "active".into();
            }),
        ),
        ("registry: name contains (selective) ", q(&|q| q.q = "演示10500".into())),
        ("registry: credit code prefix (10 chars)", q(&|q| q.q = sample.chars().take(10).collect())),
        (
            "registry: category + region + risk + filing dates, by date desc",
            q(&|q| {
                q.category = "餐饮服务企业".into();
                q.region = "130403".into();
                q.risk = "C".into();
                q.filed_from = "2010-01-01".into();
                q.filed_to = "2015-12-31".into();
                q.sort = "filed_on".into();
                q.desc = true;
            }),
        ),
        (
            "registry: region + status, by name",
            q(&|q| {
                q.region = "130402".into();
                q.status = "active".into();
            }),
        ),
        (
            "registry: category + status, by name",
            q(&|q| {
                q.category = "餐饮服务企业".into();
                q.status = "active".into();
            }),
        ),
        ("registry: no filter, by name", q(&|_| {})),
        ("registry: no filter, page 100", q(&|q| q.page = 100)),
        ("registry: name contains 2 chars (scan)", q(&|q| q.q = "恒通".into())),
    ];
    for (label, query) in &cases {
        let (med, min, max, (rows, count, cap)) = time(runs, || async {
            let mut conn = db.acquire().await?;
            app::ssr::db::enterprises::page(&mut conn, query).await
        })
        .await?;
        let count = if count > cap { format!("{cap}+") } else { count.to_string() };
        println!(
            "| {label} | {med:.2} | {min:.2} | {max:.2} | {} rows, count {count} | ≤ 50 ms |",
            rows.len()
        );
    }

    let scope = Scope {
        category: Some("成品油零售企业".into()),
        filed_before: Some("2023-01-31".into()),
        ..Scope::default()
    };
    let (med, min, max, members) = time(runs, || async {
        let mut conn = db.acquire().await?;
        app::ssr::db::pool::members(&mut conn, &scope).await
    })
    .await?;
    println!("| pool: members (成品油零售企业, filed ≤ 2023-01-31) | {med:.2} | {min:.2} | {max:.2} | {} members | ≤ 20 ms |", members.len());
    let (med, min, max, classes) = time(runs, || async {
        let mut conn = db.acquire().await?;
        app::ssr::db::pool::count_by_class(&mut conn, &scope).await
    })
    .await?;
    println!(
        "| pool: count by risk class (same scope) | {med:.2} | {min:.2} | {max:.2} | {} classes | ≤ 20 ms |",
        classes.len()
    );

    if import_rows > 0 && app::ssr::db::Backend::of_pool(&db).is_postgres() {
        eprintln!("bench: the import is timed into a copy of a SQLite file only; skipped");
    } else if import_rows > 0 {
        let (dry, apply) = bench_import(&db, url, import_rows).await?;
        println!("| import {import_rows} new rows from CSV: dry run | {dry:.0} | | | | |");
        println!("| import {import_rows} new rows from CSV: apply (one transaction) | {apply:.0} | | | | ≤ 10 000 ms |");
    }
    Ok(())
}

/// Imports `rows` new enterprises from a CSV into a copy of the database (so the bench
/// leaves it as it was); returns (dry run ms, apply ms).
async fn bench_import(db: &AnyPool, url: &str, rows: u64) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("shuangsui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let copy = dir.join("copy.db");
    eprintln!("bench: copying {url} to {} for the import", copy.display());
    app::ssr::db::backup::vacuum_into(db, &copy).await?;
    let mut rng = app::ssr::seed::demo::SplitMix64::new(42);
    let records: Vec<EnterpriseRecord> =
        (0..rows).map(|i| app::ssr::seed::demo_scale::bulk_enterprise(&mut rng, 900_000_000 + i)).collect();
    let csv = app::ssr::files::table_file::write_csv(
        &app::domain::registry::ENTERPRISE_COLUMNS,
        records.iter().map(enterprise_cells),
    );
    let target = app::ssr::db::connect(&format!("sqlite://{}", copy.display())).await?;
    let actor = Actor { name: "bench", role: "admin" };
    let kind = app::domain::registry::RegistryKind::Enterprises;
    let start = Instant::now();
    let dry = registry_import::import(&target, kind, &csv, CLI_MAX_BYTES, false, actor).await?;
    let dry_ms = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let done = registry_import::import(&target, kind, &csv, CLI_MAX_BYTES, true, actor).await?;
    let apply_ms = start.elapsed().as_secs_f64() * 1000.0;
    target.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if !dry.report.rejected.is_empty() || !done.report.applied || done.report.added != rows as usize {
        return Err(format!("bench import did not add every row: {:?}", done.report.rejected.first()).into());
    }
    Ok((dry_ms, apply_ms))
}

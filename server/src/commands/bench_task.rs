//! `shuangsui bench-task`: a province-size task end to end — freezing a task whose scope is
//! the whole registry (the pool query, the digest, storing the frozen pool), drawing it
//! (entropy in, the manifest stored, the teams written), then the public draw page, the
//! live page and the public summary (draw.json) through the real router. Prints a markdown table
//! of each phase's median.
//!
//! It changes the database it is given (the script gives it a copy): the first task in
//! the plan that waits to be frozen gets the whole registry as its scope and four
//! risk-class ratios, its departments get bench inspectors up to 40, and each run takes
//! the task back to 已列入计划 by deleting the run's draw.

use crate::config::Config;
use app::domain::audit::Actor;
use app::domain::draw::DrawInput;
use app::ssr::db::Backend;
use axum::body::Body;
use axum::http::Request;
use sqlx::AnyPool;
use std::process::ExitCode;
use std::time::Instant;
use tower::ServiceExt;

/// The ratios of the bench task's four strata (basis points): about 2.7 % in all for the
/// bench registry's mix of classes.
const RATIOS: &str = r#"{"A":150,"B":250,"C":400,"D":800}"#;
const INSPECTORS: i64 = 40;
const ENTROPY: &str = "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3";

/// Runs the bench; exit 2 when something fails.
pub async fn run(config: Config, runs: u32) -> ExitCode {
    match bench(config, runs).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

struct Phase {
    label: &'static str,
    goal: &'static str,
    ms: Vec<f64>,
    note: String,
}

impl Phase {
    fn new(label: &'static str, goal: &'static str) -> Self {
        Self { label, goal, ms: Vec::new(), note: String::new() }
    }

    fn row(&self) -> String {
        let median = super::bench::median(self.ms.clone());
        let min = self.ms.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.ms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("| {} | {median:.0} | {min:.0} | {max:.0} | {} | {} |", self.label, self.note, self.goal)
    }
}

async fn bench(mut config: Config, runs: u32) -> Result<(), Box<dyn std::error::Error>> {
    config.addr = "127.0.0.1:0".into();
    config.no_demo = true;
    let prepared = crate::serve::prepare(&config).await?;
    let db = prepared.state.db.clone();
    let router = prepared.app.clone();
    drop(prepared.listener);
    let backend = if Backend::of_pool(&db).is_postgres() { "PostgreSQL" } else { "SQLite" };
    let (task_id, draw_date) = setup(&db).await?;
    let registry: i64 =
        sqlx::query_scalar("SELECT count(*) FROM enterprises WHERE status = 'active'").fetch_one(&db).await?;
    let actor = Actor { name: "bench", role: "clerk" };

    let mut pool_query = Phase::new("the scope's members read row by row through the driver (the registry's query; the freeze stores them inside the database instead)", "");
    let mut freeze = Phase::new(
        "freeze (the scope's pool stored by INSERT … SELECT, exclusions, pool read back, digest, commitment; one transaction)",
        "≤ 5 000 ms",
    );
    let mut dr1 = Phase::new("draw: DR1 alone (keys, strata, teams; in memory)", "");
    let mut draw =
        Phase::new("draw (frozen input read, DR1, manifest, selections and teams stored)", "≤ 2 000 ms");
    let mut page = Phase::new("public draw page `/public/tasks/{id}/draw`", "");
    let mut live = Phase::new("live page `/live/{id}` (its summary)", "");
    let mut summary = Phase::new("public summary `/public/data/draws/{id}/draw.json`", "");
    let mut selected = 0;
    for run in 0..runs.max(1) {
        reset(&db, task_id).await?;
        let start = Instant::now();
        let scope = {
            let mut conn = db.acquire().await?;
            let scope = app::ssr::db::pool::scope_of_task(&mut conn, task_id).await?;
            let members = app::ssr::db::pool::members(&mut conn, &scope).await?;
            pool_query.note = format!("{} members", members.len());
            scope
        };
        pool_query.ms.push(ms(start));
        drop(scope);

        let start = Instant::now();
        let frozen = app::ssr::db::draws::freeze(&db, task_id, &draw_date, actor).await?;
        freeze.ms.push(ms(start));
        freeze.note = format!("{} in the pool", frozen.pool_count);

        let (frozen_json, secret): (String, String) =
            sqlx::query_as("SELECT frozen_input, secret FROM draws WHERE id = $1")
                .bind(frozen.draw_id)
                .fetch_one(&db)
                .await?;
        let mut input: DrawInput = serde_json::from_str(&frozen_json)?;
        input.pool =
            app::ssr::db::frozen_pool::stored_pool(&mut *db.acquire().await?, frozen.draw_id).await?;
        let start = Instant::now();
        input.secret = secret;
        input.public_entropy = ENTROPY.into();
        let m = app::domain::draw::draw(&input).map_err(|r| r.to_string())?;
        dr1.ms.push(ms(start));
        selected = m.selected.len();
        dr1.note = format!("{selected} selected, {} inspectors", input.inspectors.len());
        drop((input, m, frozen_json));

        let start = Instant::now();
        let draw_id = app::ssr::db::draws::run_draw(&db, task_id, ENTROPY, &draw_date, actor).await?;
        draw.ms.push(ms(start));
        draw.note = format!("{selected} selected, teams of 2");

        for (phase, path) in [
            (&mut page, format!("/public/tasks/{task_id}/draw")),
            (&mut live, format!("/live/{task_id}")),
            (&mut summary, format!("/public/data/draws/{draw_id}/draw.json")),
        ] {
            let start = Instant::now();
            let response = router.clone().oneshot(Request::get(&path).body(Body::empty())?).await?;
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            phase.ms.push(ms(start));
            if !status.is_success() {
                return Err(format!("GET {path}: {status}").into());
            }
            phase.note = format!("{} KB", bytes.len() / 1024);
        }
        eprintln!(
            "bench-task: run {} of {}: freeze {:.0} ms, draw {:.0} ms",
            run + 1,
            runs.max(1),
            freeze.ms.last().unwrap_or(&0.0),
            draw.ms.last().unwrap_or(&0.0)
        );
    }
    reset(&db, task_id).await?;

    println!(
        "{backend}: a task whose scope is the whole registry ({registry} active enterprises, 4 risk classes, \
         {INSPECTORS} inspectors in 2 departments); {} runs, load {}\n",
        runs.max(1),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split(' ').take(3).collect::<Vec<_>>().join(" ")
    );
    println!("| phase | median ms | min ms | max ms | size | goal |");
    println!("|---|---:|---:|---:|---|---|");
    for phase in [&pool_query, &freeze, &dr1, &draw, &page, &live, &summary] {
        println!("{}", phase.row());
    }
    let _ = selected;
    Ok(())
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Picks the first task that waits to be frozen (not split into batches), gives it the
/// whole registry as its scope and the bench's ratios, and its departments inspectors up to
/// [`INSPECTORS`]; returns the task and a date inside its window.
async fn setup(db: &AnyPool) -> Result<(i64, String), Box<dyn std::error::Error>> {
    let (task_id, date) = whole_registry_task(db, 270, Some(RATIOS)).await?;
    let mut conn = db.acquire().await?;
    let mut departments: Vec<String> = vec![
        sqlx::query_scalar("SELECT initiating_department_id FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_one(&mut *conn)
            .await?,
    ];
    departments.extend(app::ssr::db::tasks::joint_departments(&mut conn, task_id).await?);
    let mut have = 0i64;
    for d in &departments {
        have += sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM inspectors WHERE department_id = $1 AND active = 1",
        )
        .bind(d)
        .fetch_one(&mut *conn)
        .await?;
    }
    for i in have..INSPECTORS {
        sqlx::query(
            "INSERT INTO inspectors (name, department_id, certificate_no, valid_from, valid_to) \
             VALUES ($1, $2, $3, '2020-01-01', '2099-12-31')",
        )
        .bind(format!("测试检查员{i:02}"))
        .bind(&departments[i as usize % departments.len()])
        .bind(format!("BENCH-{i:04}"))
        .execute(&mut *conn)
        .await?;
    }
    Ok((task_id, date))
}

/// The first task waiting to be frozen (not split into batches), given the whole registry as
/// its scope, `ratio_bp` for every risk class or `risk_ratios` (JSON) per class, and no
/// repeat or 重点关注 rule; returns it and a date inside its window. Also bench-staff's.
pub(crate) async fn whole_registry_task(
    db: &AnyPool,
    ratio_bp: i64,
    risk_ratios: Option<&str>,
) -> Result<(i64, String), Box<dyn std::error::Error>> {
    let task_id: Option<i64> = sqlx::query_scalar(
        "SELECT min(t.id) FROM tasks t WHERE t.status = 'planned' AND t.parent_task_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM task_batches b WHERE b.task_id = t.id)",
    )
    .fetch_one(db)
    .await?;
    let task_id =
        task_id.ok_or("no task waits to be frozen (fill the database with `shuangsui demo` first)")?;
    sqlx::query(
        "UPDATE tasks SET scope_category = NULL, scope_filed_before = NULL, scope_regions = NULL, \
         scope_risk_classes = NULL, scope_industries = NULL, scope_natures = NULL, scope_scales = NULL, \
         risk_ratios_bp = $1, ratio_bp = $2, repeat_exclusion = 'none', watch_ratio_bp = NULL WHERE id = $3",
    )
    .bind(risk_ratios)
    .bind(ratio_bp)
    .bind(task_id)
    .execute(db)
    .await?;
    let mut conn = db.acquire().await?;
    let window = app::ssr::db::plan_changes::effective_window(&mut conn, task_id).await?;
    Ok((task_id, format!("{}-{:02}-15", window.year, window.start_month)))
}

/// Takes the task back to 已列入计划: deletes its draw (pool, exclusions, selections, teams,
/// attempts) so the next run freezes it again.
async fn reset(db: &AnyPool, task_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = app::ssr::db::begin_write(db).await?;
    for table in ["draw_team_members", "draw_selections", "draw_pool", "draw_exclusions"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE draw_id IN (SELECT id FROM draws WHERE task_id = $1)"
        ))
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM draws WHERE task_id = $1").bind(task_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE tasks SET status = 'planned' WHERE id = $1").bind(task_id).execute(&mut *tx).await?;
    tx.commit().await
}

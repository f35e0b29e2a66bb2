//! Command-line interface: `serve` (default), `draw`, `verify`, `audit verify`, `backup`,
//! `copy-db`, and the registries' `import`, `export`, `demo` and `bench-registry`.

use app::domain::draw;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// 双随 Shuangsui — random market inspections whose draws anyone can re-verify.
#[derive(Parser, Debug)]
#[command(name = "shuangsui", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application (the default). Creates and migrates the database,
    /// and loads the demo data into an empty one.
    Serve(ServeArgs),
    /// Run a DR1 draw from an input file (JSON with the spec's input fields) and print
    /// the manifest on stdout. Needs no database. Exit 2 when the input is refused.
    Draw {
        /// The DR1 input (JSON).
        #[arg(long)]
        input: PathBuf,
        /// Instead of printing the manifest, run the draw N times and print timings;
        /// the last line is `draw_ms_median=<ms> pool=<n>`.
        #[arg(long, value_name = "N")]
        bench: Option<u32>,
    },
    /// Re-derive a DR1 manifest and compare every derived field. Prints `valid` (exit 0),
    /// or names the first field that differs (exit 1); malformed or refused input exits 2.
    Verify {
        /// The manifest (JSON), e.g. downloaded from the portal's draw page.
        file: PathBuf,
    },
    /// The audit log (全程留痕).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import a registry file (.xlsx, or .csv in UTF-8 or GBK). A dry run unless --apply:
    /// every row is checked and the rows that would be added or updated are counted. Exit 0
    /// when every row is good (or was applied); exit 1 listing every rejected row by row
    /// number, column and reason, with nothing written; exit 2 when the file cannot be read.
    Import {
        /// enterprises, inspectors or items.
        kind: String,
        /// The file; its columns are those `export` writes (extra columns are ignored).
        file: PathBuf,
        /// Write the rows (all or nothing, in one transaction). Without it nothing is written.
        #[arg(long)]
        apply: bool,
        /// Database URL.
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
    },
    /// Export a whole registry to FILE, as .csv (UTF-8 with BOM) or .xlsx by its extension,
    /// with Chinese headers; the file imports back unchanged.
    Export {
        /// enterprises, inspectors or items.
        kind: String,
        /// The file to write (.csv or .xlsx).
        file: PathBuf,
        /// Database URL.
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
    },
    /// Load the demo data into an empty database, then add N synthetic enterprises (a
    /// million take a few minutes) to try the registry at scale.
    Demo {
        /// How many synthetic enterprises to add.
        #[arg(long, default_value_t = 0)]
        enterprises: u64,
        /// Database URL.
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
    },
    /// Copy the database, while servers keep running, into a new SQLite file FILE
    /// (`VACUUM INTO`: one consistent moment, compacted), then check the copy: it opens, its
    /// audit chain is whole and ends where the original's did at that moment. Refuses an
    /// existing FILE. Exit 0 on a good copy, 1 when the copy fails its check, 2 on errors.
    Backup {
        /// The new file (e.g. backups/shuangsui-2026-11-28.db).
        file: PathBuf,
        /// Database URL.
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
    },
    /// Move a bureau's data from its SQLite file into a new PostgreSQL database (created
    /// and migrated if missing, and empty): every row of every table in one transaction,
    /// then the copy's audit chain is checked against the file's. Stop the servers first.
    /// Exit 0 on a good copy, 1 when the check fails, 2 on errors (nothing written).
    CopyDb {
        /// The SQLite database (e.g. sqlite://data/shuangsui.db).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database (e.g. postgres://shuangsui@db.example/shuangsui).
        #[arg(long)]
        to: String,
    },
    /// Time the registry page's filtered queries, a task's pool query and a CSV import
    /// (into a copy of the database); prints a markdown table of medians.
    BenchRegistry {
        /// Database URL (fill it first with `shuangsui demo --enterprises 1000000`).
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
        /// Timed runs per query.
        #[arg(long, default_value_t = 21)]
        runs: u32,
        /// Rows of the import bench (0 skips it).
        #[arg(long, default_value_t = 100_000)]
        import_rows: u64,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the hash chain from the first entry. Exit 0 when it is whole; exit 1 naming the
    /// first broken entry; exit 2 when the database cannot be opened.
    Verify {
        /// Database URL.
        #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
        db: String,
    },
}

/// Options of `serve`.
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Database URL.
    #[arg(long, env = "DATABASE_URL", default_value = app::ssr::db::DEFAULT_URL)]
    pub db: String,
    /// Directory of the built site (WASM, JS, CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Do not load the demo data into an empty database.
    #[arg(long)]
    pub no_demo: bool,
}

/// Runs the chosen subcommand and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => {
            crate::serve::run(ServeArgs {
                addr: "127.0.0.1:3000".into(),
                db: std::env::var("DATABASE_URL").unwrap_or_else(|_| app::ssr::db::DEFAULT_URL.into()),
                site_root: std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
                no_demo: false,
            })
            .await
        }
        Some(Command::Serve(args)) => crate::serve::run(args).await,
        Some(Command::Draw { input, bench }) => draw_cmd(&input, bench),
        Some(Command::Verify { file }) => verify_cmd(&file),
        Some(Command::Audit { command: AuditCommand::Verify { db } }) => audit_verify_cmd(&db).await,
        Some(Command::Import { kind, file, apply, db }) => {
            crate::registry_cli::import(&kind, &file, apply, &db).await
        }
        Some(Command::Export { kind, file, db }) => crate::registry_cli::export(&kind, &file, &db).await,
        Some(Command::Backup { file, db }) => backup_cmd(&db, &file).await,
        Some(Command::CopyDb { from, to }) => copy_db_cmd(&from, &to).await,
        Some(Command::Demo { enterprises, db }) => crate::registry_cli::demo(enterprises, &db).await,
        Some(Command::BenchRegistry { db, runs, import_rows }) => {
            crate::registry_bench::run(&db, runs, import_rows).await
        }
    }
}

/// Opens (creating and migrating) the database at `url`; on failure says so and gives the
/// exit code 2.
pub(crate) async fn open_db(url: &str) -> Result<sqlx::AnyPool, ExitCode> {
    app::ssr::db::connect(url).await.map_err(|e| {
        eprintln!("error: cannot open database {url}: {e}");
        ExitCode::from(2)
    })
}

async fn audit_verify_cmd(url: &str) -> ExitCode {
    use app::ssr::audit::{verify_chain, ChainReport};
    let db = match open_db(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    match verify_chain(&db).await {
        Ok(ChainReport::Whole { entries, head }) => {
            println!("audit chain whole: {entries} entries, head {head}");
            ExitCode::SUCCESS
        }
        Ok(ChainReport::Broken { seq, reason }) => {
            println!("audit chain broken at entry {seq}: {reason}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: reading the audit log: {e}");
            ExitCode::from(2)
        }
    }
}

async fn copy_db_cmd(from: &str, to: &str) -> ExitCode {
    use app::ssr::audit::{verify_chain, ChainReport};
    let (source, target) = match (open_db(from).await, open_db(to).await) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let started = std::time::Instant::now();
    let copied = match app::ssr::db::copy::sqlite_to_postgres(&source, &target).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for c in &copied {
        println!("{:<28} {:>10} rows", c.table, c.rows);
    }
    let chains = (verify_chain(&source).await, verify_chain(&target).await);
    match chains {
        (Ok(ChainReport::Whole { head: a, entries: n }), Ok(ChainReport::Whole { head: b, .. }))
            if a == b =>
        {
            println!(
                "copied {} tables in {:.1} s; audit chain whole, {n} entries, head {b}",
                copied.len(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        (source, target) => {
            println!("the copy's audit chain does not match the file's: {source:?} / {target:?}");
            ExitCode::from(1)
        }
    }
}

async fn backup_cmd(url: &str, file: &std::path::Path) -> ExitCode {
    use app::ssr::audit::{verify_chain, ChainReport};
    if matches!(app::ssr::db::Backend::of_url(url), Ok(app::ssr::db::Backend::Postgres)) {
        eprintln!(
            "error: backup copies a SQLite file; back up PostgreSQL with pg_dump, e.g. \
             pg_dump --format=custom --file={} '<database URL>'",
            file.display()
        );
        return ExitCode::from(2);
    }
    if file.exists() {
        eprintln!("error: {} exists; a backup is written to a new file", file.display());
        return ExitCode::from(2);
    }
    let db = match open_db(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    // VACUUM INTO reads one consistent moment of the database, however busy it is.
    if let Err(e) = sqlx::query("VACUUM INTO $1").bind(file.display().to_string()).execute(&db).await {
        eprintln!("error: copying {url} to {}: {e}", file.display());
        return ExitCode::from(2);
    }
    let copy = match app::ssr::db::connect(&format!("sqlite://{}", file.display())).await {
        Ok(copy) => copy,
        Err(e) => {
            eprintln!("error: the copy {} does not open: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let (entries, head) = match verify_chain(&copy).await {
        Ok(ChainReport::Whole { entries, head }) => (entries, head),
        Ok(ChainReport::Broken { seq, reason }) => {
            println!("backup {}: its audit chain is broken at entry {seq}: {reason}", file.display());
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: reading the copy's audit log: {e}");
            return ExitCode::from(1);
        }
    };
    // The copy's last entry is the database's entry of that number (later ones may follow).
    let original: Option<String> = match sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(entries)
        .fetch_optional(&db)
        .await
    {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: reading the audit log of {url}: {e}");
            return ExitCode::from(2);
        }
    };
    if entries > 0 && original.as_deref() != Some(head.as_str()) {
        println!("backup {}: its audit head {head} is not the database's entry {entries}", file.display());
        return ExitCode::from(1);
    }
    println!("backup {}: {bytes} bytes, audit chain whole, {entries} entries, head {head}", file.display());
    ExitCode::SUCCESS
}

fn read(path: &PathBuf) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })
}

fn draw_cmd(path: &PathBuf, bench: Option<u32>) -> ExitCode {
    let text = match read(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let input = match draw::parse_input(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("refused: {e}");
            return ExitCode::from(2);
        }
    };
    match bench {
        None => match draw::draw_owned(input) {
            Ok(manifest) => {
                // The same bytes as serde_json's pretty printer, written on every core.
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let written = manifest
                    .write_json_pretty(&mut out)
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush());
                // The process ends here: freeing the pool's millions of strings one by one
                // would take about as long as the draw, and the OS reclaims them at once.
                std::mem::forget(manifest);
                match written {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("error: cannot write the manifest: {e}");
                        ExitCode::from(1)
                    }
                }
            }
            Err(e) => {
                eprintln!("refused: {e}");
                ExitCode::from(2)
            }
        },
        Some(n) => {
            let mut times = Vec::with_capacity(n.max(1) as usize);
            for i in 0..n.max(1) {
                // Times the derivation itself; `draw` would also copy the input into the manifest.
                let start = std::time::Instant::now();
                if let Err(e) = draw::derive(&input) {
                    eprintln!("refused: {e}");
                    return ExitCode::from(2);
                }
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                println!("run {:>3}: {ms:.3} ms", i + 1);
                times.push(ms);
            }
            times.sort_by(f64::total_cmp);
            let median = if times.len() % 2 == 1 {
                times[times.len() / 2]
            } else {
                (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
            };
            println!("draw_ms_median={median:.3} pool={}", input.pool.len());
            ExitCode::SUCCESS
        }
    }
}

fn verify_cmd(path: &PathBuf) -> ExitCode {
    let text = match read(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match draw::verify_manifest(&text) {
        Err(e) => {
            eprintln!("refused: {e}");
            ExitCode::from(2)
        }
        Ok(checks) => match draw::first_failure(&checks) {
            None => {
                println!("valid");
                ExitCode::SUCCESS
            }
            Some(c) => {
                println!("invalid: {} differs (expected {}, manifest has {})", c.name, c.expected, c.found);
                ExitCode::from(1)
            }
        },
    }
}

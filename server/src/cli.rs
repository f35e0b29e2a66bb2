//! Command-line interface: the subcommands and their options, dispatched to `serve` and
//! to `commands` — `serve` (default), `config`, `draw`, `verify`, `audit verify`,
//! `backup`, `copy-db`, and the registries' `import`, `export`, `demo` and
//! `bench-registry`.

use crate::commands;
use crate::config::{Flags, Layers, ServeFlags};
use crate::VERSION;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// 双随 Shuangsui — random market inspections whose draws anyone can re-verify.
///
/// Configuration: built-in defaults, then shuangsui.toml (in the working directory, or
/// --config), then SHUANGSUI_* variables, then the options; `shuangsui config` prints it.
#[derive(Parser, Debug)]
#[command(name = "shuangsui", version = crate::VERSION, about)]
pub struct Cli {
    /// The configuration file (TOML; keys as `shuangsui config` prints them). Default:
    /// shuangsui.toml in the working directory, when there is one.
    #[arg(long, global = true, env = "SHUANGSUI_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log lines as `text` or `json` (one object per line) [log_format; text]
    #[arg(long, global = true, value_name = "FORMAT")]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application (the default). Creates and migrates the database,
    /// and loads the demo data into an empty one. SIGTERM or Ctrl-C stops it: in-flight
    /// requests finish (up to drain_timeout) and live streams end.
    Serve(ServeFlags),
    /// Print the configuration `serve` would run with, as a shuangsui.toml, each value with
    /// where it came from and secrets redacted. Exit 2 naming a wrong value.
    Config(ServeFlags),
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
    /// Import a registry file (.xlsx, or .csv in UTF-8 or GBK), or results entered in the
    /// province's system first (`import results FILE --as ACCOUNT`, the layout `export
    /// results` writes or a --template's). A dry run unless --apply: every row is checked
    /// and the rows that would be added or updated are counted. Exit 0 when every row is
    /// good (or was applied); exit 1 listing every rejected row by row number, column and
    /// reason, with nothing written; exit 2 when the file cannot be read.
    Import {
        /// enterprises, inspectors, items, results, or complaints (举报投诉: 统一社会信用代码,
        /// 投诉日期, 渠道, 摘要).
        kind: String,
        /// The file; its columns are those `export` writes (extra columns are ignored).
        file: PathBuf,
        /// Write the rows (all or nothing, in one transaction). Without it nothing is written.
        #[arg(long)]
        apply: bool,
        /// results: the account the results are entered as (a clerk of the initiating
        /// department, or an inspector of the team): the form's permissions apply.
        #[arg(long = "as")]
        as_user: Option<String>,
        /// results: the file's layout (default: the GSXT layout of `export results`).
        #[arg(long)]
        template: Option<PathBuf>,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// Export a whole registry to FILE, as .csv (UTF-8 with BOM) or .xlsx by its extension,
    /// with Chinese headers; the file imports back unchanged. `export results --year Y`
    /// writes a year's published results, one row per enterprise and inspection item, in the
    /// GSXT 双随机抽查结果 layout or a --template's columns (exit 1 naming a wrong template);
    /// `export penalties --year Y` the year's penalty decisions in the 双公示 layout.
    Export {
        /// enterprises, inspectors, items, results or penalties.
        kind: String,
        /// The file to write (.csv or .xlsx).
        file: PathBuf,
        /// results: the plan year.
        #[arg(long)]
        year: Option<i32>,
        /// results: only this task (its id).
        #[arg(long)]
        task: Option<i64>,
        /// results: a template file (`列标题 = 来源字段` per line; default: the GSXT layout,
        /// templates/results-gsxt.template).
        #[arg(long)]
        template: Option<PathBuf>,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// A year's statistics (统计): `--json` prints the figures (English keys: `totals`,
    /// `tasks`, `departments`, …; each count is of drawn enterprises), or FILE.xlsx gets the
    /// workbook the page downloads (a cover sheet, one sheet per table, the annual summary).
    Stats {
        /// The plan year.
        #[arg(long)]
        year: i32,
        /// Only tasks this department (its id, e.g. swj-zfzd) initiated.
        #[arg(long)]
        department: Option<String>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
        /// The .xlsx file to write.
        file: Option<PathBuf>,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// A year's 台账: one row per drawn enterprise (task, batch, team, inspection date,
    /// result, handling, follow-up, publication date, 按时/逾期), as .csv or .xlsx.
    Ledger {
        /// The plan year.
        #[arg(long)]
        year: i32,
        /// Only tasks this department (its id) initiated.
        #[arg(long)]
        department: Option<String>,
        /// The file to write (.csv or .xlsx).
        file: PathBuf,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// Load the demo data into an empty database, then add N synthetic enterprises (a
    /// million take a few minutes) to try the registry at scale.
    Demo {
        /// How many synthetic enterprises to add.
        #[arg(long, default_value_t = 0)]
        enterprises: u64,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// Copy the database, while servers keep running, into a new SQLite file FILE
    /// (`VACUUM INTO`: one consistent moment, compacted), then check the copy: it opens, its
    /// audit chain is whole and ends where the original's did at that moment. The copy is
    /// written as FILE.partial and renamed to FILE once checked, so a killed backup leaves no
    /// FILE. Refuses an existing FILE. Exit 0 on a good copy, 1 when the copy fails its
    /// check, 2 on errors.
    Backup {
        /// The new file (e.g. backups/shuangsui-2026-11-28.db).
        file: PathBuf,
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
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
        /// Database URL (fill it first with `shuangsui demo --enterprises 1000000`; default:
        /// as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
        /// Timed runs per query.
        #[arg(long, default_value_t = 21)]
        runs: u32,
        /// Rows of the import bench (0 skips it).
        #[arg(long, default_value_t = 100_000)]
        import_rows: u64,
    },
    /// A province-size task end to end: freeze a task whose scope is the whole registry,
    /// draw it, load its public pages; prints each phase's median. CHANGES the database
    /// (`make bench-task` gives it a copy of one filled by `shuangsui demo --enterprises N`).
    BenchTask {
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
        /// Timed runs (each freezes and draws once).
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Staff under load: simulated staff signed in at once entering, reviewing and publishing
    /// results, declaring conflicts and reading the registry for a while, with a registry
    /// import in the middle; then counts the database against what they were told. Prints a
    /// table; exit 1 on a lost or duplicated write or a failure a user saw. CHANGES the
    /// database (`make bench-staff` gives it a copy).
    BenchStaff {
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
        /// Staff signed in at once.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// How long they work, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the hash chain from the first entry. Exit 0 when it is whole; exit 1 naming the
    /// first broken entry; exit 2 when the database cannot be opened.
    Verify {
        /// Database URL (default: as `serve`'s, from the configuration).
        #[arg(long)]
        db: Option<String>,
    },
}

/// Runs the chosen subcommand and returns the process exit code: 2 when the
/// configuration holds a wrong value (named on stderr).
pub async fn run(cli: Cli) -> ExitCode {
    let command = cli.command.unwrap_or_else(|| Command::Serve(ServeFlags::default()));
    // What needs no configuration runs without reading it.
    match &command {
        Command::Draw { input, bench } => return commands::draw::draw(input, *bench),
        Command::Verify { file } => return commands::draw::verify(file),
        _ => {}
    }
    let mut flags = match &command {
        Command::Serve(f) | Command::Config(f) => f.flags(),
        other => {
            let mut f = Flags::default();
            f.set("database_url", "--db", other.db());
            f
        }
    };
    flags.set("log_format", "--log-format", cli.log_format.as_ref());
    let layers = match Layers::load(cli.config.as_deref(), &flags) {
        Ok(l) => l,
        Err(e) => return refuse(&e),
    };
    let config = layers.config();
    if let Command::Config(_) = command {
        print!("{}", describe(&layers));
        return match config {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => refuse(&e),
        };
    }
    let config = match config {
        Ok(c) => c,
        Err(e) => return refuse(&e),
    };
    crate::telemetry::init(config.log_format);
    for warning in &layers.warnings {
        tracing::warn!("{warning}");
    }
    let db = config.db.clone();
    match command {
        Command::Serve(_) => crate::serve::run(config).await,
        Command::Config(_) | Command::Draw { .. } | Command::Verify { .. } => unreachable!("handled above"),
        Command::Audit { command: AuditCommand::Verify { .. } } => {
            commands::database::audit_verify(&db).await
        }
        Command::Import { kind, file, apply, .. } if kind == "complaints" => {
            commands::results::import_complaints(&file, apply, &db).await
        }
        Command::Import { kind, file, apply, as_user, template, .. } if kind == "results" => {
            commands::results::import(&file, as_user.as_deref(), template.as_deref(), apply, &db).await
        }
        Command::Import { kind, file, apply, .. } => {
            commands::registry::import(&kind, &file, apply, &db).await
        }
        Command::Export { kind, file, year, task, template, .. }
            if kind == "results" || kind == "penalties" =>
        {
            commands::results::export(kind == "penalties", &file, year, task, template.as_deref(), &db).await
        }
        Command::Export { kind, file, .. } => commands::registry::export(&kind, &file, &db).await,
        Command::Stats { year, department, json, file, .. } => {
            commands::stats::stats(year, department, json, file.as_deref(), &db).await
        }
        Command::Ledger { year, department, file, .. } => {
            commands::stats::ledger(year, department, &file, &db).await
        }
        Command::Backup { file, .. } => commands::database::backup(&db, &file).await,
        Command::CopyDb { from, to } => commands::database::copy_db(&from, &to).await,
        Command::Demo { enterprises, .. } => commands::registry::demo(enterprises, &db).await,
        Command::BenchRegistry { runs, import_rows, .. } => {
            commands::bench::run(&db, runs, import_rows).await
        }
        Command::BenchTask { runs, .. } => commands::bench_task::run(config, runs).await,
        Command::BenchStaff { clients, seconds, .. } => {
            commands::bench_staff::run(config, clients, seconds).await
        }
    }
}

impl Command {
    /// The `--db` a subcommand other than `serve` was given.
    fn db(&self) -> Option<&String> {
        match self {
            Command::Audit { command: AuditCommand::Verify { db } }
            | Command::Import { db, .. }
            | Command::Export { db, .. }
            | Command::Stats { db, .. }
            | Command::Ledger { db, .. }
            | Command::Backup { db, .. }
            | Command::Demo { db, .. }
            | Command::BenchRegistry { db, .. }
            | Command::BenchTask { db, .. }
            | Command::BenchStaff { db, .. } => db.as_ref(),
            _ => None,
        }
    }
}

/// `shuangsui config`'s output: a header naming the layers, then the keys.
fn describe(layers: &Layers) -> String {
    let file = match &layers.file {
        Some(p) => p.display().to_string(),
        None => format!("no file ({} not found)", crate::config::DEFAULT_FILE),
    };
    format!(
        "# shuangsui {VERSION}: the configuration `shuangsui serve` runs with.\n\
         # Each value: built-in default, then {file}, then SHUANGSUI_* variables, then options.\n{}",
        layers.describe()
    )
}

/// Says why the configuration is refused; exit code 2.
fn refuse(e: &crate::config::ConfigError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

//! Command-line interface: the subcommands and their options, dispatched to `serve` and
//! to `commands` — `serve` (default), `draw`, `verify`, `audit verify`, `backup`,
//! `copy-db`, and the registries' `import`, `export`, `demo` and `bench-registry`.

use crate::commands;
use crate::config::ServeArgs;
use clap::{Parser, Subcommand};
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

/// Runs the chosen subcommand and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => crate::serve::run(ServeArgs::defaults()).await,
        Some(Command::Serve(args)) => crate::serve::run(args).await,
        Some(Command::Draw { input, bench }) => commands::draw::draw(&input, bench),
        Some(Command::Verify { file }) => commands::draw::verify(&file),
        Some(Command::Audit { command: AuditCommand::Verify { db } }) => {
            commands::database::audit_verify(&db).await
        }
        Some(Command::Import { kind, file, apply, db }) => {
            commands::registry::import(&kind, &file, apply, &db).await
        }
        Some(Command::Export { kind, file, db }) => commands::registry::export(&kind, &file, &db).await,
        Some(Command::Backup { file, db }) => commands::database::backup(&db, &file).await,
        Some(Command::CopyDb { from, to }) => commands::database::copy_db(&from, &to).await,
        Some(Command::Demo { enterprises, db }) => commands::registry::demo(enterprises, &db).await,
        Some(Command::BenchRegistry { db, runs, import_rows }) => {
            commands::bench::run(&db, runs, import_rows).await
        }
    }
}

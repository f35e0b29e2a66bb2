//! `shuangsui audit verify`, `backup` and `copy-db`: the database as a whole, and opening
//! it for every command that needs one.

use std::process::ExitCode;

/// Opens (creating and migrating) the database at `url`; on failure says so and gives the
/// exit code 2.
pub async fn open_db(url: &str) -> Result<sqlx::AnyPool, ExitCode> {
    app::ssr::db::connect(url).await.map_err(|e| {
        eprintln!("error: cannot open database {url}: {e}");
        ExitCode::from(2)
    })
}

pub async fn audit_verify(url: &str) -> ExitCode {
    use app::ssr::db::audit::{verify_chain, ChainReport};
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

pub async fn copy_db(from: &str, to: &str) -> ExitCode {
    use app::ssr::db::audit::{verify_chain, ChainReport};
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

pub async fn backup(url: &str, file: &std::path::Path) -> ExitCode {
    use app::ssr::db::audit::{verify_chain, ChainReport};
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
    // Written under a name of its own and put in place only once checked: a backup killed
    // half way (found by tests/api/crash.rs) left a partial FILE that looked like a backup
    // and made the same command refuse to run again. A partial file of a killed run goes.
    let partial = std::path::PathBuf::from(format!("{}.partial", file.display()));
    remove_sqlite_file(&partial);
    let failed = |code: u8| {
        remove_sqlite_file(&partial);
        ExitCode::from(code)
    };
    // VACUUM INTO reads one consistent moment of the database, however busy it is.
    if let Err(e) = app::ssr::db::backup::vacuum_into(&db, &partial).await {
        eprintln!("error: copying {url} to {}: {e}", partial.display());
        return failed(2);
    }
    app::ssr::db::crash::point("backup:after-copy");
    let copy = match app::ssr::db::connect(&format!("sqlite://{}", partial.display())).await {
        Ok(copy) => copy,
        Err(e) => {
            eprintln!("error: the copy {} does not open: {e}", partial.display());
            return failed(1);
        }
    };
    let checked = verify_chain(&copy).await;
    // Closing the last connection folds the copy's write-ahead log into it.
    copy.close().await;
    let (entries, head) = match checked {
        Ok(ChainReport::Whole { entries, head }) => (entries, head),
        Ok(ChainReport::Broken { seq, reason }) => {
            println!("backup {}: its audit chain is broken at entry {seq}: {reason}", file.display());
            return failed(1);
        }
        Err(e) => {
            eprintln!("error: reading the copy's audit log: {e}");
            return failed(1);
        }
    };
    // The copy's last entry is the database's entry of that number (later ones may follow).
    let original: Option<String> = match app::ssr::db::audit::hash_of(&db, entries).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: reading the audit log of {url}: {e}");
            return failed(2);
        }
    };
    if entries > 0 && original.as_deref() != Some(head.as_str()) {
        println!("backup {}: its audit head {head} is not the database's entry {entries}", file.display());
        return failed(1);
    }
    app::ssr::db::crash::point("backup:after-check");
    let placed = std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&partial, file));
    if let Err(e) = placed {
        eprintln!("error: moving {} to {}: {e}", partial.display(), file.display());
        return failed(2);
    }
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("backup {}: {bytes} bytes, audit chain whole, {entries} entries, head {head}", file.display());
    ExitCode::SUCCESS
}

/// Removes a SQLite file and its write-ahead log and index, if there.
fn remove_sqlite_file(path: &std::path::Path) {
    for tail in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{tail}", path.display()));
    }
}

//! Named crash points for the crash-consistency harness (`tests/api/crash.rs`, `make
//! crash`): a debug build started with `SHUANGSUI_CRASH_AT=<name>` aborts the process, as
//! `kill -9` would, when it reaches the point of that name — a moment inside a transaction
//! that a kill at a random time rarely hits. The variable is read once; a release build
//! compiles every point to nothing.

/// Aborts the process here if `SHUANGSUI_CRASH_AT` names this point (debug builds only).
#[cfg(debug_assertions)]
pub fn point(name: &str) {
    static AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let at = AT.get_or_init(|| std::env::var("SHUANGSUI_CRASH_AT").ok().filter(|v| !v.is_empty()));
    if at.as_deref() == Some(name) {
        eprintln!("crash point {name}: aborting");
        std::process::abort();
    }
}

/// Nothing: crash points exist in debug builds only.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str) {}

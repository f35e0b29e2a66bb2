//! Embeds the built site (WASM, JS, CSS, the verifier, their .br/.gz twins, the public
//! files) into the `shuangsui` binary, and records the git commit it was built from, so
//! the one file runs anywhere without `target/site` beside it.
//!
//! The site is what `scripts/build-site.sh` wrote: `$SHUANGSUI_SITE_DIR`, else
//! `$CARGO_TARGET_DIR/site`, else `target/site` in the workspace. When it is missing the
//! binary carries no site (the server then says so at start) and cargo says so here; the
//! build script runs again once it appears or changes. `scripts/build.sh` builds this
//! package beside the site and then once more after it; it sets `SHUANGSUI_SITE_PENDING` for
//! the first build, which only keeps that warning quiet.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let workspace = manifest.parent().expect("server/ sits in the workspace").to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    embed_site(&workspace, &out);
    record_commit(&workspace);
}

fn embed_site(workspace: &Path, out: &Path) {
    println!("cargo:rerun-if-env-changed=SHUANGSUI_SITE_DIR");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    let site = match (std::env::var_os("SHUANGSUI_SITE_DIR"), std::env::var_os("CARGO_TARGET_DIR")) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(target)) => workspace.join(target).join("site"),
        (None, None) => workspace.join("target/site"),
    };
    // A directory is watched as a whole: any file in it that changes, appears or goes
    // runs this again (and a missing one on every build, until it is built).
    println!("cargo:rerun-if-changed={}", site.display());
    let mut files = Vec::new();
    collect(&site, &site, &mut files);
    files.sort();
    let pending = std::env::var_os("SHUANGSUI_SITE_PENDING").is_some();
    if !pending && !files.iter().any(|(name, _)| name == "pkg/shuangsui_bg.wasm") {
        println!(
            "cargo:warning=no site bundle in {} (run scripts/build-site.sh first): this shuangsui \
             serves pages without hydration or the verifier unless started with --site-root",
            site.display()
        );
    }
    let mut code = String::from(
        "/// The built site, by path under the site root.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        writeln!(code, "    ({name:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("site.rs"), code).expect("OUT_DIR is writable");
}

/// Every file under `dir`, as (path under `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let name =
                rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let abs = std::fs::canonicalize(&path).unwrap_or(path);
            files.push((name, abs));
        }
    }
}

/// `SHUANGSUI_COMMIT` (the short hash) and `SHUANGSUI_BUILD` (`commit <hash>, <date>`) for
/// `--version` and the metrics: from `$SHUANGSUI_COMMIT` when a packager sets it, else from
/// git, else `unknown`.
fn record_commit(workspace: &Path) {
    println!("cargo:rerun-if-env-changed=SHUANGSUI_COMMIT");
    let given = std::env::var("SHUANGSUI_COMMIT").ok().filter(|c| !c.is_empty());
    let (commit, date) = given.map(|c| (c, None)).unwrap_or_else(|| {
        let git = |args: &[&str]| -> Option<String> {
            let out = Command::new("git").args(args).current_dir(workspace).output().ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        };
        // Built again when HEAD moves: a commit, a checkout, a new branch tip.
        for watched in [
            git(&["rev-parse", "--git-path", "HEAD"]),
            head_ref(&git),
            git(&["rev-parse", "--git-path", "packed-refs"]),
        ]
        .into_iter()
        .flatten()
        {
            let path = workspace.join(watched);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        match (git(&["rev-parse", "--short=12", "HEAD"]), git(&["log", "-1", "--format=%cs"])) {
            (Some(hash), date) if !hash.is_empty() => (hash, date),
            _ => ("unknown".to_string(), None),
        }
    });
    println!("cargo:rustc-env=SHUANGSUI_COMMIT={commit}");
    let build = match date {
        Some(date) => format!("commit {commit}, {date}"),
        None => format!("commit {commit}"),
    };
    println!("cargo:rustc-env=SHUANGSUI_BUILD={build}");
}

/// The file of the branch HEAD points at (`refs/heads/main`), if any.
fn head_ref(git: &dyn Fn(&[&str]) -> Option<String>) -> Option<String> {
    let name = git(&["symbolic-ref", "-q", "HEAD"])?;
    git(&["rev-parse", "--git-path", &name])
}

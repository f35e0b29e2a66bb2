//! The independent Python verifier (`docs/dr1_verify.py`) on every kind of manifest the
//! app produces — a ceremony's, a batch's, a multi-stratum draw's before and after a
//! recusal — and each stratum's salted digest recomputed in Python
//! (`tests/python/stratum_digests.py`) against the public summary. Each tampered copy is
//! refused. Skipped, saying so, only when there is no `python3`.

use crate::helpers::{repo, spawn_app, swap_first_inspector, today, TestApp};
use app::domain::audit::Actor;
use app::ssr::db::draws::{freeze_batch, run_draw};
use std::path::{Path, PathBuf};

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

/// Runs `python3 script args…`; (exit code, stdout, stderr).
fn python(script: &str, args: &[&Path]) -> (i32, String, String) {
    let out = std::process::Command::new("python3")
        .arg(repo().join(script))
        .args(args)
        .output()
        .expect("python3 runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn has_python() -> bool {
    std::process::Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// One draw as written for the verifiers: its manifest, salts and public summary.
struct Written {
    manifest: PathBuf,
    salts: PathBuf,
    summary: PathBuf,
}

/// Writes draw `draw_id`'s manifest (as the observer downloads it), its stratum salts
/// (as the observer is given them) and its public summary (as anyone downloads it) under
/// `dir` as `name.*.json`.
async fn write_draw(app: &TestApp, observer: &str, dir: &Path, name: &str, draw_id: i64) -> Written {
    let id = draw_id.to_string();
    let manifest: String =
        app.post_form(Some(observer), "manifest", &[("draw_id", &id)]).await.json().await.unwrap();
    let salts: serde_json::Value =
        app.post_form(Some(observer), "stratum_salts", &[("draw_id", &id)]).await.json().await.unwrap();
    let url = format!("{}/public/data/draws/{draw_id}/draw.json", app.base);
    let resp = app.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    let summary = resp.text().await.unwrap();
    let w = Written {
        manifest: dir.join(format!("{name}.manifest.json")),
        salts: dir.join(format!("{name}.salts.json")),
        summary: dir.join(format!("{name}.summary.json")),
    };
    std::fs::write(&w.manifest, &manifest).unwrap();
    std::fs::write(&w.salts, salts.to_string()).unwrap();
    std::fs::write(&w.summary, &summary).unwrap();
    w
}

/// Both verifiers say valid; a manifest with a changed team, a summary with a changed
/// stratum digest and a manifest with an enterprise moved to another stratum are each
/// refused. Returns the number of strata.
fn check(name: &str, w: &Written) -> usize {
    let (code, out, err) = python("docs/dr1_verify.py", &[&w.manifest]);
    assert_eq!((code, out.as_str()), (0, "valid"), "{name}: dr1_verify.py: {err}");
    let (code, out, err) = python("tests/python/stratum_digests.py", &[&w.manifest, &w.salts, &w.summary]);
    assert_eq!((code, out.as_str()), (0, "valid"), "{name}: stratum_digests.py: {err}");

    let text = std::fs::read_to_string(&w.manifest).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tampered = w.manifest.with_extension("tampered.json");
    let mut t = m.clone();
    swap_first_inspector(&mut t);
    std::fs::write(&tampered, t.to_string()).unwrap();
    let (code, out, _) = python("docs/dr1_verify.py", &[&tampered]);
    assert_eq!(code, 1, "{name}: a changed team is refused: {out}");
    assert!(out.starts_with("invalid: selected[0].inspectors"), "{name}: {out}");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&w.summary).unwrap()).unwrap();
    let mut s = summary.clone();
    let digest = s["strata"][0]["digest"].as_str().unwrap().to_string();
    s["strata"][0]["digest"] = format!("{}{}", &digest[1..], &digest[..1]).into();
    let tampered_summary = w.summary.with_extension("tampered.json");
    std::fs::write(&tampered_summary, s.to_string()).unwrap();
    let (code, out, _) =
        python("tests/python/stratum_digests.py", &[&w.manifest, &w.salts, &tampered_summary]);
    assert_eq!(code, 1, "{name}: a changed stratum digest is refused: {out}");
    assert!(out.contains("digest"), "{name}: {out}");

    let strata: std::collections::BTreeSet<&str> =
        m["pool"].as_array().unwrap().iter().map(|e| e["stratum"].as_str().unwrap()).collect();
    if strata.len() > 1 {
        // An enterprise in another stratum than the one it was frozen in: its old and new
        // strata's digests no longer match.
        let mut t = m.clone();
        let first = t["pool"][0]["stratum"].as_str().unwrap().to_string();
        let other = strata.iter().find(|s| **s != first).unwrap().to_string();
        t["pool"][0]["stratum"] = other.into();
        std::fs::write(&tampered, t.to_string()).unwrap();
        let (code, out, _) = python("tests/python/stratum_digests.py", &[&tampered, &w.salts, &w.summary]);
        assert_eq!(code, 1, "{name}: a moved enterprise is refused: {out}");
        assert!(out.contains(&format!("stratum {first}")), "{name}: {out}");
    }
    strata.len()
}

#[tokio::test]
async fn the_python_verifier_accepts_every_kind_of_manifest_and_refuses_tampered_copies() {
    if !has_python() {
        println!("skipped: python3 is not installed, so the independent verifier cannot run");
        return;
    }
    let app = spawn_app().await;
    let observer = app.sign_in("jijian").await;
    let dir = app.dir.join("manifests");
    std::fs::create_dir_all(&dir).unwrap();

    // The demo's draw of task 1: four strata (risk classes).
    let demo = write_draw(&app, &observer, &dir, "demo", 1).await;
    assert_eq!(check("demo", &demo), 4, "the demo draw is stratified");

    // The same draw after a recusal declared afterwards and approved.
    let (inspector, head) = (app.sign_in("zhifa").await, app.sign_in("chuzhang").await);
    let me: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let code: String = sqlx::query_scalar(
        "SELECT s.code FROM draw_selections s JOIN draw_team_members m ON m.draw_id = s.draw_id \
         AND m.position = s.position WHERE s.draw_id = 1 AND m.inspector_id = $1 ORDER BY s.position LIMIT 1",
    )
    .bind(me)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let form = [
        ("task_id", "1"),
        ("code", code.as_str()),
        ("inspector_id", &me.to_string()),
        ("reason", "近亲属"),
        ("note", ""),
    ];
    let resp = app.post_form(Some(&inspector), "declare_recusal", &form).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let id: i64 = sqlx::query_scalar("SELECT id FROM post_recusals").fetch_one(&app.db).await.unwrap();
    let resp = app.post_form(Some(&head), "approve_recusal", &[("recusal_id", &id.to_string())]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let recused = write_draw(&app, &observer, &dir, "post-recusal", 1).await;
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recused.manifest).unwrap()).unwrap();
    assert_eq!(m["post_recusals"].as_array().unwrap().len(), 1, "the manifest carries the recusal");
    check("post-recusal", &recused);

    // Task 3 in two batches: the first drawn at the ceremony, the second directly.
    let month: i64 = today()[5..7].parse().unwrap();
    for k in 1..=2 {
        sqlx::query(
            "INSERT INTO task_batches (task_id, batch_no, start_month, end_month) VALUES (3, $1, $2, $2)",
        )
        .bind(k)
        .bind(month)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let clerk = app.sign_in("jingban.sctx").await;
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let batch1: i64 = sqlx::query_scalar("SELECT id FROM tasks WHERE parent_task_id = 3 AND batch_no = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let task = batch1.to_string();
    for (to, entropy) in [(1, ""), (2, ""), (3, "５ ３ ２ ６ １ ４ ４ ２")] {
        let form =
            [("task_id", task.as_str()), ("to", &to.to_string()), ("place", "会议室"), ("entropy", entropy)];
        let resp = app.post_form(Some(&clerk), "ceremony_step", &form).await;
        assert_eq!(resp.status(), 200, "step {to}: {}", resp.text().await.unwrap());
    }
    let draw1: i64 = sqlx::query_scalar("SELECT id FROM draws WHERE task_id = $1")
        .bind(batch1)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let ceremony = write_draw(&app, &observer, &dir, "ceremony-batch-1", draw1).await;
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ceremony.manifest).unwrap()).unwrap();
    assert_eq!(
        (m["task_id"].as_str(), m["public_entropy"].as_str()),
        (Some("2023003-003-1"), Some("5 3 2 6 1 4 4 2"))
    );
    check("ceremony-batch-1", &ceremony);
    let (batch2, _) = freeze_batch(&app.db, 3, &today(), STAFF).await.unwrap();
    let draw2 = run_draw(&app.db, batch2, "6 6 1 2 3 5", &today(), STAFF).await.unwrap();
    let second = write_draw(&app, &observer, &dir, "batch-2", draw2).await;
    check("batch-2", &second);

    // Every manifest written is also what `shuangsui verify` accepts.
    for w in [&demo, &recused, &ceremony, &second] {
        let (code, out, err) = crate::helpers::run(&["verify", w.manifest.to_str().unwrap()]);
        assert_eq!((code, out.trim()), (0, "valid"), "{}: {err}", w.manifest.display());
    }
}

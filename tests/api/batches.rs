//! 分几个时间段 (issue 17, part 1): a task drawn in three batches gives three commitments
//! and three draws, each an ordinary DR1 draw (`shuangsui verify` says valid); batch k's
//! pool leaves out what earlier batches selected; over all batches each stratum gets at
//! least its single-draw quota.

use crate::helpers::{run, spawn_app, today};
use app::domain::audit::Actor;
use app::ssr::db::draws::{freeze, freeze_batch, run_draw};
use std::collections::BTreeMap;

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

#[tokio::test]
async fn a_task_in_three_batches_draws_three_times_without_drawing_anyone_twice() {
    let app = spawn_app().await;
    // Task 3, split into three batches, each in this month (inside its window).
    let month: i64 = today()[5..7].parse().unwrap();
    for k in 1..=3 {
        sqlx::query(
            "INSERT INTO task_batches (task_id, batch_no, start_month, end_month) VALUES (3, $1, $2, $2)",
        )
        .bind(k)
        .bind(month)
        .execute(&app.db)
        .await
        .unwrap();
    }
    // Not frozen whole; not the second batch before the first is drawn.
    let whole = freeze(&app.db, 3, &today(), STAFF).await.unwrap_err();
    assert!(whole.to_string().contains("分 3 批"), "{whole}");
    let mut drawn: Vec<(i64, String)> = Vec::new();
    let mut selected_before: Vec<String> = Vec::new();
    let mut first_pool: BTreeMap<String, u64> = BTreeMap::new();
    for k in 1..=3i64 {
        let (batch, frozen) = freeze_batch(&app.db, 3, &today(), STAFF).await.unwrap();
        if k < 3 {
            let early = freeze_batch(&app.db, 3, &today(), STAFF).await.unwrap_err();
            assert!(early.to_string().contains("待抽取后"), "{early}");
        }
        let (task_no, name): (String, String) =
            sqlx::query_as("SELECT task_no, task_name FROM tasks WHERE id = $1")
                .bind(batch)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert!(
            task_no.ends_with(&format!("/{k}")) && name.ends_with(&format!("（第 {k} 批，共 3 批）")),
            "{task_no} {name}"
        );
        // The pool has none of the earlier batches' selections, and its digest is theirs.
        let pool: Vec<(String, String)> =
            sqlx::query_as("SELECT code, stratum FROM draw_pool WHERE draw_id = $1 ORDER BY code")
                .bind(frozen.draw_id)
                .fetch_all(&app.db)
                .await
                .unwrap();
        assert!(pool.iter().all(|(c, _)| !selected_before.contains(c)), "batch {k} draws no one twice");
        if k == 1 {
            for (_, s) in &pool {
                *first_pool.entry(s.clone()).or_default() += 1;
            }
        } else {
            let excluded: i64 = sqlx::query_scalar("SELECT count(*) FROM draw_exclusions WHERE draw_id = $1")
                .bind(frozen.draw_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
            assert_eq!(
                excluded as usize,
                selected_before.len(),
                "the earlier selections, named in the record"
            );
        }
        let entries: Vec<app::domain::draw::PoolEntry> =
            pool.into_iter().map(|(code, stratum)| app::domain::draw::PoolEntry { code, stratum }).collect();
        assert_eq!(app::domain::draw::pool_digest(&entries), frozen.pool_digest);
        let draw_id =
            run_draw(&app.db, batch, &format!("6 6 1 2 3 5 4 4 2 {k}"), &today(), STAFF).await.unwrap();
        let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
        let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        assert_eq!(m["task_id"], format!("2023003-003-{k}"));
        // `shuangsui verify` checks each batch as it is.
        let file = app.dir.join(&format!("batch-{k}.json"));
        std::fs::write(&file, &manifest).unwrap();
        let (code, stdout, stderr) = run(&["verify", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.contains("valid"), "{stdout}");
        for s in m["selected"].as_array().unwrap() {
            selected_before.push(s["code"].as_str().unwrap().to_string());
        }
        drawn.push((draw_id, frozen.commitment));
    }
    assert_eq!(drawn.len(), 3);
    let commitments: std::collections::BTreeSet<&String> = drawn.iter().map(|d| &d.1).collect();
    assert_eq!(commitments.len(), 3, "three commitments");
    assert_eq!(
        freeze_batch(&app.db, 3, &today(), STAFF).await.unwrap_err().to_string(),
        "本任务 3 批均已抽取"
    );
    // 不低于: the three batches together draw at least one draw of the first pool would.
    let t3 = app::ssr::db::tasks::draft(&app.db, 3).await.unwrap().unwrap();
    let mut total = 0u64;
    for (stratum, n) in &first_pool {
        let bp = t3.risk_ratios_bp.get(stratum).copied().unwrap_or(t3.ratio_bp).bp();
        total += app::domain::draw::quota(*n, u64::from(bp));
    }
    assert!(selected_before.len() as u64 >= total, "{} drawn, {} owed", selected_before.len(), total);
    // Each batch's public draw page is there, named by its batch.
    let batch2: i64 = sqlx::query_scalar("SELECT id FROM tasks WHERE parent_task_id = 3 AND batch_no = 2")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let page = app.client.get(format!("{}/public/tasks/{batch2}/draw", app.base)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("第 2 批，共 3 批") && page.contains("2023003-003-2"), "{page}");
    assert!(page.contains("冻结时排除"), "the earlier selections are left out, and it says so");
    assert!(
        page.contains(&format!("/public/tasks/{}/draw", batch2 - 1)) || page.contains("第 1 批抽取公告"),
        "links batch 1"
    );
    // The live page and the printed record name the batch too.
    let live =
        app.client.get(format!("{}/live/{batch2}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(live.contains("第 2 批，共 3 批"), "{live}");
    let clerk = app.sign_in("jingban").await;
    let record = app
        .client
        .get(format!("{}/tasks/{batch2}/record", app.base))
        .header("cookie", &clerk)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(record.contains("第 2 批，共 3 批"), "{record}");
}

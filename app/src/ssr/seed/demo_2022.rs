//! A finished year for the demo: a 2022 plan with one task taken all the way from filing
//! to published results, so the public portal has draws and results to show. Dated as
//! it would have happened in 2022; clearly marked as demo data like the rest.

use crate::domain::audit::Actor;
use crate::domain::auth::Role;
use crate::domain::follow_up::FollowUpFields;
use crate::domain::workflow::TaskStatus;
use crate::ssr::db::seed::{self, insert_event, PastResult, SeedTask};
use sqlx::{AnyConnection, AnyPool};

/// The demo's 2022 task.
pub const TASK_NAME: &str = "2022 年商务局成品油销售企业内部联合随机抽查（演示）";
const DRAW_DATE: &str = "2022-03-08";
const ENTROPY: &str = "6 2 5 1 3 3 4 6 1 2 5 5 3 6 2 4 1 1 6 4";

/// Inserts the 2022 plan and its task (filed), put into the plan by the principal leader; returns the task id.
pub async fn seed_plan(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let plan_id = seed::insert_plan(conn, 2022, "邯郸市商务局 2022 年度随机抽查工作计划（演示）", "").await?;
    let task = SeedTask {
        plan_id,
        plan_no: "2022001",
        plan_name: "2022 年邯郸市商务局第一次内部联合随机抽查 001",
        task_no: "001 号",
        task_name: TASK_NAME,
        scope_text: "2022 年 1 月 31 前登记备案的市场主体",
        category: "成品油零售企业",
        filed_before: "2022-01-31",
        initiating: "swj-zfzd",
        joint: &["swj-zfzd"],
        source: "plan",
        window: (2022, 3, 4),
        status: "planned",
        position: 0,
        items: &[1, 2],
    };
    let task_id = seed::insert_task(conn, &task).await?;
    let steps = [
        (TaskStatus::Draft, TaskStatus::Submitted, "jingban", Role::Clerk, "", "2022-02-21T01:30:00Z"),
        (
            TaskStatus::Submitted,
            TaskStatus::Planned,
            "zhuyao",
            Role::PrincipalLeader,
            "同意",
            "2022-02-23T02:00:00Z",
        ),
    ];
    for (from, to, actor, role, comment, at) in steps {
        insert_event(conn, task_id, (from, to), (actor, role), comment, at).await?;
    }
    Ok(task_id)
}

/// What each demo inspection found: (categories, problems, handling, referral department).
const FINDINGS: [(&[&str], &str, &[&str], &str); 4] = [
    (&["未发现问题"], "", &[], ""),
    (&["发现问题已责令改正"], "成品油购销台账登记不全。", &["责令改正"], ""),
    (&["未发现问题"], "", &[], ""),
    (&["发现问题待后续处理"], "未按规定公示年度报告信息。", &["移送"], "市场监督管理局"),
];

/// Freezes and draws the 2022 task (a real DR1 draw), then records its inspections,
/// review and publication with 2022 dates.
pub async fn draw_and_publish(db: &AnyPool, task_id: i64) -> Result<(), sqlx::Error> {
    let clerk = Actor { name: "jingban", role: Role::Clerk.code() };
    let frozen = crate::ssr::db::draws::freeze(db, task_id, DRAW_DATE, clerk).await.map_err(seed::failed)?;
    crate::ssr::db::draws::run_draw(db, task_id, ENTROPY, DRAW_DATE, clerk).await.map_err(seed::failed)?;
    let draw_id = frozen.draw_id;

    let mut tx = crate::ssr::db::begin_write(db).await?;
    seed::backdate_draw(
        &mut tx,
        draw_id,
        task_id,
        "2022-03-04T02:00:00Z",
        "2022-03-08T02:30:00Z",
        "市商务局三楼会议室",
    )
    .await?;
    for (position, enterprise_id, team) in seed::selections_with_teams(&mut tx, draw_id).await? {
        let (categories, problems, handling, referral) = FINDINGS[position as usize % FINDINGS.len()];
        let day = 10 + position % 18;
        let (inspected_on, entered_at) = (format!("2022-04-{day:02}"), format!("2022-04-{day:02}T08:00:00Z"));
        // Each result is reviewed and published on its own, three days after its inspection.
        let published_at = format!("2022-04-{:02}T02:00:00Z", day + 3);
        seed::insert_past_result(
            &mut tx,
            &PastResult {
                draw_id,
                enterprise_id,
                inspected_on: &inspected_on,
                attended: &serde_json::to_string(&team).map_err(seed::failed)?,
                categories: &serde_json::to_string(categories).map_err(seed::failed)?,
                handling: &serde_json::to_string(handling).map_err(seed::failed)?,
                problems,
                referral_department: referral,
                entered_at: &entered_at,
                reviewed_at: &published_at,
                published_at: &published_at,
            },
        )
        .await?;
        // Each handling followed to its end: the order to correct re-checked, the referral
        // received and acted on.
        for kind in handling.iter() {
            let fields = match *kind {
                "责令改正" => FollowUpFields {
                    deadline: "2022-05-10".into(),
                    recheck_on: "2022-05-11".into(),
                    outcome: "已改正，购销台账补登完整".into(),
                    ..Default::default()
                },
                _ => FollowUpFields {
                    referred_to: referral.to_string(),
                    referred_on: published_at[..10].to_string(),
                    receipt: "接收回执（演示）".into(),
                    outcome: "接收部门已立案办理".into(),
                    ..Default::default()
                },
            };
            let finished_on = if *kind == "责令改正" { "2022-05-11" } else { "2022-05-20" };
            seed::insert_past_follow_up(
                &mut tx,
                draw_id,
                enterprise_id,
                kind,
                &fields,
                finished_on,
                &published_at,
            )
            .await?;
        }
    }
    let steps = [
        (TaskStatus::Drawn, TaskStatus::ListSubmitted, "jingban", Role::Clerk, "", "2022-03-08T06:00:00Z"),
        (
            TaskStatus::ListSubmitted,
            TaskStatus::ListConsented,
            "zhuyao",
            Role::PrincipalLeader,
            "同意",
            "2022-03-09T01:00:00Z",
        ),
        (
            TaskStatus::ListConsented,
            TaskStatus::ListFiled,
            "zhixu",
            Role::OrderOffice,
            "已备案",
            "2022-03-09T06:00:00Z",
        ),
        (TaskStatus::ListFiled, TaskStatus::Inspecting, "jingban", Role::Clerk, "", "2022-03-10T01:00:00Z"),
        (
            TaskStatus::Inspecting,
            TaskStatus::ResultsEntered,
            "jingban",
            Role::Clerk,
            "",
            "2022-04-29T08:00:00Z",
        ),
        (
            TaskStatus::ResultsEntered,
            TaskStatus::Reviewed,
            "chuzhang",
            Role::OfficeHead,
            "同意",
            "2022-05-09T02:00:00Z",
        ),
        (
            TaskStatus::Reviewed,
            TaskStatus::Published,
            "chuzhang",
            Role::OfficeHead,
            "",
            "2022-05-12T02:00:00Z",
        ),
    ];
    for (from, to, actor, role, comment, at) in steps {
        insert_event(&mut tx, task_id, (from, to), (actor, role), comment, at).await?;
    }
    seed::set_task_status(&mut tx, task_id, "drawn", "published").await?;
    crate::ssr::db::audit::append(
        &mut tx,
        crate::ssr::db::audit::Change {
            actor: "system",
            role: "system",
            action: "demo.history",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "status": "published", "dated": "2022" })),
        },
    )
    .await?;
    tx.commit().await
}

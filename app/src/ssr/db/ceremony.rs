//! The live draw ceremony: its state as the room and observers see it, and its steps.
//! The draw itself is `draws::run_draw` (one transaction); the step is stored beside it
//! so a screen reopened after a crash resumes where the room was.

use crate::domain::auth::{Role, SessionUser};
use crate::domain::ceremony::{
    entropy_status, to_ascii, CeremonyView, DrawnEnterprise, LiveState, LAST_STEP,
};
use crate::domain::draw::{self, Stage};
use crate::domain::ratio::Ratio;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashMap};

#[derive(sqlx::FromRow)]
struct Row {
    task_id: i64,
    task_no: String,
    task_name: String,
    status: String,
    department: String,
    #[sqlx(try_from = "i64")]
    ratio_bp: u32,
    draw_id: i64,
    pool_count: i64,
    pool_digest: String,
    commitment: String,
    frozen_at: String,
    frozen_input: String,
    place: String,
    #[sqlx(try_from = "i64")]
    ceremony_step: u8,
    entropy_draft: String,
    public_entropy: Option<String>,
    seed: Option<String>,
    manifest: Option<String>,
    drawn_at: Option<String>,
}

async fn row(db: &AnyPool, task_id: i64) -> Result<Option<Row>, AppError> {
    Ok(sqlx::query_as(
        "SELECT t.id AS task_id, t.task_no, t.task_name, t.status, t.initiating_department_id AS department, \
         t.ratio_bp, d.id AS draw_id, d.pool_count, d.pool_digest, d.commitment, d.frozen_at, d.frozen_input, \
         d.place, d.ceremony_step, d.entropy_draft, d.public_entropy, d.seed, d.manifest, d.drawn_at \
         FROM tasks t JOIN draws d ON d.task_id = t.id AND d.abandoned_at IS NULL WHERE t.id = $1",
    )
    .bind(task_id)
    .fetch_optional(db)
    .await?)
}

/// The ceremony's public state; `None` if the task's pool is not frozen.
pub async fn live_state(db: &AnyPool, task_id: i64) -> Result<Option<LiveState>, AppError> {
    let Some(r) = row(db, task_id).await? else { return Ok(None) };
    Ok(Some(state_of(db, r).await?))
}

async fn state_of(db: &AnyPool, r: Row) -> Result<LiveState, AppError> {
    // The number to draw and the ratio, from the frozen input (ratios per stratum) and the
    // frozen pool's strata; the strata themselves (risk classes) are not shown.
    let frozen: serde_json::Value = serde_json::from_str(&r.frozen_input).map_err(AppError::internal)?;
    let ratios: BTreeMap<String, u64> =
        serde_json::from_value(frozen["ratios_bp"].clone()).unwrap_or_default();
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT stratum, count(*) FROM draw_pool WHERE draw_id = $1 GROUP BY stratum")
            .bind(r.draw_id)
            .fetch_all(db)
            .await?;
    let to_draw: u64 =
        counts.iter().map(|(s, n)| draw::quota(*n as u64, ratios.get(s).copied().unwrap_or(0))).sum();
    let distinct: std::collections::BTreeSet<u64> = ratios.values().copied().collect();
    let ratio = if distinct.len() > 1 {
        "按信用风险分类差异化抽取".to_string()
    } else {
        Ratio::from_bp(r.ratio_bp).map(Ratio::label).unwrap_or_default()
    };

    let manifest: Option<LiveManifest> = match &r.manifest {
        Some(m) => Some(serde_json::from_str(m).map_err(AppError::internal)?),
        None => None,
    };
    let selected = match &manifest {
        Some(m) => drawn_enterprises(db, r.draw_id, m).await?,
        None => Vec::new(),
    };
    let entropy = r.public_entropy.clone().unwrap_or(r.entropy_draft.clone());
    Ok(LiveState {
        task_id: r.task_id,
        draw_id: r.draw_id,
        task_no: r.task_no,
        task_name: r.task_name,
        step: r.ceremony_step,
        pool_count: r.pool_count,
        ratio,
        to_draw: to_draw as i64,
        pool_digest: r.pool_digest,
        commitment: r.commitment,
        frozen_at: r.frozen_at,
        place: r.place,
        entropy,
        secret: manifest.as_ref().map(|m| m.secret.clone()),
        seed: r.seed,
        drawn_at: r.drawn_at,
        selected,
    })
}

/// What the live screen shows of a stored manifest: the revealed secret, the selection and
/// the recusals.
/// The pool (10⁶ entries in a province-size draw) is skipped unread, not built: the live
/// page of such a draw parsed 77 MB into a million strings on every load.
#[derive(serde::Deserialize)]
struct LiveManifest {
    secret: String,
    selected: Vec<draw::Selected>,
    recusals: Vec<draw::RecusalRecord>,
}

/// The selection with names: enterprises from the frozen pool, inspectors from the registry.
async fn drawn_enterprises(
    db: &AnyPool,
    draw_id: i64,
    m: &LiveManifest,
) -> Result<Vec<DrawnEnterprise>, AppError> {
    let names: HashMap<String, String> = sqlx::query_as::<_, (String, String)>(
        "SELECT s.code, e.name FROM draw_selections s JOIN enterprises e ON e.id = s.enterprise_id WHERE s.draw_id = $1",
    )
    .bind(draw_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .collect();
    let people: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT certificate_no, name FROM inspectors")
            .fetch_all(db)
            .await?
            .into_iter()
            .collect();
    let person = |id: &str| people.get(id).cloned().unwrap_or_else(|| id.to_string());
    let post: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.code, i.certificate_no, r.certificate_no FROM post_recusals p JOIN inspectors i ON i.id = p.inspector_id \
         JOIN inspectors r ON r.id = p.replacement_id WHERE p.draw_id = $1 AND p.position IS NOT NULL ORDER BY p.position",
    )
    .bind(draw_id)
    .fetch_all(db)
    .await?;
    Ok(m.selected
        .iter()
        .map(|s| DrawnEnterprise {
            code: s.code.clone(),
            name: names.get(&s.code).cloned().unwrap_or_default(),
            key: s.key.clone(),
            team: s.inspectors.iter().map(|i| person(i)).collect(),
            skipped: m
                .recusals
                .iter()
                .filter(|r| r.stage == Stage::Pre && r.entity == s.code)
                .map(|r| person(&r.inspector))
                .collect(),
            replaced: post
                .iter()
                .filter(|(code, _, _)| *code == s.code)
                .map(|(_, out, into)| (person(out), person(into)))
                .collect(),
        })
        .collect())
}

/// Everything the ceremony screen shows; `origin` is this site's address for the QR codes.
pub async fn view(
    db: &AnyPool,
    task_id: i64,
    user: &SessionUser,
    origin: &str,
) -> Result<CeremonyView, AppError> {
    let Some(r) = row(db, task_id).await? else {
        return Err(AppError::Conflict(
            "该任务尚未冻结检查对象名单：请先在任务页面冻结名单并公布承诺值".into(),
        ));
    };
    let can_run = user.role == Role::Clerk && user.serves(&r.department);
    let draw_id = r.draw_id;
    // Up to 200 names for the spinning animation: what the room sees spin is the pool.
    let pool_names: Vec<String> = sqlx::query_scalar(
        "SELECT e.name FROM draw_pool p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.draw_id = $1 \
         ORDER BY p.code LIMIT 200",
    )
    .bind(draw_id)
    .fetch_all(db)
    .await?;
    let status = TaskStatus::parse(&r.status);
    let (invited, present): (String, String) =
        sqlx::query_as("SELECT observers_invited, observers_present FROM draws WHERE id = $1")
            .bind(draw_id)
            .fetch_one(db)
            .await?;
    let departments = {
        let mut conn = db.acquire().await?;
        let mut ids = vec![r.department.clone()];
        ids.extend(super::tasks::joint_departments(&mut conn, task_id).await?);
        let mut names = Vec::new();
        for id in ids {
            let name: Option<String> = sqlx::query_scalar("SELECT short_name FROM departments WHERE id = $1")
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await?;
            let name = name.unwrap_or(id);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join("、")
    };
    let list_events = sqlx::query_as::<_, (String, String, String, String, String)>(
        "SELECT e.to_status, coalesce(u.display_name, e.actor), e.role, e.comment, e.at FROM task_events e \
         LEFT JOIN users u ON u.username = e.actor WHERE e.task_id = $1 \
         AND e.to_status IN ('list_submitted', 'list_consented', 'list_filed') AND e.at >= $2 ORDER BY e.at, e.id",
    )
    .bind(task_id)
    .bind(&r.frozen_at)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(to, name, role, comment, at)| {
        let step = TaskStatus::parse(&to).map(|s| s.label()).unwrap_or_default().to_string();
        let who = match Role::parse(&role) {
            Some(role) => format!("{name}（{}）", role.label()),
            None => name,
        };
        (step, who, comment, at)
    })
    .collect();
    let live = state_of(db, r).await?;
    let live_url = format!("{origin}/live/{task_id}");
    // The public's page of this draw (no sign-in): it lists the draw and re-derives it.
    let verify_url = live.drawn().then(|| format!("{origin}/public/draws/{draw_id}"));
    Ok(CeremonyView {
        // Drawn by the caller (`files::qr`): the database layer only says what they encode.
        live_qr: String::new(),
        verify_qr: None,
        live_url,
        verify_url,
        pool_names,
        can_run,
        live,
        observers_invited: invited,
        observers_present: present,
        departments,
        status,
        list_events,
    })
}

/// Records the 纪检 observers invited to the draw and those who attended (the clerk who
/// runs the ceremony; until the list is sent for consent), with its audit entry.
pub async fn set_observers(
    db: &AnyPool,
    task_id: i64,
    invited: &str,
    present: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    runner_first(db, task_id, user).await?;
    let (invited, present) = (invited.trim(), present.trim());
    for (field, text) in [("observers_invited", invited), ("observers_present", present)] {
        if text.chars().count() > 200 {
            return Err(AppError::invalid(field, "最多 200 个字符"));
        }
    }
    let r = row(db, task_id).await?.ok_or_else(|| AppError::Conflict("该任务尚未冻结检查对象名单".into()))?;
    check_runner(user, &r.department)?;
    let status = TaskStatus::parse(&r.status).ok_or_else(|| AppError::internal("bad task status"))?;
    if !matches!(status, TaskStatus::Frozen | TaskStatus::Drawn) {
        return Err(AppError::Conflict(format!(
            "任务当前为“{}”，抽取名单报送后不能再修改监督人员",
            status.label()
        )));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before: (String, String) =
        sqlx::query_as("SELECT observers_invited, observers_present FROM draws WHERE id = $1")
            .bind(r.draw_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE draws SET observers_invited = $1, observers_present = $2 WHERE id = $3")
        .bind(invited)
        .bind(present)
        .bind(r.draw_id)
        .execute(&mut *tx)
        .await?;
    super::audit::append(
        &mut tx,
        super::audit::Change {
            actor: &user.username,
            role: user.role.code(),
            action: "draw.observers",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: Some(serde_json::json!({ "invited": before.0, "present": before.1 })),
            after: Some(serde_json::json!({ "invited": invited, "present": present })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who runs the ceremony of `task_id` (the initiating department's 经办人), settled before
/// anything about the ceremony is read or checked.
async fn runner_first(db: &AnyPool, task_id: i64, user: &SessionUser) -> Result<(), AppError> {
    AppError::unless_role(user.role, crate::domain::endpoints::department_clerk, "抽取现场由经办人操作")?;
    let (_, department) = super::workflow::task_state(&mut *db.acquire().await?, task_id).await?;
    check_runner(user, &department)
}

fn check_runner(user: &SessionUser, department: &str) -> Result<(), AppError> {
    if user.role != Role::Clerk {
        return Err(AppError::Forbidden(format!("抽取现场由经办人操作，当前账号为{}", user.role.label())));
    }
    if !user.serves(department) {
        return Err(AppError::Forbidden("只能为本部门发起的任务主持抽取".into()));
    }
    Ok(())
}

/// Moves the ceremony to `to` (one step forward; repeating the current step is a no-op).
/// Step 3 draws, with the entropy typed in the room, unless the task is drawn already;
/// a refused draw is recorded in `draw_attempts` (as `draws::run_draw` records its own).
pub async fn advance(
    db: &AnyPool,
    task_id: i64,
    to: u8,
    place: &str,
    entropy: &str,
    user: &SessionUser,
) -> Result<LiveState, AppError> {
    // Who may run it is settled first, before anything about the task is told; a refused
    // draw (step 3) is recorded in `draw_attempts`, as `draws::run_draw` records its own.
    if let Err(e) = runner_first(db, task_id, user).await {
        if to == 3 && !matches!(e, AppError::NotFound(_)) {
            super::draws::record_attempt(db, task_id, "draw", Some(&e.to_string()), user.actor()).await?;
        }
        return Err(e);
    }
    let Some(r) = row(db, task_id).await? else {
        let e = AppError::Conflict("该任务尚未冻结检查对象名单".into());
        let exists: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_one(db)
            .await?;
        if to == 3 && exists == 1 {
            super::draws::record_attempt(db, task_id, "draw", Some(&e.to_string()), user.actor()).await?;
        }
        return Err(e);
    };
    let drawn = r.seed.is_some();
    if to == 3 && !drawn {
        let entropy = match may_draw(&r, entropy, user) {
            Ok(entropy) => entropy,
            Err(e) => {
                super::draws::record_attempt(db, task_id, "draw", Some(&e.to_string()), user.actor()).await?;
                return Err(e);
            }
        };
        super::draws::run_draw(db, task_id, &entropy, &crate::ssr::clock::today(), user.actor()).await?;
        // Drawn and committed, the step not yet stored: a reopened screen resumes at the reveal.
        super::crash::point("ceremony:after-draw");
    } else {
        check_runner(user, &r.department)?;
        check_order(r.ceremony_step, to)?;
        if to >= 4 && !drawn {
            return Err(AppError::Conflict("尚未抽取".into()));
        }
        // Drawn already (e.g. a crash right after the draw) and asked for an earlier
        // step: the screen resumes at the reveal.
    }
    let place = place.trim();
    sqlx::query(
        "UPDATE draws SET ceremony_step = CASE WHEN ceremony_step > $1 THEN ceremony_step ELSE $1 END, \
         place = CASE WHEN $2 = '' THEN place ELSE $3 END WHERE id = $4",
    )
    .bind(i64::from(if to <= 2 && drawn { 3 } else { to }))
    .bind(place)
    .bind(place)
    .bind(r.draw_id)
    .execute(db)
    .await?;
    live_state(db, task_id).await?.ok_or_else(|| AppError::internal("draw vanished"))
}

/// Steps go one at a time; repeating the current one is allowed.
fn check_order(from: u8, to: u8) -> Result<(), AppError> {
    if to != from && to != from + 1 || to == 0 || to > LAST_STEP {
        return Err(AppError::Conflict(format!("抽取现场当前在第 {from} 步，只能进入第 {} 步", from + 1)));
    }
    Ok(())
}

/// Whether `user` may draw now, at step 3 of a ceremony not yet drawn: the clerk of the
/// initiating office, in order, on a frozen task, with entropy DR1 accepts (given back
/// in ASCII; empty: the text stored while typing).
fn may_draw(r: &Row, entropy: &str, user: &SessionUser) -> Result<String, AppError> {
    check_runner(user, &r.department)?;
    check_order(r.ceremony_step, 3)?;
    let status = TaskStatus::parse(&r.status).ok_or_else(|| AppError::internal("bad task status"))?;
    if status != TaskStatus::Frozen {
        return Err(AppError::Conflict(format!("任务当前为“{}”，不能抽取", status.label())));
    }
    let entropy = to_ascii(if entropy.trim().is_empty() { &r.entropy_draft } else { entropy });
    entropy_status(&entropy).map_err(|m| AppError::invalid("public_entropy", m))?;
    Ok(entropy)
}

/// Stores the entropy as it is typed (converted to ASCII) and shows it to observers.
pub async fn type_entropy(
    db: &AnyPool,
    task_id: i64,
    text: &str,
    user: &SessionUser,
) -> Result<LiveState, AppError> {
    runner_first(db, task_id, user).await?;
    let r = row(db, task_id).await?.ok_or_else(|| AppError::Conflict("该任务尚未冻结检查对象名单".into()))?;
    check_runner(user, &r.department)?;
    if r.seed.is_some() || r.ceremony_step != 2 {
        return Err(AppError::Conflict("现在不是输入现场随机数的步骤".into()));
    }
    let text = to_ascii(text);
    if text.chars().count() > 1024 {
        return Err(AppError::invalid("public_entropy", "输入过长"));
    }
    sqlx::query("UPDATE draws SET entropy_draft = $1 WHERE id = $2")
        .bind(&text)
        .bind(r.draw_id)
        .execute(db)
        .await?;
    live_state(db, task_id).await?.ok_or_else(|| AppError::internal("draw vanished"))
}

//! Demo data: the 2023 plan of the founding document and a deterministic, clearly
//! fictional registry (every name ends in （演示）), loaded once into an empty database.

use crate::domain::audit::Actor;
use crate::domain::auth::Role;
use crate::domain::credit_code::CreditCode;
use crate::domain::region::HANDAN_REGIONS;
use crate::domain::workflow::TaskStatus;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::seed::{self, SyntheticEnterprise};
use sqlx::{AnyConnection, AnyPool};

/// SplitMix64: a tiny PRNG whose output never changes between releases, so the demo
/// registry is the same on every machine.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0; the tiny modulo bias is irrelevant for demo data).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const TRADE_NAMES: [&str; 40] = [
    "恒通", "瑞丰", "鑫源", "华远", "永盛", "德泰", "宏达", "金桥", "顺安", "佳和", "润泽", "嘉禾", "同创",
    "远航", "广汇", "新元", "福临", "安泰", "昌隆", "晨光", "聚德", "泰和", "盛世", "天成", "万家", "祥瑞",
    "兴业", "中和", "长青", "明达", "国安", "凯旋", "利民", "龙腾", "茂源", "鹏程", "启航", "荣华", "尚品",
    "通达",
];
const NATURES: [&str; 4] = ["有限责任公司", "股份有限公司", "个人独资企业", "分公司"];
const SCALES: [&str; 4] = ["大型", "中型", "小型", "微型"];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "霞", "平", "刚", "建华", "志强", "海燕", "晓东",
];

/// (category, industry, name suffix, share of draws out of 100).
const KINDS: [(&str, &str, &str); 3] = [
    ("成品油零售企业", "批发和零售业—机动车燃油零售", "石油销售有限公司"),
    ("拍卖企业", "租赁和商务服务业—拍卖", "拍卖有限公司"),
    ("二手车销售企业", "批发和零售业—汽车旧车零售", "二手车销售有限公司"),
];

/// Generates one enterprise of `kind` (index into the demo categories) with a valid,
/// unique-by-construction credit code: `serial` fills the organisation-code part.
pub fn synthetic_enterprise(rng: &mut SplitMix64, kind: usize, serial: u64) -> SyntheticEnterprise {
    let (category, industry, suffix) = KINDS[kind];
    let (region_code, region_name) = rng.pick(&HANDAN_REGIONS);
    // 9-character organisation code: "MA" + serial in base 31 over the GB 32100 alphabet.
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut org = [b'0'; 7];
    let mut s = serial;
    for c in org.iter_mut().rev() {
        *c = ALPHA[(s % 31) as usize];
        s /= 31;
    }
    let first17 = format!("91{region_code}MA{}", std::str::from_utf8(&org).expect("ascii"));
    let code = CreditCode::with_check(&first17).expect("generated from the alphabet");
    // Filing dates 2005-01-01 .. 2023-06-30; about one in eight after 2023-01-31.
    let filed_on = if rng.below(8) == 0 {
        format!("2023-{:02}-{:02}", 2 + rng.below(5), 1 + rng.below(28))
    } else {
        format!("{}-{:02}-{:02}", 2005 + rng.below(18), 1 + rng.below(12), 1 + rng.below(28))
    };
    let risk_class = match rng.below(100) {
        0..=39 => "A",
        40..=74 => "B",
        75..=92 => "C",
        _ => "D",
    };
    let status = match rng.below(100) {
        0..=91 => "active",
        92..=96 => "suspended",
        _ => "deregistered",
    };
    let trade = rng.pick(&TRADE_NAMES);
    SyntheticEnterprise {
        credit_code: code.to_string(),
        name: format!("邯郸市{region_name}{trade}{suffix}（演示{serial}）"),
        category,
        industry,
        nature: rng.pick(&NATURES),
        scale: rng.pick(&SCALES),
        region_code,
        filed_on,
        status,
        risk_class,
        complaint_count: if risk_class == "D" { rng.below(6) as i64 } else { rng.below(2) as i64 },
    }
}

/// How many enterprises of each demo category the demo registry holds.
pub const DEMO_COUNTS: [usize; 3] = [320, 48, 280];

/// The demo inspectors: (department id, how many, how many with expired certificates).
const INSPECTOR_SPREAD: [(&str, usize, usize); 5] =
    [("swj-zfzd", 12, 2), ("swj-smfw", 7, 1), ("swj-sctx", 7, 1), ("swj-zxc", 2, 0), ("scjgj", 12, 2)];

/// Loads the demo data if the database has no plan yet. Returns whether it loaded anything.
pub async fn seed_if_empty(db: &AnyPool) -> Result<bool, sqlx::Error> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    if seed::plans(&mut tx).await? > 0 {
        return Ok(false);
    }
    seed::insert_reference_data(&mut tx).await?;

    let mut rng = SplitMix64::new(2023_0206);
    let mut serial = 0;
    for (kind, count) in DEMO_COUNTS.iter().enumerate() {
        for _ in 0..*count {
            serial += 1;
            seed::insert_enterprise(&mut tx, &synthetic_enterprise(&mut rng, kind, serial)).await?;
        }
    }

    let mut cert = 0;
    let mut names = std::collections::HashSet::new();
    for (dept, count, expired) in INSPECTOR_SPREAD {
        for i in 0..count {
            cert += 1;
            // Distinct names, so a team never reads “胡涛、胡涛”.
            let name = loop {
                let n = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
                if names.insert(n.clone()) {
                    break n;
                }
            };
            let (from, to) = if i < expired {
                ("2017-03-01".to_owned(), format!("2022-{:02}-28", 1 + rng.below(12)))
            } else {
                (format!("20{:02}-01-15", 18 + rng.below(4)), format!("20{:02}-12-31", 26 + rng.below(4)))
            };
            let inspector = seed::SeedInspector {
                name: format!("{name}（演示）"),
                department_id: dept,
                certificate_no: format!("13040023{cert:04}"),
                valid_from: from,
                valid_to: to,
                active: i + 1 != count || dept != "scjgj", // one inactive market-regulation inspector
            };
            seed::insert_inspector(&mut tx, &inspector).await?;
        }
    }

    // A few declared conflicts: inspector n with the n·37-th enterprise of each category.
    for n in 1..=6i64 {
        seed::insert_conflict(&mut tx, n * 5, n * 97, ["近亲属", "曾任职", "经济往来"][(n % 3) as usize])
            .await?;
    }

    let plan_2023 = seed_plan_2023(&mut tx).await?;
    let task_2022 = crate::ssr::seed::demo_2022::seed_plan(&mut tx).await?;
    seed_special(&mut tx, plan_2023).await?;
    crate::ssr::seed::checklists::seed(&mut tx).await?;
    seed_accounts(&mut tx).await?;
    seed_steps(&mut tx).await?;
    audit::append(
        &mut tx,
        Change {
            actor: "system",
            role: "system",
            action: "demo.seed",
            entity_type: "database",
            entity_id: "demo",
            before: None,
            after: Some(serde_json::json!({ "enterprises": serial, "inspectors": cert, "plan": 2023 })),
        },
    )
    .await?;
    tx.commit().await?;

    // The first task is drawn as it would have been in March 2023, so a finished draw
    // can be opened and verified at once. Its secret comes from the OS like any other.
    let clerk = Actor { name: "jingban", role: Role::Clerk.code() };
    let frozen = crate::ssr::db::draws::freeze(db, 1, DEMO_DRAW_DATE, clerk).await.map_err(seed::failed)?;
    crate::ssr::db::draws::run_draw(db, 1, DEMO_ENTROPY, DEMO_DRAW_DATE, clerk)
        .await
        .map_err(seed::failed)?;
    tracing::info!(draw = frozen.draw_id, pool = frozen.pool_count, "demo draw of task 1 done");

    // Then, as the notice orders: the list consented by the principal leader, filed with
    // the order office, and inspection begun; the demo 执法人员 account is the first
    // inspector of the first team (the draw is random, so which one differs per database).
    let mut tx = crate::ssr::db::begin_write(db).await?;
    seed::backdate_draw(
        &mut tx,
        frozen.draw_id,
        1,
        "2023-03-08T02:00:00Z",
        "2023-03-10T02:30:00Z",
        "市商务局三楼会议室",
    )
    .await?;
    for (from, to, actor, role, comment, at) in LIST_STEPS_2023 {
        seed::insert_event(&mut tx, 1, (from, to), (actor, role), comment, at).await?;
    }
    seed::set_task_status(&mut tx, 1, "drawn", "inspecting").await?;
    seed::link_account_to_first_inspector(&mut tx, "zhifa", frozen.draw_id).await?;
    tx.commit().await?;

    // A finished 2022 task, published, for the public portal.
    crate::ssr::seed::demo_2022::draw_and_publish(db, task_2022).await?;
    Ok(true)
}

/// The password of every demo account (listed in the README; change it in production).
pub const DEMO_PASSWORD: &str = "shuangsui-demo";

/// The demo accounts, one or more per role: (username, display name, role, department).
pub const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 10] = [
    ("jingban", "王经办（演示）", Role::Clerk, Some("swj-zfzd")),
    ("jingban.smfw", "李经办（演示）", Role::Clerk, Some("swj-smfw")),
    ("jingban.sctx", "赵经办（演示）", Role::Clerk, Some("swj-sctx")),
    ("chuzhang", "刘处长（演示）", Role::OfficeHead, Some("swj-zfzd")),
    ("zhuyao", "张局长（演示）", Role::PrincipalLeader, None),
    ("lingdao", "陈副局长（演示）", Role::Leader, None),
    ("zhixu", "孙备案（演示）", Role::OrderOffice, Some("swj-zxc")),
    ("zhifa", "执法人员（演示）", Role::Inspector, Some("swj-zfzd")),
    ("jijian", "周纪检（演示）", Role::Observer, None),
    ("admin", "系统管理员（演示）", Role::Admin, None),
];

/// Creates the demo accounts (argon2id hashes, each with its own salt).
async fn seed_accounts(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for (username, name, role, dept) in DEMO_ACCOUNTS {
        let hash = crate::ssr::auth::hash_password(DEMO_PASSWORD).map_err(seed::failed)?;
        seed::insert_account(conn, username, name, &hash, role.code(), dept).await?;
    }
    Ok(())
}

/// The steps the demo tasks went through before the demo starts:
/// (task, from, to, account, role, comment, at). Task 3 was sent back once.
const DEMO_STEPS: [(i64, TaskStatus, TaskStatus, &str, Role, &str, &str); 8] = [
    (1, TaskStatus::Draft, TaskStatus::Submitted, "jingban", Role::Clerk, "", "2023-02-20T01:30:00Z"),
    (
        1,
        TaskStatus::Submitted,
        TaskStatus::Planned,
        "zhuyao",
        Role::PrincipalLeader,
        "同意",
        "2023-02-22T02:00:00Z",
    ),
    (2, TaskStatus::Draft, TaskStatus::Submitted, "jingban.smfw", Role::Clerk, "", "2023-04-10T01:00:00Z"),
    (3, TaskStatus::Draft, TaskStatus::Submitted, "jingban.sctx", Role::Clerk, "", "2023-06-05T01:00:00Z"),
    (
        3,
        TaskStatus::Submitted,
        TaskStatus::Draft,
        "zhuyao",
        Role::PrincipalLeader,
        "请补充联合部门",
        "2023-06-06T02:00:00Z",
    ),
    (
        3,
        TaskStatus::Draft,
        TaskStatus::Submitted,
        "jingban.sctx",
        Role::Clerk,
        "已补充市场监管",
        "2023-06-07T01:00:00Z",
    ),
    (
        3,
        TaskStatus::Submitted,
        TaskStatus::Planned,
        "zhuyao",
        Role::PrincipalLeader,
        "同意",
        "2023-06-08T02:00:00Z",
    ),
    (5, TaskStatus::Draft, TaskStatus::Submitted, "jingban", Role::Clerk, "", "2023-07-20T01:00:00Z"),
];

/// Task 1 after its draw: the list sent, consented, filed, and inspection begun.
const LIST_STEPS_2023: [(TaskStatus, TaskStatus, &str, Role, &str, &str); 4] = [
    (TaskStatus::Drawn, TaskStatus::ListSubmitted, "jingban", Role::Clerk, "", "2023-03-10T06:00:00Z"),
    (
        TaskStatus::ListSubmitted,
        TaskStatus::ListConsented,
        "zhuyao",
        Role::PrincipalLeader,
        "同意",
        "2023-03-13T02:00:00Z",
    ),
    (
        TaskStatus::ListConsented,
        TaskStatus::ListFiled,
        "zhixu",
        Role::OrderOffice,
        "已备案",
        "2023-03-14T06:10:00Z",
    ),
    (TaskStatus::ListFiled, TaskStatus::Inspecting, "jingban", Role::Clerk, "", "2023-03-15T01:00:00Z"),
];

async fn seed_steps(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for (task, from, to, actor, role, comment, at) in DEMO_STEPS {
        seed::insert_event(conn, task, (from, to), (actor, role), comment, at).await?;
    }
    Ok(())
}

/// The date the demo draw is taken on (certificates are checked against it).
pub const DEMO_DRAW_DATE: &str = "2023-03-10";
/// The public entropy of the demo draw: twenty dice rolls.
pub const DEMO_ENTROPY: &str = "3 1 4 1 5 6 2 6 5 3 5 2 6 1 4 3 2 3 5 4";

/// 邯郸市商务局 2023 年度随机抽查工作计划, exactly as 附件2 of the founding document.
async fn seed_plan_2023(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let items = [
        ("成品油零售企业年度检查情况", "swj-zfzd"),
        ("依法依规经营情况", "swj-zfzd"),
        ("拍卖企业设立变更情况", "swj-smfw"),
        ("二手车备案登记情况", "swj-sctx"),
    ];
    for (name, dept) in items {
        seed::insert_item(
            conn,
            name,
            &format!("检查{name}"),
            "《河北省人民政府关于在市场监管领域全面推行部门联合“双随机、一公开”监管的实施意见》",
            dept,
            "每年不少于一次",
        )
        .await?;
    }
    let plan_id = seed::insert_plan(
        conn,
        2023,
        "邯郸市商务局 2023 年度随机抽查工作计划",
        "1、无特殊情况，严格按计划执行； 2、专项检查不计入本计划。",
    )
    .await?;

    // (plan no, plan name, task no, task name, category, items, initiating, joint, months, status)
    let tasks = [
        (
            "2023001",
            "2023 年邯郸市商务局第一次内部联合随机抽查 001",
            "001 号",
            "2023 年商务局成品油销售企业内部联合随机抽查",
            "成品油零售企业",
            [1i64, 2],
            "swj-zfzd",
            &["swj-zfzd"][..],
            (3i64, 4i64),
            "planned",
        ),
        (
            "2023002",
            "2023 年邯郸市商务局第二次内部联合随机抽查 002",
            "002 号",
            "2023 年商务局拍卖企业内部联合随机抽查",
            "拍卖企业",
            [3i64, 2],
            "swj-smfw",
            &["swj-zfzd"][..],
            (5i64, 6i64),
            "submitted",
        ),
        (
            "2023003",
            "2023 年邯郸市商务局部门联合随机抽查 003",
            "003 号",
            "2023 年商务局二手车销售企业部门联合随机抽查",
            "二手车销售企业",
            [4i64, 2],
            "swj-sctx",
            &["scjgj"][..],
            (7i64, 9i64),
            "planned",
        ),
    ];
    for (pos, (plan_no, plan_name, task_no, task_name, category, item_ids, init, joint, (m1, m2), status)) in
        tasks.into_iter().enumerate()
    {
        let task = seed::SeedTask {
            plan_id,
            plan_no,
            plan_name,
            task_no,
            task_name,
            scope_text: "2023 年 1 月 31 前登记备案的市场主体",
            category,
            filed_before: "2023-01-31",
            initiating: init,
            joint,
            source: "plan",
            window: (2023, m1, m2),
            status,
            position: pos as i64,
            items: &item_ids,
        };
        seed::insert_task(conn, &task).await?;
    }

    // Task 3 keeps to its window unless a consented 计划调整 says otherwise: the demo moves
    // it to this month, so that a newcomer can run its ceremony today.
    let today = crate::ssr::clock::today();
    let (year, month): (i64, i64) =
        (today[..4].parse().expect("a year"), today[5..7].parse().expect("a month"));
    seed::insert_consented_plan_change(
        conn,
        3,
        ((2023, 7, 9), (year, month, month)),
        DEMO_ADJUSTMENT_REASON,
        ("jingban.sctx", "2023-06-20T01:00:00Z"),
        ("zhuyao", "2023-06-21T02:00:00Z"),
    )
    .await?;

    Ok(plan_id)
}

/// A special inspection of the 执法支队 (专项检查不计入本计划), waiting to be put into the plan.
async fn seed_special(conn: &mut AnyConnection, plan_id: i64) -> Result<(), sqlx::Error> {
    seed::insert_task(
        conn,
        &seed::SeedTask {
            plan_id,
            plan_no: "2023ZX01",
            plan_name: "2023 年商务局成品油零售企业专项检查（演示）",
            task_no: "专项 001 号",
            task_name: "2023 年成品油零售企业安全经营专项检查（演示）",
            scope_text: "2023 年 1 月 31 前登记备案的成品油零售企业",
            category: "成品油零售企业",
            filed_before: "2023-01-31",
            initiating: "swj-zfzd",
            joint: &[],
            source: "special",
            window: (2023, 8, 8),
            status: "submitted",
            position: 3,
            items: &[1, 2],
        },
    )
    .await?;
    Ok(())
}

/// The reason the demo gives for moving task 3 to the current month.
pub const DEMO_ADJUSTMENT_REASON: &str = "演示：调整到本月，以便现场演示抽取";

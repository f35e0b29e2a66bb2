//! The plan table (附件2) against a database: the demo plan exported and read back, and
//! imports applied, refused and reported row by row, on the run's backend (a fresh SQLite
//! file, or a fresh PostgreSQL database).

use crate::helpers::{fresh_postgres_database, test_backend_is_postgres, TempDir};
use app::domain::audit::Actor;
use app::domain::import::{ImportReport, RowError};
use app::domain::plan::AnnualPlan;
use app::domain::plan_table::{task_cells, INITIATING, ITEMS, JOINT, KIND, RATIO, WINDOW};
use app::domain::workflow::TaskStatus;
use app::error::AppError;
use app::labels::PLAN_COLUMNS;
use app::ssr::files::plan_sheet::{cell_text, export_xlsx, parse_xlsx, read_sheet, SheetError};
use app::ssr::{db, seed::demo};
use calamine::{Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use sqlx::AnyPool;
use std::io::Cursor;

const CLERK: Actor<'static> = Actor { name: "jingban", role: "clerk" };

/// Reads a plan table from `bytes` and imports it, as the import server function does.
async fn import_plan(
    db: &AnyPool,
    year: i32,
    bytes: &[u8],
    apply: bool,
    actor: Actor<'static>,
    only_department: Option<&str>,
) -> Result<ImportReport, AppError> {
    let sheet = read_sheet(bytes)?;
    app::ssr::db::plan_import::import_plan(db, year, &sheet, apply, actor, only_department).await
}

/// A new, empty database: a SQLite file in its own directory, or a PostgreSQL database
/// of its own (the directory is then unused).
async fn fresh_db() -> (AnyPool, TempDir) {
    let dir = TempDir::new("plan-sheet");
    let url = if test_backend_is_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}", dir.join("t.db").display())
    };
    let pool = db::connect(&url).await.unwrap();
    (pool, dir)
}

/// The demo database with its 2023 plan.
async fn demo_db() -> (AnyPool, TempDir) {
    let (pool, dir) = fresh_db().await;
    assert!(demo::seed_if_empty(&pool).await.unwrap());
    (pool, dir)
}

/// Departments, regions and the four demo 抽查事项, but no plan.
async fn reference_db() -> (AnyPool, TempDir) {
    let (pool, dir) = fresh_db().await;
    let mut conn = pool.acquire().await.unwrap();
    app::ssr::db::seed::insert_reference_data(&mut conn).await.unwrap();
    for (name, dept) in [
        ("成品油零售企业年度检查情况", "swj-zfzd"),
        ("依法依规经营情况", "swj-zfzd"),
        ("拍卖企业设立变更情况", "swj-smfw"),
        ("二手车备案登记情况", "swj-sctx"),
    ] {
        sqlx::query("INSERT INTO inspection_items (name, department_id) VALUES ($1, $2)")
            .bind(name)
            .bind(dept)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    drop(conn);
    (pool, dir)
}

async fn demo_export() -> (AnnualPlan, Vec<u8>) {
    let (pool, _dir) = demo_db().await;
    let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().expect("demo plan");
    let bytes = export_xlsx(&plan).unwrap();
    pool.close().await;
    (plan, bytes)
}

async fn count(pool: &AnyPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.unwrap()
}

/// Every cell of the first sheet as text, row by row from A1.
fn cells_of(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    (name, range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
}

/// A workbook with one sheet of text cells (empty strings are left blank).
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

const FIRST_ROW: [&str; 11] = [
    "2023001",
    "2023 年邯郸市商务局第一次内部联合随机抽查 001",
    "001 号",
    "2023 年商务局成品油销售企业内部联合随机抽查",
    "定向",
    "2%",
    "成品油零售企业年度检查情况、依法依规经营情况",
    "2023 年 1 月 31 前登记备案的市场主体",
    "执法支队",
    "执法支队",
    "2023 年 3 月-4 月",
];

#[tokio::test]
async fn demo_plan_round_trips() {
    let (plan, bytes) = demo_export().await;
    let parsed = parse_xlsx(&bytes).unwrap();
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.sheet, "2023年度计划");
    assert_eq!(parsed.title.as_deref(), Some(plan.title.as_str()));
    assert_eq!(parsed.remarks.as_deref(), Some(plan.remarks.as_str()));
    assert_eq!(parsed.rows.len(), plan.tasks.len());
    for (i, (row, task)) in parsed.rows.iter().zip(&plan.tasks).enumerate() {
        assert_eq!(row.row, i + 3);
        assert_eq!(row.plan_no, task.plan_no);
        assert_eq!(row.plan_name, task.plan_name);
        assert_eq!(row.task_no, task.task_no);
        assert_eq!(row.task_name, task.task_name);
        assert_eq!(row.kind, task.kind);
        assert_eq!(row.ratio_bp, task.ratio_bp);
        assert_eq!(row.items.join("、"), task.items);
        assert_eq!(row.scope, task.scope);
        assert_eq!(row.initiating, task.initiating_department);
        assert_eq!(row.joints, task.joint_departments);
        assert_eq!(row.window, task.window);
    }
}

#[tokio::test]
async fn export_reproduces_the_founding_table() {
    let (_, bytes) = demo_export().await;
    let (name, rows) = cells_of(&bytes);
    assert_eq!(name, "2023年度计划");
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0][0], "邯郸市商务局 2023 年度随机抽查工作计划");
    assert!(rows[0][1..].iter().all(String::is_empty));
    // The notice's eleven columns, then 分批抽取 (blank: drawn at once).
    assert_eq!(rows[1][..11], PLAN_COLUMNS);
    assert_eq!(rows[1][11], "分批抽取");
    assert_eq!(rows[2][..11], FIRST_ROW);
    assert_eq!(rows[2][11], "");
    assert_eq!(rows[3][..3], ["2023002", "2023 年邯郸市商务局第二次内部联合随机抽查 002", "002 号"]);
    assert_eq!(rows[3][8..11], ["商贸服务处", "执法支队", "2023 年 5 月-6 月"]);
    assert_eq!(rows[4][8..11], ["市场体系处", "市场监管", "2023 年 7 月-9 月"]);
    assert_eq!(rows[5][0], "备注");
    assert_eq!(rows[5][1], "1、无特殊情况，严格按计划执行； 2、专项检查不计入本计划。");

    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
    let merged: Vec<_> =
        wb.merge_cells_by_sheet_name(&name).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
    assert!(merged.contains(&((0, 0), (0, 11))), "title merged across A..L: {merged:?}");
    assert!(merged.contains(&((5, 1), (5, 11))), "remarks merged across B..L: {merged:?}");
}

#[tokio::test]
async fn import_adds_then_updates_and_refuses_submitted_tasks() {
    let (demo_plan, bytes) = demo_export().await;
    let (pool, _dir) = reference_db().await;

    let dry = import_plan(&pool, 2023, &bytes, false, CLERK, None).await.unwrap();
    assert_eq!(dry, ImportReport { added: 3, updated: 0, rejected: vec![], applied: false });
    assert_eq!(count(&pool, "annual_plans").await, 0);
    assert_eq!(count(&pool, "tasks").await, 0);

    let done = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
    assert_eq!(done, ImportReport { added: 3, updated: 0, rejected: vec![], applied: true });
    let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
    assert_eq!(plan.title, demo_plan.title);
    assert_eq!(plan.remarks, demo_plan.remarks);
    assert_eq!(plan.tasks.len(), 3);
    for (got, want) in plan.tasks.iter().zip(&demo_plan.tasks) {
        assert_eq!(task_cells(got), task_cells(want));
        assert_eq!(got.initiating_department_id, want.initiating_department_id);
        assert_eq!(got.joint_department_ids, want.joint_department_ids);
        assert_eq!(got.status, TaskStatus::Draft);
    }
    let scopes: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT scope_category, scope_filed_before FROM tasks ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    let date = Some("2023-01-31".to_owned());
    assert_eq!(
        scopes,
        [
            (Some("成品油零售企业".to_owned()), date.clone()),
            (Some("拍卖企业".to_owned()), date.clone()),
            (Some("二手车销售企业".to_owned()), date),
        ]
    );
    let audit: Vec<(String, String, String)> =
        sqlx::query_as("SELECT actor, role, action FROM audit_log").fetch_all(&pool).await.unwrap();
    assert_eq!(audit, [("jingban".to_owned(), "clerk".to_owned(), "plan.import".to_owned())]);

    let again = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
    assert_eq!(again, ImportReport { added: 0, updated: 3, rejected: vec![], applied: true });
    assert_eq!(count(&pool, "tasks").await, 3);
    assert_eq!(count(&pool, "task_items").await, 6);
    assert_eq!(count(&pool, "audit_log").await, 2);
    let plan_again = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
    assert_eq!(plan_again, plan);

    // Once a task is submitted for approval the sheet may no longer change it.
    sqlx::query("UPDATE tasks SET status = 'submitted' WHERE task_no = '002 号'")
        .execute(&pool)
        .await
        .unwrap();
    let refused = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
    assert!(!refused.applied);
    assert_eq!(refused.rejected.len(), 1);
    let e = &refused.rejected[0];
    assert_eq!((e.row, e.column.as_str()), (4, "抽查任务编号"));
    assert!(e.message.starts_with("该任务已提交审批"), "{}", e.message);
    assert_eq!(count(&pool, "audit_log").await, 2);

    pool.close().await;
}

#[tokio::test]
async fn reimport_into_the_demo_database_refuses_tasks_past_draft() {
    let (pool, _dir) = demo_db().await;
    let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
    let bytes = export_xlsx(&plan).unwrap();
    let report = import_plan(&pool, 2023, &bytes, false, CLERK, None).await.unwrap();
    // Submitted, filed and drawn: none of the demo tasks is a draft any more.
    assert_eq!((report.added, report.updated, report.applied), (0, 0, false));
    assert_eq!(report.rejected.len(), 3);
    assert!(report.rejected.iter().all(|r| r.column == "抽查任务编号"));
    // The same numbers cannot be reused for another year either.
    let other = import_plan(&pool, 2024, &bytes, false, CLERK, None).await.unwrap();
    assert_eq!(other.rejected.iter().filter(|e| e.column == "抽查时间").count(), 3);
    assert_eq!(other.rejected.iter().filter(|e| e.message.contains("已用于 2023 年度计划")).count(), 3);
    pool.close().await;
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_written() {
    let row = |plan_no: &'static str, task_no: &'static str| -> Vec<&'static str> {
        let mut r = FIRST_ROW.to_vec();
        r[0] = plan_no;
        r[2] = task_no;
        r
    };
    let mut bad_ratio = row("2023002", "002 号");
    bad_ratio[RATIO] = "abc";
    let mut bad_window = row("2023003", "003 号");
    bad_window[WINDOW] = "2023 年 9 月-3 月";
    let mut bad_department = row("2023004", "004 号");
    bad_department[INITIATING] = "不存在的处";
    let duplicate = row("2023001", "001 号");
    let mut several = row("2023005", "005 号");
    several[KIND] = "半定向";
    several[ITEMS] = "依法依规经营情况、不存在的事项";
    several[JOINT] = "无";
    let bytes = workbook(&[
        vec!["", "测试计划"],
        PLAN_COLUMNS.to_vec(),
        FIRST_ROW.to_vec(),
        bad_ratio,
        bad_window,
        bad_department,
        duplicate,
        several,
        vec!["备注", "只是测试"],
    ]);

    let parsed = parse_xlsx(&bytes).unwrap();
    assert_eq!(parsed.title.as_deref(), Some("测试计划"));
    assert_eq!(parsed.remarks.as_deref(), Some("只是测试"));
    assert_eq!(parsed.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 6]);
    let at = |errors: &[RowError]| -> Vec<(usize, String)> {
        errors.iter().map(|e| (e.row, e.column.clone())).collect()
    };
    let want = |list: &[(usize, &str)]| -> Vec<(usize, String)> {
        list.iter().map(|(r, c)| (*r, c.to_string())).collect()
    };
    assert_eq!(
        at(&parsed.errors),
        want(&[(4, "抽查比例"), (5, "抽查时间"), (7, "抽查任务编号"), (8, "抽查类型")])
    );

    let (pool, _dir) = reference_db().await;
    let report = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
    assert!(!report.applied);
    assert_eq!(
        at(&report.rejected),
        want(&[
            (4, "抽查比例"),
            (5, "抽查时间"),
            (6, "发起部门"),
            (7, "抽查任务编号"),
            (8, "抽查类型"),
            (8, "抽查事项"),
        ])
    );
    let messages: Vec<&str> = report.rejected.iter().map(|e| e.message.as_str()).collect();
    assert!(messages[0].contains("“abc”") && messages[0].contains("2%"), "{}", messages[0]);
    assert!(messages[1].contains("早于开始月份"), "{}", messages[1]);
    assert!(messages[2].contains("“不存在的处”") && messages[2].contains("执法支队"), "{}", messages[2]);
    assert!(messages[3].contains("第 3 行"), "{}", messages[3]);
    assert!(messages[4].contains("定向"), "{}", messages[4]);
    assert!(messages[5].contains("“不存在的事项”"), "{}", messages[5]);
    for table in ["annual_plans", "tasks", "task_items", "audit_log"] {
        assert_eq!(count(&pool, table).await, 0, "{table}");
    }
    pool.close().await;
}

/// 分批抽取 as the table's extra column: read into the task's batches, checked against its
/// window by row and column; a table without the column imports as before.
#[tokio::test]
async fn the_batches_column_imports_and_is_checked() {
    let (pool, _dir) = reference_db().await;
    let mut header: Vec<&str> = PLAN_COLUMNS.to_vec();
    header.push("分批抽取");
    let mut split: Vec<&str> = FIRST_ROW.to_vec();
    split.push("3, 4");
    let mut bad: Vec<&str> = FIRST_ROW.to_vec();
    bad[2] = "002 号";
    bad.push("3, 4-5");
    let refused =
        import_plan(&pool, 2023, &workbook(&[header.clone(), split.clone(), bad]), true, CLERK, None)
            .await
            .unwrap();
    assert_eq!(refused.rejected.len(), 1, "{:?}", refused.rejected);
    assert_eq!((refused.rejected[0].row, refused.rejected[0].column.as_str()), (3, "分批抽取"));
    assert!(refused.rejected[0].message.contains("抽查时间"), "{:?}", refused.rejected[0]);
    assert_eq!(count(&pool, "tasks").await, 0, "nothing written");
    let applied = import_plan(&pool, 2023, &workbook(&[header, split]), true, CLERK, None).await.unwrap();
    assert!(applied.rejected.is_empty() && applied.applied, "{applied:?}");
    let batches: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT batch_no, start_month, end_month FROM task_batches ORDER BY batch_no")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(batches, [(1, 3, 3), (2, 4, 4)]);
    // Exported again, the column says the same.
    let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
    let (_, rows) = cells_of(&export_xlsx(&plan).unwrap());
    assert_eq!(rows[2][11], "3, 4");
}

#[tokio::test]
async fn not_a_plan_table() {
    let e = parse_xlsx(b"PK\x03\x04 certainly not a workbook").unwrap_err();
    assert_eq!(e, SheetError::NotXlsx);
    assert!(e.to_string().contains(".xlsx"), "{e}");
    let e = parse_xlsx(&[]).unwrap_err();
    assert_eq!(e, SheetError::EmptyFile);
    assert!(e.to_string().contains("空"), "{e}");

    assert_eq!(parse_xlsx(&workbook(&[])).unwrap_err(), SheetError::EmptySheet);
    let e = parse_xlsx(&workbook(&[vec!["你好"]])).unwrap_err();
    assert_eq!(e, SheetError::HeaderNotFound { missing: PLAN_COLUMNS.map(String::from).to_vec() });

    let mut header = PLAN_COLUMNS.to_vec();
    header.retain(|h| *h != "抽查比例" && *h != "联合部门");
    let e = parse_xlsx(&workbook(&[header, FIRST_ROW.to_vec()])).unwrap_err();
    assert_eq!(e, SheetError::HeaderNotFound { missing: vec!["抽查比例".into(), "联合部门".into()] });
    assert!(e.to_string().contains("缺少“抽查比例”、“联合部门”列"), "{e}");

    let e = parse_xlsx(&workbook(&[PLAN_COLUMNS.to_vec(), vec!["备注", "无"]])).unwrap_err();
    assert_eq!(e, SheetError::NoTasks);

    let (pool, _dir) = reference_db().await;
    let err = import_plan(&pool, 2023, b"garbage", true, CLERK, None).await.unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid { field, message } if field == "文件" && message.contains(".xlsx"))
    );
    pool.close().await;
}

//! `shuangsui import` and `export`: good files in every format, bad rows, malformed files,
//! and export → import round trips.

use crate::helpers::{run, TempDir};
use app::domain::credit_code::CreditCode;
use app::domain::registry::ENTERPRISE_COLUMNS;
use app::ssr::files::table_file::{write_csv, write_xlsx};

fn url(dir: &TempDir, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

fn code(serial: u32) -> String {
    CreditCode::with_check(&format!("91130402MA{serial:07}")).unwrap().to_string()
}

/// Three good enterprise rows, spelled as clerks do (region by name, dates with slashes).
fn good_rows() -> Vec<Vec<String>> {
    [
        [
            &code(1) as &str,
            "邯郸市甲石油销售有限公司",
            "成品油零售企业",
            "",
            "有限责任公司",
            "小型",
            "邯山区",
            "2020/3/1",
            "存续",
            "A",
            "0",
            "邯山区某路 1 号",
        ],
        [&code(2), "邯郸市乙拍卖有限公司", "拍卖企业", "", "", "", "130403", "2019-12-31", "", "b", "", ""],
        [
            &code(3),
            "邯郸市丙二手车销售有限公司",
            "二手车销售企业",
            "",
            "",
            "",
            "130481",
            "2021年5月6日",
            "停业",
            "C",
            "2",
            "",
        ],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect()
}

async fn count(db_url: &str, sql: &str) -> i64 {
    let db = app::ssr::db::connect(db_url).await.unwrap();
    let n = sqlx::query_scalar(sql).fetch_one(&db).await.unwrap();
    db.close().await;
    n
}

/// Dry run then apply of one file into a fresh database; checks nothing is written before.
async fn import_fresh(dir: &TempDir, file: &str, bytes: &[u8]) {
    let path = dir.join(file);
    std::fs::write(&path, bytes).unwrap();
    let db = url(dir, &format!("{file}.db"));
    let (code, out, err) = run(&["import", "enterprises", path.to_str().unwrap(), "--db", &db]);
    assert_eq!(code, 0, "{file}: {out}{err}");
    assert!(out.contains("将新增 3 条"), "{file}: {out}");
    assert_eq!(count(&db, "SELECT count(*) FROM enterprises").await, 0, "{file}: a dry run writes nothing");
    let (code, out, err) = run(&["import", "enterprises", path.to_str().unwrap(), "--apply", "--db", &db]);
    assert_eq!(code, 0, "{file}: {out}{err}");
    assert!(out.contains("已导入，新增 3 条"), "{file}: {out}");
    assert_eq!(count(&db, "SELECT count(*) FROM enterprises").await, 3);
    // Region names and date spellings are normalised.
    let normalised = "SELECT count(*) FROM enterprises WHERE (region_code, filed_on) IN \
                      (VALUES ('130402', '2020-03-01'), ('130481', '2021-05-06'))";
    assert_eq!(count(&db, normalised).await, 2, "{file}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit_log WHERE action = 'registry.import' AND actor = 'cli' AND role = 'admin'")
            .await,
        1,
        "{file}: one audit entry"
    );
}

#[tokio::test]
async fn good_files_import_in_every_format() {
    let dir = TempDir::new("reg-good");
    let rows = good_rows();
    import_fresh(&dir, "good.xlsx", &write_xlsx("名录", &ENTERPRISE_COLUMNS, rows.clone()).unwrap()).await;
    let csv = write_csv(&ENTERPRISE_COLUMNS, rows.clone());
    import_fresh(&dir, "bom.csv", &csv).await;
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    import_fresh(&dir, "plain.csv", text.as_bytes()).await;
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "the GBK file is not also UTF-8");
    import_fresh(&dir, "gbk.csv", &gbk).await;
}

#[tokio::test]
async fn bad_rows_are_all_listed_and_nothing_is_written() {
    let dir = TempDir::new("reg-bad");
    let mut rows = good_rows();
    let mut bad_check = code(4);
    bad_check.replace_range(17.., if bad_check.ends_with('0') { "1" } else { "0" });
    let cells = |v: [&str; 12]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    rows.push(cells([&bad_check, "丁公司", "拍卖企业", "", "", "", "130402", "2020-01-01", "", "A", "", ""]));
    rows.push(cells([&code(2), "重复公司", "拍卖企业", "", "", "", "130402", "2020-01-01", "", "A", "", ""]));
    rows.push(cells([&code(5), "", "拍卖企业", "", "", "", "上海", "2020-02-30", "", "", "", ""]));
    let path = dir.join("bad.csv");
    std::fs::write(&path, write_csv(&ENTERPRISE_COLUMNS, rows)).unwrap();
    let db = url(&dir, "bad.db");
    let (code, out, _) = run(&["import", "enterprises", path.to_str().unwrap(), "--apply", "--db", &db]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "第 5 行 [统一社会信用代码]：统一社会信用代码校验位错误",
        "第 6 行 [统一社会信用代码]：与第 3 行重复",
        "第 7 行 [名称]：未填写名称",
        "第 7 行 [行政区划代码]",
        "第 7 行 [登记备案日期]",
        "第 7 行 [信用风险分类]：未填写信用风险分类",
        "有 6 处问题，未写入任何数据",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM enterprises").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log").await, 0);

    // An inspector whose certificate ends before it starts.
    let path = dir.join("inspectors.csv");
    std::fs::write(
        &path,
        "执法证号,姓名,所属部门,有效期起,有效期止,联系电话,状态\n130400239999,张三,执法支队,2024-01-01,2023-12-31,,在用\n",
    )
    .unwrap();
    let (code, out, _) = run(&["import", "inspectors", path.to_str().unwrap(), "--apply", "--db", &db]);
    assert_eq!(code, 1);
    assert!(out.contains("第 2 行 [有效期止]：有效期止（2023-12-31）早于有效期起（2024-01-01）"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM inspectors").await, 0);
}

#[tokio::test]
async fn malformed_files_get_a_clear_error_and_change_nothing() {
    let dir = TempDir::new("reg-malformed");
    let db = url(&dir, "m.db");
    let mut junk = vec![0u8; 50 * 1024 * 1024];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in junk.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty.csv", Vec::new(), "文件是空的"),
        ("columns.csv", "名称,地址\n甲,乙\n".as_bytes().to_vec(), "缺少“统一社会信用代码”"),
        ("junk.xlsx", b"PK\x03\x04 not really a zip".to_vec(), "不是有效的 Excel .xlsx 工作簿"),
        ("old.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "旧版 Excel"),
        ("junk.csv", junk, "既不是 Excel .xlsx 工作簿，也不是 CSV 文本文件"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, out, err) =
            run(&["import", "enterprises", path.to_str().unwrap(), "--apply", "--db", &db]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(expected), "{name}: {err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM enterprises").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log").await, 0);
}

#[tokio::test]
async fn export_then_import_gives_the_same_registry() {
    let dir = TempDir::new("reg-roundtrip");
    let source = url(&dir, "source.db");
    let (code, _, err) = run(&["demo", "--enterprises", "500", "--db", &source]);
    assert_eq!(code, 0, "{err}");
    for kind in ["enterprises", "inspectors", "items"] {
        for ext in ["csv", "xlsx"] {
            let file = dir.join(&format!("{kind}.{ext}"));
            let file = file.to_str().unwrap();
            assert_eq!(run(&["export", kind, file, "--db", &source]).0, 0);
            // Into the same registry: every row is unchanged.
            let (code, out, _) = run(&["import", kind, file, "--db", &source]);
            assert_eq!(code, 0, "{out}");
            assert!(out.contains("新增 0 条，更新 0 条"), "{kind}.{ext}: {out}");
            // Into an empty one, then out again: the same file.
            let copy = url(&dir, &format!("{kind}-{ext}.db"));
            let (code, out, _) = run(&["import", kind, file, "--apply", "--db", &copy]);
            assert_eq!(code, 0, "{kind}.{ext}: {out}");
            let again = dir.join(&format!("{kind}-{ext}-again.csv"));
            let first = dir.join(&format!("{kind}-{ext}-first.csv"));
            assert_eq!(run(&["export", kind, again.to_str().unwrap(), "--db", &copy]).0, 0);
            assert_eq!(run(&["export", kind, first.to_str().unwrap(), "--db", &source]).0, 0);
            assert_eq!(
                std::fs::read(&first).unwrap(),
                std::fs::read(&again).unwrap(),
                "{kind}.{ext}: export → import → export changes nothing"
            );
        }
    }
    assert_eq!(count(&source, "SELECT count(*) FROM enterprises").await, 1148);
}

#[tokio::test]
async fn imported_names_are_found_by_the_name_index() {
    let dir = TempDir::new("reg-names");
    let db_url = url(&dir, "names.db");
    let apply = |rows: Vec<Vec<String>>, file: &str| {
        let path = dir.join(file);
        std::fs::write(&path, write_csv(&ENTERPRISE_COLUMNS, rows)).unwrap();
        run(&["import", "enterprises", path.to_str().unwrap(), "--apply", "--db", &db_url])
    };
    let found = |text: &'static str| {
        let db_url = db_url.clone();
        async move {
            let db = app::ssr::db::connect(&db_url).await.unwrap();
            let q = app::domain::registry::EnterpriseQuery { q: text.into(), page: 1, ..Default::default() };
            let (rows, total, _) =
                app::ssr::db::enterprises::page(&mut db.acquire().await.unwrap(), &q).await.unwrap();
            db.close().await;
            assert_eq!(rows.len() as i64, total);
            rows.into_iter().map(|r| r.record.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(apply(good_rows(), "first.csv").0, 0);
    // Three or more characters go through the trigram index, written after the rows.
    assert_eq!(found("乙拍卖").await, ["邯郸市乙拍卖有限公司"]);
    // A renamed enterprise is found by its new name only; a new one by its name.
    let mut rows = good_rows();
    rows[1][1] = "邯郸市戊拍卖有限公司".into();
    let mut fourth = rows[2].clone();
    fourth[0] = code(4);
    fourth[1] = "邯郸市己二手车销售有限公司".into();
    rows.push(fourth);
    let (status, out, err) = apply(rows, "second.csv");
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("新增 1 条，更新 1 条"), "{out}");
    assert!(found("乙拍卖").await.is_empty());
    assert_eq!(found("戊拍卖").await, ["邯郸市戊拍卖有限公司"]);
    assert_eq!(found("己二手车").await, ["邯郸市己二手车销售有限公司"]);
    assert_eq!(count(&db_url, "SELECT count(*) FROM enterprise_names_deferred").await, 0);
}

#[tokio::test]
async fn formula_like_cells_are_exported_guarded_and_import_back_unchanged() {
    let dir = TempDir::new("reg-formula");
    let name = "=HYPERLINK(\"http://example.com\",\"点此查看\")";
    let mut rows = good_rows();
    rows[0][1] = name.into();
    rows[1][11] = "@某路 2 号".into();
    rows[2][11] = "-3 号楼".into();
    // A clerk's own file, written without any guard.
    let mut plain = ENTERPRISE_COLUMNS.join(",") + "\n";
    for r in &rows {
        let quoted: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        plain += &(quoted.join(",") + "\n");
    }
    let source = url(&dir, "source.db");
    std::fs::write(dir.join("plain.csv"), plain).unwrap();
    let (code, out, _) =
        run(&["import", "enterprises", dir.join("plain.csv").to_str().unwrap(), "--apply", "--db", &source]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(count(&source, &format!("SELECT count(*) FROM enterprises WHERE name = '{name}'")).await, 1);

    let export = |db: &str, file: &str| {
        let path = dir.join(file);
        assert_eq!(run(&["export", "enterprises", path.to_str().unwrap(), "--db", db]).0, 0);
        std::fs::read(path).unwrap()
    };
    let first = export(&source, "first.csv");
    let text = String::from_utf8(first.clone()).unwrap();
    // Excel takes a leading ' for "text": the formula is shown, never run.
    assert!(text.contains("\"'=HYPERLINK(\"\"http://example.com\"\",\"\"点此查看\"\")\""), "{text}");
    assert!(text.contains(",'@某路 2 号\r\n") && text.contains(",'-3 号楼\r\n"), "{text}");
    export(&source, "first.xlsx");
    for file in ["first.csv", "first.xlsx"] {
        let copy = url(&dir, &format!("{file}.db"));
        let (code, out, _) =
            run(&["import", "enterprises", dir.join(file).to_str().unwrap(), "--apply", "--db", &copy]);
        assert_eq!(code, 0, "{file}: {out}");
        assert_eq!(count(&copy, &format!("SELECT count(*) FROM enterprises WHERE name = '{name}'")).await, 1);
        assert_eq!(export(&copy, &format!("{file}-again.csv")), first, "{file}: export → import → export");
    }
}

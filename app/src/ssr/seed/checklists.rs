//! 检查要点 of the demo's inspection items: examples, marked so, for a bureau to edit.

use crate::domain::checklist::AnswerKind::{self, Conformity, Number};
use crate::ssr::db::onsite::insert_example;
use sqlx::AnyConnection;

const OIL: &str = "《成品油市场管理办法》";
const AUCTION: &str = "《中华人民共和国拍卖法》《拍卖管理办法》";
const CARS: &str = "《二手车流通管理办法》";

/// (item, check point, legal basis, answer kind).
const EXAMPLES: [(&str, &str, &str, AnswerKind); 14] = [
    ("成品油零售企业年度检查情况", "成品油零售经营批准证书及年检", OIL, Conformity),
    ("成品油零售企业年度检查情况", "经营范围与批准证书一致", OIL, Conformity),
    ("成品油零售企业年度检查情况", "油品来源与质量（进货凭证、检验报告）", OIL, Conformity),
    ("成品油零售企业年度检查情况", "擅自新建、改建、扩建加油站", OIL, Conformity),
    ("成品油零售企业年度检查情况", "在用加油机数量（台）", OIL, Number),
    ("依法依规经营情况", "营业执照及公示信息与实际一致", "《企业信息公示暂行条例》", Conformity),
    ("拍卖企业设立变更情况", "设立条件与注册拍卖师", AUCTION, Conformity),
    ("拍卖企业设立变更情况", "变更事项备案", AUCTION, Conformity),
    ("拍卖企业设立变更情况", "拍卖经营规范（公告、展示、笔录）", AUCTION, Conformity),
    ("拍卖企业设立变更情况", "统计数据报送", AUCTION, Conformity),
    ("二手车备案登记情况", "备案登记", CARS, Conformity),
    ("二手车备案登记情况", "交易档案（车辆来源、交易合同）", CARS, Conformity),
    ("二手车备案登记情况", "经营规范（明示信息、质量承诺）", CARS, Conformity),
    ("二手车备案登记情况", "在售车辆数量（辆）", CARS, Number),
];

/// Inserts the examples under the demo items that exist.
pub async fn seed(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for (position, (item, text, basis, kind)) in EXAMPLES.into_iter().enumerate() {
        insert_example(conn, item, position as i64, text, basis, kind).await?;
    }
    Ok(())
}

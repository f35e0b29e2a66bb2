//! A registry of a million: synthetic enterprises in bulk, for measuring the registry's
//! queries and imports at the size of a prefecture's 名录库.

use crate::domain::registry::EnterpriseRecord;
use crate::ssr::db::seed;
use crate::ssr::seed::demo::{synthetic_enterprise, SplitMix64};
use sqlx::AnyPool;

/// Other 市场主体类别 of a realistic registry: most market entities are not what the demo
/// plan's targeted tasks draw from, so those pools stay a small share of the whole.
const OTHER_KINDS: [(&str, &str, &str); 6] = [
    ("个体工商户", "批发和零售业—其他零售", "商店"),
    ("餐饮服务企业", "住宿和餐饮业—正餐服务", "餐饮有限公司"),
    ("食品销售企业", "批发和零售业—食品零售", "食品销售有限公司"),
    ("建筑企业", "建筑业—房屋建筑", "建筑工程有限公司"),
    ("商务服务企业", "租赁和商务服务业—咨询", "商务咨询有限公司"),
    ("制造企业", "制造业—金属制品", "制造有限公司"),
];

/// Where the serials of bulk enterprises start (the demo registry's are below it).
pub const FIRST_SERIAL: u64 = 10_000_000;

/// One synthetic enterprise of a large registry: 1 in 200 is of a demo category (so a
/// million hold about 5,000 the demo tasks can draw from), the rest of the other kinds.
pub fn bulk_enterprise(rng: &mut SplitMix64, serial: u64) -> EnterpriseRecord {
    let demo_kind = rng.below(200) == 0;
    let kind = rng.below(3) as usize;
    let e = synthetic_enterprise(rng, kind, serial);
    let mut record = EnterpriseRecord {
        credit_code: e.credit_code,
        name: e.name,
        category: e.category.to_owned(),
        industry: e.industry.to_owned(),
        nature: e.nature.to_owned(),
        scale: e.scale.to_owned(),
        region_code: e.region_code.to_owned(),
        filed_on: e.filed_on,
        status: e.status.to_owned(),
        risk_class: e.risk_class.to_owned(),
        complaint_count: e.complaint_count,
        address: String::new(),
    };
    if !demo_kind {
        let (category, industry, suffix) = rng.pick(&OTHER_KINDS);
        let demo_suffix = ["石油销售有限公司", "拍卖有限公司", "二手车销售有限公司"][kind];
        record.name = record.name.replacen(demo_suffix, suffix, 1);
        record.category = category.to_owned();
        record.industry = industry.to_owned();
    }
    record
}

/// Adds `count` synthetic enterprises in one transaction of multi-row inserts; returns
/// the number in the registry afterwards.
pub async fn add_enterprises(db: &AnyPool, count: u64) -> Result<i64, sqlx::Error> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    seed::bulk_cache(&mut tx).await?;
    let existing = seed::enterprises(&mut tx).await?;
    // Continue after earlier bulk runs, so every credit code stays unique.
    let mut serial = FIRST_SERIAL + existing as u64;
    let mut rng = SplitMix64::new(serial);
    let mut left = count;
    while left > 0 {
        let n = left.min(5000);
        let batch: Vec<EnterpriseRecord> = (0..n)
            .map(|_| {
                serial += 1;
                bulk_enterprise(&mut rng, serial)
            })
            .collect();
        let refs: Vec<&EnterpriseRecord> = batch.iter().collect();
        crate::ssr::db::enterprises::upsert(&mut tx, &refs).await?;
        left -= n;
    }
    let total = seed::enterprises(&mut tx).await?;
    tx.commit().await?;
    seed::analyze(db).await?;
    Ok(total)
}

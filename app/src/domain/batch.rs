//! 分几个时间段 (实施方案 二(三)): a task with many enterprises may be drawn in 2–12
//! batches, each in its own window inside the task's. Each batch is an ordinary DR1 draw
//! with its own task id (`2023003-003-2`); batch k's pool is the task's scope at its freeze
//! less every enterprise the earlier batches selected; and the quota is split so that over
//! all batches the task draws at least what one draw of the first batch's pool would have
//! (不低于), stratum by stratum.

use super::draw::quota;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fewest and most batches a task may be split into.
pub const MIN_BATCHES: usize = 2;
pub const MAX_BATCHES: usize = 12;

/// The rule in one sentence, as the draw page states it.
pub const RULE: &str = "分批抽取：各层应抽数按第 1 批冻结时的名录与抽查比例计算（不低于，向上取整）；第 k 批抽取“应抽数减去前几批已抽数”除以剩余批数后向上取整（不超过本批名录户数），本批名录不含前几批已抽中的企业。";

/// One batch's window, in months of the task's year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchWindow {
    pub start_month: u32,
    pub end_month: u32,
}

impl BatchWindow {
    pub fn label(self) -> String {
        if self.start_month == self.end_month {
            format!("{} 月", self.start_month)
        } else {
            format!("{}–{} 月", self.start_month, self.end_month)
        }
    }
}

/// The problems with a task's batches inside its window `start..=end` (empty: none, or
/// every batch inside the window, in order).
pub fn check_batches(batches: &[BatchWindow], start: u32, end: u32) -> Vec<String> {
    let mut problems = Vec::new();
    if batches.is_empty() {
        return problems;
    }
    if !(MIN_BATCHES..=MAX_BATCHES).contains(&batches.len()) {
        problems.push(format!("分批抽取须分 {MIN_BATCHES}–{MAX_BATCHES} 批（现为 {} 批）", batches.len()));
    }
    for (i, b) in batches.iter().enumerate() {
        if b.start_month > b.end_month || b.start_month < start || b.end_month > end {
            problems.push(format!(
                "第 {} 批（{}）须在任务的抽查时间（{start}–{end} 月）内",
                i + 1,
                b.label()
            ));
        }
        if i > 0 && b.start_month < batches[i - 1].start_month {
            problems.push(format!("第 {} 批不能早于第 {} 批开始", i + 1, i));
        }
    }
    problems
}

/// Batches written `3-4, 5, 6-7` (months; `，`、`；` also separate), or why not.
pub fn parse_batches(text: &str) -> Result<Vec<BatchWindow>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split([',', '，', ';', '；', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = p.trim_end_matches('月');
            let (a, b) = p.split_once(['-', '–', '—', '~', '～']).unwrap_or((p, p));
            let month = |s: &str| {
                s.trim().trim_end_matches('月').parse::<u32>().ok().filter(|m| (1..=12).contains(m))
            };
            match (month(a), month(b)) {
                (Some(start_month), Some(end_month)) => Ok(BatchWindow { start_month, end_month }),
                _ => Err(format!("“{p}”不是月份或月份段（如 3-4）")),
            }
        })
        .collect()
}

/// Batches as the form writes them: `3-4, 5, 6-7`.
pub fn batches_text(batches: &[BatchWindow]) -> String {
    batches
        .iter()
        .map(|b| {
            if b.start_month == b.end_month {
                b.start_month.to_string()
            } else {
                format!("{}-{}", b.start_month, b.end_month)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The quota each stratum is owed over all batches: a single draw's quota of the first
/// batch's pool at the task's ratio.
pub fn targets(ratios: &BTreeMap<String, u64>, first_pool: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    first_pool.iter().map(|(s, n)| (s.clone(), quota(*n, ratios.get(s).copied().unwrap_or(0)))).collect()
}

/// How many batch `k` (1-based) of `batches` draws from each stratum of its `pool`:
/// what is still owed (`targets` less `drawn` by earlier batches) spread over the batches
/// left, rounded up, at most the stratum's members. A stratum that was not in the first
/// batch's pool is owed its own quota.
pub fn batch_quotas(
    ratios: &BTreeMap<String, u64>,
    targets: &BTreeMap<String, u64>,
    drawn: &BTreeMap<String, u64>,
    pool: &BTreeMap<String, u64>,
    k: u32,
    batches: u32,
) -> BTreeMap<String, u64> {
    let left = u64::from(batches.saturating_sub(k) + 1).max(1);
    pool.iter()
        .map(|(s, n)| {
            let target =
                targets.get(s).copied().unwrap_or_else(|| quota(*n, ratios.get(s).copied().unwrap_or(0)));
            let owed = target.saturating_sub(drawn.get(s).copied().unwrap_or(0));
            (s.clone(), owed.div_ceil(left).min(*n))
        })
        .collect()
}

/// The DR1 ratio (basis points) that makes DR1's quota of `n` members `q`: the smallest
/// `bp` with `ceil(n·bp/10000) ≥ q` (exactly `q` up to 10,000 members; above that a basis
/// point is more than one member, and the quota may exceed `q` by the rounding).
pub fn ratio_for(q: u64, n: u64) -> u64 {
    if q == 0 || n == 0 {
        0
    } else {
        ((q - 1) * 10_000 / n + 1).min(10_000)
    }
}

/// The DR1 `ratios_bp` of batch `k`: each stratum's ratio giving its batch quota (the
/// task's own ratio for strata absent from the pool, unused by DR1).
pub fn batch_ratios(
    ratios: &BTreeMap<String, u64>,
    targets: &BTreeMap<String, u64>,
    drawn: &BTreeMap<String, u64>,
    pool: &BTreeMap<String, u64>,
    k: u32,
    batches: u32,
) -> BTreeMap<String, u64> {
    let quotas = batch_quotas(ratios, targets, drawn, pool, k, batches);
    let mut out: BTreeMap<String, u64> = ratios.iter().map(|(s, bp)| (s.clone(), *bp)).collect();
    for (s, q) in quotas {
        out.insert(s.clone(), ratio_for(q, pool[&s]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    /// Runs every batch of a task whose registry does not change between freezes: each
    /// batch's pool is the first pool less what was drawn; returns what each batch drew.
    fn run(
        ratios: &BTreeMap<String, u64>,
        first: &BTreeMap<String, u64>,
        batches: u32,
    ) -> Vec<BTreeMap<String, u64>> {
        let targets = targets(ratios, first);
        let mut drawn: BTreeMap<String, u64> = BTreeMap::new();
        let mut out = Vec::new();
        for k in 1..=batches {
            let pool: BTreeMap<String, u64> = first
                .iter()
                .map(|(s, n)| (s.clone(), n - drawn.get(s).copied().unwrap_or(0)))
                .filter(|(_, n)| *n > 0)
                .collect();
            let bp = batch_ratios(ratios, &targets, &drawn, &pool, k, batches);
            let got: BTreeMap<String, u64> =
                pool.iter().map(|(s, n)| (s.clone(), quota(*n, bp[s]))).collect();
            for (s, q) in &got {
                assert!(*q <= pool[s]);
                *drawn.entry(s.clone()).or_default() += q;
            }
            out.push(got);
        }
        for (s, t) in &targets {
            assert!(drawn.get(s).copied().unwrap_or(0) >= *t, "不低于 in {s}: {drawn:?} < {targets:?}");
        }
        out
    }

    #[test]
    fn one_member_is_drawn_once_in_the_first_batch() {
        let got = run(&map(&[("A", 200)]), &map(&[("A", 1)]), 3);
        assert_eq!(got[0]["A"], 1);
        assert!(got[1].is_empty() && got[2].is_empty(), "its stratum is empty afterwards: {got:?}");
    }

    #[test]
    fn twelve_batches_of_a_seven_member_pool() {
        // 30 % of 7 is 3 (rounded up): one in each of the first three batches.
        let got = run(&map(&[("A", 3000)]), &map(&[("A", 7)]), 12);
        let per: Vec<u64> = got.iter().map(|g| g.get("A").copied().unwrap_or(0)).collect();
        assert_eq!(per, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_stratum_emptied_by_earlier_batches_is_simply_absent() {
        // D: 2 members at 100 %, one in each of the first two batches; the third finds D
        // empty and draws only from A.
        let got = run(&map(&[("A", 500), ("D", 10000)]), &map(&[("A", 100), ("D", 2)]), 3);
        assert_eq!((got[0]["D"], got[1]["D"]), (1, 1));
        assert!(!got[2].contains_key("D"));
        assert_eq!(got[0]["A"] + got[1]["A"] + got[2]["A"], 5, "5 % of 100");
    }

    #[test]
    fn the_ratio_gives_exactly_the_quota_up_to_ten_thousand_members() {
        for n in 1..=400u64 {
            for q in 0..=n {
                assert_eq!(quota(n, ratio_for(q, n)), q, "n={n} q={q}");
            }
        }
        for (n, q) in [(10_000, 1), (10_000, 9_999), (9_999, 5_000)] {
            assert_eq!(quota(n, ratio_for(q, n)), q);
        }
        assert!(quota(1_000_000, ratio_for(7, 1_000_000)) >= 7);
    }

    /// 不低于 over random splits: every stratum's total reaches its single-draw quota.
    #[test]
    fn random_splits_keep_the_minimum() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for _ in 0..2_000 {
            let strata = 1 + next(4) as usize;
            let mut ratios = BTreeMap::new();
            let mut first = BTreeMap::new();
            for s in ["A", "B", "C", "W"].iter().take(strata) {
                ratios.insert(s.to_string(), next(10_001));
                first.insert(s.to_string(), 1 + next(60));
            }
            run(&ratios, &first, 2 + next(11) as u32);
        }
    }

    #[test]
    fn batches_are_read_and_checked_against_the_window() {
        let b = parse_batches("3-4，5月、6～7").unwrap();
        assert_eq!(batches_text(&b), "3-4, 5, 6-7");
        assert!(check_batches(&b, 3, 7).is_empty());
        assert_eq!(check_batches(&b, 4, 7).len(), 1, "batch 1 starts before the window");
        assert_eq!(check_batches(&b[..1], 3, 7).len(), 1, "one batch is no split");
        assert!(parse_batches("3-13").is_err() && parse_batches("春季").is_err());
        assert!(parse_batches("").unwrap().is_empty());
    }
}

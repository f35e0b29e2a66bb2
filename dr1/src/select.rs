//! Derived field 7 and the rankings of step 8: the entities selected per
//! stratum by smallest key, and every inspector ranked for each of them.

use crate::check::Prepared;
use crate::keys::{sort_keyed, Keyer, Words, ENTITY_LABEL, TAIL_MAX};
use crate::par::par_chunks;
use crate::rules::quota;
use crate::sort::SortRec;
use crate::types::{DrawInput, PoolEntry};
use std::cmp::Ordering;

/// A candidate entity: its key and pool index.
pub(crate) type Cand = (Words, u32);

/// Derived field 7: in every stratum the `quota` entities with the smallest
/// keys (ties by code), then all of them ordered by key.
pub(crate) fn select(prep: &Prepared<'_>, input: &DrawInput, keyer: &Keyer) -> Vec<Cand> {
    let pool = &input.pool;
    let recs = &prep.pool.recs;
    let quotas: Vec<usize> = prep
        .pool
        .strata
        .iter()
        .zip(&prep.pool.counts)
        .map(|((s, _), &n)| {
            let bp = input.ratios_bp.get(*s).copied().unwrap_or(0);
            // quota ≤ n, which is a usize already.
            quota(n as u64, bp) as usize
        })
        .collect();
    let by_key = |a: &Cand, b: &Cand| {
        a.0.cmp(&b.0).then_with(|| pool[a.1 as usize].code.as_bytes().cmp(pool[b.1 as usize].code.as_bytes()))
    };
    let parts = par_chunks(recs.len(), 1 << 15, |r| select_chunk(keyer, pool, &recs[r], &quotas, &by_key));
    let mut chosen: Vec<Cand> = Vec::with_capacity(quotas.iter().sum());
    for (s, &q) in quotas.iter().enumerate() {
        let mut cands: Vec<Cand> = parts.iter().flat_map(|p| p[s].iter().copied()).collect();
        keep_smallest(&mut cands, q, &by_key);
        chosen.extend(cands);
    }
    chosen.sort_unstable_by(by_key);
    chosen
}

/// The ranking of all inspectors (indices into `ids`) for each chosen entity:
/// entity `k`'s ranking is `rankings[k * ids.len()..][..ids.len()]`.
///
/// One flat vector and one scratch buffer per thread: no allocation per entity.
pub(crate) fn rank_all(keyer: &Keyer, pool: &[PoolEntry], chosen: &[Cand], ids: &[&str]) -> Vec<u32> {
    let min_chunk = (1 << 14) / ids.len().max(1) + 1;
    let parts = par_chunks(chosen.len(), min_chunk, |r| {
        let mut out = Vec::with_capacity(r.len() * ids.len());
        let mut keyed = Vec::with_capacity(ids.len());
        for &(_, e) in &chosen[r] {
            keyed.clear();
            keyer.inspector_keys(pool[e as usize].code.as_bytes(), ids, &mut keyed);
            sort_keyed(&mut keyed, ids);
            out.extend(keyed.iter().map(|&(_, j)| j));
        }
        out
    });
    parts.concat()
}

/// Keys one chunk of the pool and keeps, per stratum, its `quota` smallest candidates.
fn select_chunk(
    keyer: &Keyer,
    pool: &[PoolEntry],
    recs: &[SortRec],
    quotas: &[usize],
    by_key: &impl Fn(&Cand, &Cand) -> Ordering,
) -> Vec<Vec<Cand>> {
    let mut buf = [0u8; TAIL_MAX];
    buf[..ENTITY_LABEL.len()].copy_from_slice(ENTITY_LABEL);
    let mut per: Vec<Vec<Cand>> = vec![Vec::new(); quotas.len()];
    // Per stratum, the first key word of the largest candidate kept by the
    // last trim: a key with a larger first word cannot be among the `quota`
    // smallest any more, so it is not even stored.
    let mut bound = vec![u64::MAX; quotas.len()];
    for r in recs {
        let s = r.stratum();
        let q = quotas[s];
        // A stratum with quota 0 selects nothing: its keys are never needed.
        if q == 0 {
            continue;
        }
        // Label and code, read from the record when it holds the code.
        let key = match r.write_inline(&mut buf[ENTITY_LABEL.len()..]) {
            Some(len) => keyer.key(&mut buf, ENTITY_LABEL.len() + len),
            None => keyer.entity_key(pool[r.idx as usize].code.as_bytes()),
        };
        if key[0] > bound[s] {
            continue;
        }
        let v = &mut per[s];
        v.push((key, r.idx));
        // Trimming whenever the buffer doubles keeps memory O(quota) at O(1) amortised cost.
        if v.len() >= 2 * q + 4096 {
            keep_smallest(v, q, by_key);
            bound[s] = v.iter().map(|c| c.0[0]).max().unwrap_or(u64::MAX);
        }
    }
    for (v, &q) in per.iter_mut().zip(quotas) {
        keep_smallest(v, q, by_key);
    }
    per
}

/// Keeps the `q` smallest elements (in no particular order).
fn keep_smallest(v: &mut Vec<Cand>, q: usize, by_key: &impl Fn(&Cand, &Cand) -> Ordering) {
    if v.len() > q {
        if q > 0 {
            v.select_nth_unstable_by(q - 1, by_key);
        }
        v.truncate(q);
    }
}

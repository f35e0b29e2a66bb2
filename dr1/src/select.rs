//! Derived field 7 and the rankings of step 8: the entities selected per
//! stratum by smallest key, and every inspector ranked for each of them.

use crate::check::Prepared;
use crate::keys::{be_words, sort_keyed, KeyBatch, Keyer, Words};
use crate::lanes::{compress16, Blocks16, States16};
use crate::par::{par_chunks, par_map};
use crate::rules::quota;
use crate::sort::padded_len;
use crate::types::{DrawInput, PoolEntry};
use std::cmp::Ordering;
use std::ops::Range;

/// A candidate entity: its key and pool index.
pub(crate) type Cand = (Words, u32);

/// Derived field 7: in every stratum the `quota` entities with the smallest
/// keys (ties by code), then all of them ordered by key.
pub(crate) fn select(prep: &Prepared<'_>, input: &DrawInput, keyer: &Keyer) -> Vec<Cand> {
    let pool = &input.pool;
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
    let strata = &prep.pool.stratum_of;
    let (index, chunks) = (&prep.pool, prep.pool.chunks());
    let parts = par_map((0..chunks.len()).collect(), |c| {
        select_chunk(keyer, pool, strata, chunks[c].clone(), index.prefixes(c), &quotas, &by_key)
    });
    let mut chosen: Vec<Cand> = Vec::with_capacity(quotas.iter().sum());
    for (s, &q) in quotas.iter().enumerate() {
        let mut cands: Vec<Cand> = parts.iter().flat_map(|p| p[s].iter().copied()).collect();
        keep_smallest(&mut cands, q, &by_key);
        chosen.extend(cands);
    }
    // The first key words (64 random bits) decide; the rest of the order is rarely needed.
    chosen.sort_unstable_by(|a, b| a.0[0].cmp(&b.0[0]).then_with(|| by_key(a, b)));
    chosen
}

/// How many inspectors of each ranking [`rank_all`] gives: without a cap,
/// enough for the team walk nearly always (it stops when the team is full;
/// it asks for the whole ranking, [`ranking`], when they are not); with a
/// cap, loaded inspectors are skipped and walks go deeper: all of them.
pub(crate) fn ranked_prefix(inspectors: usize, team_size: usize, cap: u64) -> usize {
    match cap {
        0 => inspectors.min(team_size.saturating_mul(4).saturating_add(8)),
        _ => inspectors,
    }
}

/// The first `take` inspectors (indices into `ids`) of the ranking of each
/// chosen entity, given by its code: entity `k`'s are `rankings[k * take..][..take]`.
///
/// One flat vector per thread, in chunks of the chosen entities.
pub(crate) fn rank_all(keyer: &Keyer, codes: &[&str], ids: &[&str], take: usize) -> Vec<u32> {
    let min_chunk = (1 << 14) / ids.len().max(1) + 1;
    let parts = par_chunks(codes.len(), min_chunk, |r| {
        let mut out = Vec::with_capacity(r.len() * take);
        match keyer.midstate() {
            Some(state) => rank_batched(keyer, state, &codes[r], ids, take, &mut out),
            None => {
                let mut keyed = Vec::with_capacity(ids.len());
                for code in &codes[r] {
                    rank_exact(keyer, code, ids, &mut keyed, take, &mut out);
                }
            }
        }
        out
    });
    parts.concat()
}

/// The whole ranking of all `ids` for the entity `code`.
pub(crate) fn ranking(keyer: &Keyer, code: &str, ids: &[&str]) -> Vec<u32> {
    let mut out = Vec::with_capacity(ids.len());
    rank_exact(keyer, code, ids, &mut Vec::with_capacity(ids.len()), ids.len(), &mut out);
    out
}

/// Appends to `out` the first `take` of the ranking of all `ids` for
/// `code`, keyed one at a time ([`sort_keyed`]: ties by id); `keyed` is scratch.
fn rank_exact(
    keyer: &Keyer,
    code: &str,
    ids: &[&str],
    keyed: &mut Vec<(Words, u32)>,
    take: usize,
    out: &mut Vec<u32>,
) {
    keyed.clear();
    keyer.inspector_keys(code.as_bytes(), ids, keyed);
    sort_keyed(keyed, ids);
    out.extend(keyed.iter().take(take).map(|&(_, j)| j));
}

/// [`rank_all`] for a chunk, sixteen entities at a time, one per SIMD lane:
/// each block is an entity's half (label, code) ORed with an inspector's
/// half (id, padding, length), so one inspector's blocks for sixteen
/// entities are sixteen ORs of whole rows, and every lane does useful work.
/// Each ranking is then sorted on the keys' first words, the inspector index
/// in their low bits. An entity whose tails are too long for one block, or
/// whose keys tie in the remaining high bits, is ranked by [`rank_exact`].
fn rank_batched(
    keyer: &Keyer,
    state: &[u32; 8],
    codes: &[&str],
    ids: &[&str],
    take: usize,
    out: &mut Vec<u32>,
) {
    let n = ids.len();
    let index_bits = usize::BITS - (n.max(2) - 1).leading_zeros();
    let index_mask = (1u64 << index_bits) - 1;
    let mut firsts = vec![0u64; 16 * n];
    let (mut exact, mut low) = (Vec::with_capacity(n), vec![0u64; n]);
    let below = front_bound(n, take);
    let mut halves = InspectorHalves::new(keyer, ids);
    let (mut heads, mut blocks): (Blocks16, Blocks16) = ([[0; 16]; 16], [[0; 16]; 16]);
    let mut states: States16 = [[0; 16]; 8];
    for group in codes.chunks(16) {
        // Lanes whose code has the first lane's length share its inspector halves.
        let base = InspectorHalves::LABEL.len() + group[0].len() + 1;
        let mut fast = [false; 16];
        if let Some(tails) = halves.tails(base) {
            for (lane, &code) in group.iter().enumerate() {
                if InspectorHalves::LABEL.len() + code.len() + 1 == base {
                    fast[lane] = true;
                    for (row, w) in heads.iter_mut().zip(InspectorHalves::head(code)) {
                        row[lane] = w;
                    }
                }
            }
            for (j, tail) in tails.iter().enumerate() {
                for ((block, head), &t) in blocks.iter_mut().zip(&heads).zip(tail) {
                    for (b, &h) in block.iter_mut().zip(head) {
                        *b = h | t;
                    }
                }
                compress16(state, &blocks, &mut states);
                for lane in 0..group.len() {
                    let first = (u64::from(states[0][lane]) << 32) | u64::from(states[1][lane]);
                    firsts[lane * n + j] = (first & !index_mask) | j as u64;
                }
            }
        }
        for (lane, &code) in group.iter().enumerate() {
            let ranked = &mut firsts[lane * n..(lane + 1) * n];
            if fast[lane] {
                // The first `take`, and the next one, whose tie with the last would also matter.
                sort_front(ranked, take, below, &mut low);
                let next = ranked.get(take).copied();
                let tied = |a: u64, b: u64| a ^ b <= index_mask;
                let head = &ranked[..take.min(n)];
                if head.windows(2).all(|w| !tied(w[0], w[1]))
                    && next.is_none_or(|x| head.last().is_none_or(|&l| !tied(l, x)))
                {
                    out.extend(head.iter().map(|&f| (f & index_mask) as u32));
                    continue;
                }
            }
            rank_exact(keyer, code, ids, &mut exact, take, out);
        }
    }
}

/// A bound below which, of `n` random keys, the `take + 1` smallest nearly
/// always lie (their expected count there is `take + 1` plus two standard
/// deviations); `u64::MAX` when that is all of them.
fn front_bound(n: usize, take: usize) -> u64 {
    let wanted = (take + 1) as f64;
    let share = (wanted + 2.0 * wanted.sqrt()) / n.max(1) as f64;
    match share < 1.0 {
        true => (share * 2f64.powi(64)) as u64,
        false => u64::MAX,
    }
}

/// Sorts the `take + 1` smallest of `ranked` to its front (all of them if
/// fewer). Those below `below` are gathered into `low` (as long as `ranked`)
/// without a branch, and sorted alone when they are enough: a small sort
/// instead of a selection over all. The result never depends on `below`.
fn sort_front(ranked: &mut [u64], take: usize, below: u64, low: &mut [u64]) {
    if ranked.len() <= take + 1 {
        ranked.sort_unstable();
        return;
    }
    let mut count = 0;
    for (&x, i) in ranked.iter().zip(0..) {
        low[count.min(i)] = x;
        count += usize::from(x < below);
    }
    if count > take {
        let low = &mut low[..count];
        low.sort_unstable();
        ranked[..=take].copy_from_slice(&low[..=take]);
    } else {
        ranked.select_nth_unstable(take);
        ranked[..take].sort_unstable();
    }
}

/// The block of an inspector key, `seed + "\ninspector\n" + code + "\n" + id`,
/// in two halves that do not overlap: the entity's (label, code and line
/// feed) and the inspector's (id, padding and length). The inspector halves
/// depend on the code only through its length, so they are built once per
/// length; a key's block is then the OR of two halves, sixteen words.
struct InspectorHalves<'a> {
    keyer: &'a Keyer,
    ids: &'a [&'a str],
    /// Inspector halves by the offset where the id starts; `None` if some tail would not fit one block.
    by_base: Vec<Option<Option<Vec<[u32; 16]>>>>,
}

impl<'a> InspectorHalves<'a> {
    const LABEL: &'static [u8] = b"\ninspector\n";

    fn new(keyer: &'a Keyer, ids: &'a [&'a str]) -> Self {
        InspectorHalves { keyer, ids, by_base: vec![None; 56] }
    }

    /// The entity half for `code` (whose tails must fit one block).
    fn head(code: &str) -> [u32; 16] {
        let mut head = [0u8; 64];
        let end = Self::LABEL.len() + code.len();
        head[..Self::LABEL.len()].copy_from_slice(Self::LABEL);
        head[Self::LABEL.len()..end].copy_from_slice(code.as_bytes());
        head[end] = b'\n';
        be_words(&head)
    }

    /// The inspector halves for ids starting at `base`, if every tail fits one block.
    fn tails(&mut self, base: usize) -> Option<&[[u32; 16]]> {
        let (keyer, ids) = (self.keyer, self.ids);
        self.by_base
            .get_mut(base)?
            .get_or_insert_with(|| {
                ids.iter()
                    .map(|id| {
                        // Zeros where the entity's half goes, then the id: its block is the inspector's half.
                        let len = base + id.len();
                        (len <= 55).then(|| {
                            let mut tail = [0u8; 64];
                            tail[base..len].copy_from_slice(id.as_bytes());
                            keyer.tail_block(&tail[..len])
                        })
                    })
                    .collect()
            })
            .as_deref()
    }
}

/// Keys the pool entries `range` (in pool order: a key does not depend on
/// the order), whose codes' [`prefix_words`] are `prefixes`, and keeps, per
/// stratum, its `quota` smallest candidates.
#[allow(clippy::too_many_arguments)]
fn select_chunk(
    keyer: &Keyer,
    pool: &[PoolEntry],
    strata: &[u32],
    range: Range<usize>,
    prefixes: &[[u64; 3]],
    quotas: &[usize],
    by_key: &impl Fn(&Cand, &Cand) -> Ordering,
) -> Vec<Vec<Cand>> {
    let mut per: Vec<Vec<Cand>> = vec![Vec::new(); quotas.len()];
    // Per stratum, the first key word of the largest candidate kept by the
    // last trim: a key with a larger first word cannot be among the `quota`
    // smallest any more, so it is not even stored.
    let mut bound = vec![u64::MAX; quotas.len()];
    let mut consider = |first: u64, key: &dyn Fn() -> Words, e: u32| {
        let s = strata[e as usize] as usize;
        if first > bound[s] {
            return;
        }
        let (v, q) = (&mut per[s], quotas[s]);
        v.push((key(), e));
        // Trimming whenever the buffer doubles keeps memory O(quota) at O(1) amortised cost.
        if v.len() >= 2 * q + 4096 {
            keep_smallest(v, q, by_key);
            bound[s] = v.iter().map(|c| c.0[0]).max().unwrap_or(u64::MAX);
        }
    };
    // Codes of up to 23 bytes are keyed sixteen at a time when the keyer
    // can, from their prefixes alone (a checked code holds no NUL, so the
    // zero padding gives its length); the others one by one.
    let mut batch = KeyBatch::<u32>::for_entities();
    let start = range.start;
    for e in range {
        // A stratum with quota 0 selects nothing: its keys are never needed.
        if quotas[strata[e] as usize] == 0 {
            continue;
        }
        match (keyer.midstate(), prefixes.get(e - start)) {
            (Some(state), Some(prefix)) if prefix[2] & 0xff == 0 => {
                if batch.push_entity(keyer, prefix, padded_len(prefix), e as u32) {
                    batch.flush(state, |key, e| consider(key.first(), &|| key.words(), e));
                }
            }
            _ => {
                let key = keyer.entity_key(pool[e].code.as_bytes());
                consider(key[0], &|| key, e as u32);
            }
        }
    }
    if let Some(state) = keyer.midstate() {
        batch.flush(state, |key, e| consider(key.first(), &|| key.words(), e));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the bound, the `take + 1` smallest end up sorted at the front.
    #[test]
    fn sort_front_sorts_the_smallest_whatever_the_bound() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..2_000 {
            let n = 1 + case % 70;
            let take = case % 23;
            let keys: Vec<u64> = (0..n).map(|_| next()).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let front = (take + 1).min(n);
            for below in [0, u64::MAX, front_bound(n, take), next()] {
                let (mut ranked, mut low) = (keys.clone(), vec![0; n]);
                sort_front(&mut ranked, take, below, &mut low);
                assert_eq!(ranked[..front], sorted[..front], "case {case}, bound {below}");
            }
        }
    }
}

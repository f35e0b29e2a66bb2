//! The pool indexed for the draw: validated, sorted by code in parallel
//! chunks, counted per stratum, searchable by code, and its digest
//! (derived field 1).

use crate::par::{par_chunks, par_map};
use crate::refusal::{check_identifier, Refusal};
use crate::sort::{cmp_rec, merge_sorted, RadixKey, SortRec, INLINE, LONG};
use crate::types::PoolEntry;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;

/// `pool_digest`: SHA-256 of `code + "\t" + stratum + "\n"` for each entry sorted by code.
pub fn pool_digest(pool: &[PoolEntry]) -> String {
    match index_pool(pool, false) {
        Ok(index) => hex::encode(digest_sorted(pool, &index.recs, &index.strata)),
        Err(_) => unreachable!("index_pool refuses only when validating"),
    }
}

/// The pool indexed: records sorted by code, and its strata.
pub(crate) struct PoolIndex<'a> {
    pub(crate) recs: Vec<SortRec>,
    /// Distinct strata in order of first appearance, with that first pool index.
    pub(crate) strata: Vec<(&'a str, u32)>,
    /// Members per stratum.
    pub(crate) counts: Vec<usize>,
}

/// Records of one chunk of the pool, with chunk-local stratum indices; with
/// `validate`, refusal 1 on each code and stratum (the first in pool order).
type Scanned<'a> = (Vec<SortRec>, Vec<(&'a str, u32)>);

fn scan_chunk(pool: &[PoolEntry], range: Range<usize>, validate: bool) -> Result<Scanned<'_>, Refusal> {
    let mut local: Vec<(&str, u32)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut recs = Vec::with_capacity(range.len());
    for i in range {
        let p = &pool[i];
        if validate {
            check_identifier(|| format!("pool[{i}].code"), &p.code)?;
        }
        let s = p.stratum.as_str();
        // Pools have a handful of strata: a short scan beats hashing every entry.
        let known = if local.len() <= 8 {
            local.iter().position(|&(x, _)| x == s).map(|x| x as u32)
        } else {
            lookup.get(s).copied()
        };
        let id = match known {
            Some(id) => id,
            None => {
                if validate {
                    check_identifier(|| format!("pool[{i}].stratum"), s)?;
                }
                let id = local.len() as u32;
                local.push((s, i as u32));
                lookup.insert(s, id);
                id
            }
        };
        recs.push(SortRec::new(&p.code, i, id, validate));
    }
    Ok((recs, local))
}

/// Validates (if asked), indexes and sorts the pool, in parallel chunks.
pub(crate) fn index_pool(pool: &[PoolEntry], validate: bool) -> Result<PoolIndex<'_>, Refusal> {
    // Chunks of 16,384 or more: a pool of 10^5 is scanned and sorted on two
    // cores too (a thread costs tens of microseconds; such a chunk, milliseconds).
    let scanned = par_chunks(pool.len(), 1 << 14, |r| scan_chunk(pool, r, validate));
    // Chunks in pool order: the first error is the first in the pool, and
    // strata get their global index in order of first appearance.
    let mut strata: Vec<(&str, u32)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut jobs = Vec::with_capacity(scanned.len());
    for chunk in scanned {
        let (recs, local) = chunk?;
        let remap: Vec<u32> = local
            .iter()
            .map(|&(name, first)| {
                *lookup.entry(name).or_insert_with(|| {
                    strata.push((name, first));
                    (strata.len() - 1) as u32
                })
            })
            .collect();
        jobs.push((recs, remap));
    }
    let n_strata = strata.len();
    let sorted = par_map(jobs, |(mut recs, remap)| {
        let mut counts = vec![0usize; n_strata];
        for r in &mut recs {
            let s = remap[r.stratum()];
            r.tag = (r.tag & LONG) | s;
            counts[s as usize] += 1;
        }
        // Each chunk is sorted on its own key: the merge compares records.
        RadixKey::new(&recs).sort(&mut recs, |a, b| cmp_rec(pool, a, b));
        (recs, counts)
    });
    let mut counts = vec![0usize; n_strata];
    let mut runs = Vec::with_capacity(sorted.len());
    for (recs, part) in sorted {
        for (total, n) in counts.iter_mut().zip(part) {
            *total += n;
        }
        runs.push(recs);
    }
    Ok(PoolIndex { recs: merge_sorted(runs, |a, b| cmp_rec(pool, a, b)), strata, counts })
}

/// The pool index holding `code`, if any (`recs` sorted, codes unique).
pub(crate) fn find_code(pool: &[PoolEntry], recs: &[SortRec], code: &str) -> Option<u32> {
    let target = SortRec::new(code, 0, 0, false);
    recs.binary_search_by(|r| {
        r.prefix.cmp(&target.prefix).then_with(|| pool[r.idx as usize].code.as_bytes().cmp(code.as_bytes()))
    })
    .ok()
    .map(|i| recs[i].idx)
}

/// SHA-256 of the lines `code + "\t" + stratum + "\n"` in the order of `recs`.
pub(crate) fn digest_sorted(pool: &[PoolEntry], recs: &[SortRec], strata: &[(&str, u32)]) -> [u8; 32] {
    // Lines are assembled in a buffer with fixed-size copies (a few vector
    // moves each, no calls); the bytes past a line's end are overwritten by
    // the next one. Anything longer goes straight to the hasher.
    const TAIL: usize = 72;
    let tails: Vec<Option<([u8; TAIL], usize)>> = strata
        .iter()
        .map(|(s, _)| {
            let b = s.as_bytes();
            (b.len() + 2 <= TAIL).then(|| {
                let mut t = [0u8; TAIL];
                t[0] = b'\t';
                t[1..=b.len()].copy_from_slice(b);
                t[b.len() + 1] = b'\n';
                (t, b.len() + 2)
            })
        })
        .collect();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 14];
    let mut pos = 0;
    for r in recs {
        if pos + INLINE + TAIL > buf.len() {
            h.update(&buf[..pos]);
            pos = 0;
        }
        match r.write_inline(&mut buf[pos..]) {
            Some(len) => pos += len,
            None => {
                h.update(&buf[..pos]);
                pos = 0;
                h.update(pool[r.idx as usize].code.as_bytes());
            }
        }
        match &tails[r.stratum()] {
            Some((t, len)) => {
                buf[pos..pos + TAIL].copy_from_slice(t);
                pos += len;
            }
            None => {
                h.update(&buf[..pos]);
                pos = 0;
                h.update(b"\t");
                h.update(strata[r.stratum()].0.as_bytes());
                h.update(b"\n");
            }
        }
    }
    h.update(&buf[..pos]);
    h.finalize().into()
}

#[cfg(test)]
mod tests;

//! The pool indexed for the draw: validated, sorted by code on every core,
//! counted per stratum, searchable by code, and its digest (derived field 1).
//!
//! A pool of credit codes is sorted as packed integers: a code's varying
//! bits (about 51 of its 144) and its stratum's rank in one `u64`, with the
//! pool index beside it, sorted by an MSD radix sort. The packed value gives
//! the code back, so the digest streams over 16-byte pairs without chasing
//! the pool's strings. Codes that do not pack (longer than 24 bytes, or more
//! than 64 varying bits with the stratum) are sorted as whole records; the
//! browser verifier always sorts records, by comparison (less code).

use crate::par::{chunk_ranges, par_map, split_lengths};
#[cfg(not(target_arch = "wasm32"))]
use crate::radix::{bounds, merge_sorted, radix_sort_with, sort_records, RadixKey, RadixScratch};
use crate::refusal::{check_identifier, Refusal};
use crate::sort::{cmp_rec, prefix_words, word_at, SortRec, INLINE};
use crate::types::PoolEntry;
use std::collections::BTreeMap;
use std::ops::Range;

/// The pool indexed: its entries in code order, and its strata.
pub(crate) struct PoolIndex<'a> {
    pub(crate) order: Order,
    /// The stratum of each entry, in pool order.
    pub(crate) stratum_of: Vec<u32>,
    /// Distinct strata in order of first appearance, with that first pool index.
    pub(crate) strata: Vec<(&'a str, u32)>,
    /// Members per stratum.
    pub(crate) counts: Vec<usize>,
    /// The pool's consecutive chunks (one per core), and for each the first 24
    /// bytes of its codes as [`prefix_words`]: read once from the pool's strings,
    /// then by the sort and the selection's batches instead of them (natively;
    /// the browser keeps none, and its selection reads the codes).
    chunks: Vec<Range<usize>>,
    prefixes: Vec<Vec<[u64; 3]>>,
}

/// The entries in code order.
pub(crate) enum Order {
    /// `(code key << stratum bits | stratum rank, pool index)`, sorted.
    #[cfg(not(target_arch = "wasm32"))]
    Packed {
        pairs: Vec<(u64, u32)>,
        key: RadixKey,
        /// Bits of the stratum rank, and the stratum of each rank.
        rank_bits: u32,
        by_rank: Vec<u32>,
        /// The first position whose code the next one repeats (found by the bucket sorts).
        repeat: Option<usize>,
    },
    /// Whole records, sorted.
    Records(Vec<SortRec>),
}

impl PoolIndex<'_> {
    /// The pool's consecutive chunks, one per core.
    pub(crate) fn chunks(&self) -> &[Range<usize>] {
        &self.chunks
    }

    /// The prefixes of chunk `c`'s codes (none in the browser).
    pub(crate) fn prefixes(&self, c: usize) -> &[[u64; 3]] {
        self.prefixes.get(c).map_or(&[], Vec::as_slice)
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        match &self.order {
            #[cfg(not(target_arch = "wasm32"))]
            Order::Packed { pairs, .. } => pairs.len(),
            Order::Records(recs) => recs.len(),
        }
    }

    /// The entry at position `i` of the code order, as a record.
    #[inline]
    pub(crate) fn rec(&self, i: usize) -> SortRec {
        match &self.order {
            #[cfg(not(target_arch = "wasm32"))]
            Order::Packed { pairs, key, rank_bits, by_rank, .. } => {
                let (packed, idx) = pairs[i];
                SortRec {
                    prefix: key.decode(packed >> rank_bits),
                    idx,
                    tag: by_rank[(packed & ((1 << rank_bits) - 1)) as usize],
                }
            }
            Order::Records(recs) => recs[i],
        }
    }

    /// The entries at positions `range` of the code order, as records.
    pub(crate) fn recs(&self, range: Range<usize>) -> impl Iterator<Item = SortRec> + '_ {
        range.map(|i| self.rec(i))
    }

    /// The first code (in code order) held by two entries.
    pub(crate) fn first_repeat<'p>(&self, pool: &'p [PoolEntry]) -> Option<&'p str> {
        let i = match &self.order {
            // Packed codes are equal when their keys are.
            #[cfg(not(target_arch = "wasm32"))]
            Order::Packed { repeat, .. } => (*repeat)?,
            Order::Records(recs) => recs.windows(2).position(|w| {
                w[0].prefix == w[1].prefix && pool[w[0].idx as usize].code == pool[w[1].idx as usize].code
            })?,
        };
        Some(&pool[self.rec(i).idx as usize].code)
    }

    /// The pool index holding `code`, if any (codes unique).
    pub(crate) fn find(&self, pool: &[PoolEntry], code: &str) -> Option<u32> {
        let target = prefix_words(code.as_bytes());
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let r = self.rec(mid);
            match r
                .prefix
                .cmp(&target)
                .then_with(|| pool[r.idx as usize].code.as_bytes().cmp(code.as_bytes()))
            {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(r.idx),
            }
        }
        None
    }
}

/// What the scan of one chunk finds: its strata (chunk-local indices, with
/// their first pool index) and members of each, the AND and OR of its
/// codes' prefixes, and whether some code does not fit a prefix.
struct Scanned<'a> {
    prefixes: Vec<[u64; 3]>,
    strata: Vec<(&'a str, u32)>,
    counts: Vec<usize>,
    and: [u64; 3],
    or: [u64; 3],
    long: bool,
}

/// Scans `pool[range]`, writing each entry's chunk-local stratum to
/// `local`; with `validate`, refusal 1 on each code and stratum (the first
/// in pool order).
fn scan_chunk<'a>(
    pool: &'a [PoolEntry],
    range: Range<usize>,
    local: &mut [u32],
    validate: bool,
) -> Result<Scanned<'a>, Refusal> {
    let mut strata: Vec<(&str, u32)> = Vec::new();
    // The strata while all have up to 8 bytes, as (length, bytes as a word):
    // compared without a call.
    let mut short: Vec<(usize, u64)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut counts = Vec::new();
    let (mut and, mut or) = ([u64::MAX; 3], [0u64; 3]);
    let mut long = false;
    // Kept for the sort and the selection's batches, which the browser does without.
    let keep = !cfg!(target_arch = "wasm32");
    let mut prefixes = Vec::with_capacity(if keep { range.len() } else { 0 });
    for (i, slot) in range.zip(local.iter_mut()) {
        let p = &pool[i];
        let code = p.code.as_bytes();
        let prefix = prefix_words(code);
        if keep {
            prefixes.push(prefix);
        }
        if validate && !identifier_words(&prefix, code.len()) {
            check_identifier(|| format!("pool[{i}].code"), &p.code)?;
        }
        long |= code.len() > INLINE || (!validate && code.contains(&0));
        for w in 0..3 {
            and[w] &= prefix[w];
            or[w] |= prefix[w];
        }
        let s = p.stratum.as_str();
        // Pools have a handful of strata: a short scan beats a map lookup.
        let word = (s.len() <= 8).then(|| (s.len(), word_at(s.as_bytes(), 0)));
        let known = match word {
            // Every entry compared (no early exit): strata come in no order, and a
            // search that stops at the match mispredicts a branch per entry.
            // (The strata differ, so at most one matches: its index + 1 is ORed in.)
            Some(w) if short.len() == strata.len() => short
                .iter()
                .enumerate()
                .fold(0u32, |hit, (k, &x)| hit | (u32::from(x == w) * (k as u32 + 1)))
                .checked_sub(1),
            _ => lookup.get(s).copied(),
        };
        let id = match known {
            Some(id) => id,
            None => {
                if validate {
                    check_identifier(|| format!("pool[{i}].stratum"), s)?;
                }
                let id = strata.len() as u32;
                strata.push((s, i as u32));
                if let Some(w) = word.filter(|_| short.len() + 1 == strata.len() && short.len() < 8) {
                    short.push(w);
                }
                lookup.insert(s, id);
                counts.push(0);
                id
            }
        };
        counts[id as usize] += 1;
        *slot = id;
    }
    Ok(Scanned { prefixes, strata, counts, and, or, long })
}

/// Whether a code of `len` bytes, 1 to 24, held in `prefix`, is an
/// identifier (every byte 0x21–0x7E): the same test as
/// [`is_identifier`](crate::is_identifier), eight bytes at a time. `false`
/// also for other lengths, which the caller then checks byte by byte.
#[inline]
fn identifier_words(prefix: &[u64; 3], len: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    if len == 0 || len > INLINE {
        return false;
    }
    prefix.iter().enumerate().fold(true, |ok, (w, &x)| {
        // The high bit of each of the word's bytes that belong to the code.
        let bytes = len.saturating_sub(8 * w).min(8);
        let lanes = if bytes == 0 { 0 } else { HIGH << (8 * (8 - bytes)) };
        // Per byte, without carries between bytes: the low seven bits
        // plus 0x5F reach 0x80 from 0x21 on; plus 0x01, from 0x7F on.
        let y = x & LOW7;
        let good = !x & (y + 0x5f5f_5f5f_5f5f_5f5f) & !(y + 0x0101_0101_0101_0101) & HIGH;
        ok & (good & lanes == lanes)
    })
}

/// Validates (if asked), indexes and sorts the pool, on every core.
pub(crate) fn index_pool(pool: &[PoolEntry], validate: bool) -> Result<PoolIndex<'_>, Refusal> {
    // Chunks of 16,384 or more: a pool of 10^5 is scanned and sorted on two
    // cores too (a thread costs tens of microseconds; such a chunk, milliseconds).
    let chunks = chunk_ranges(pool.len(), 1 << 14);
    let mut local = vec![0u32; pool.len()];
    let jobs: Vec<_> =
        chunks.iter().cloned().zip(split_lengths(&mut local, chunks.iter().map(|r| r.len()))).collect();
    let scanned = par_map(jobs, |(range, local)| scan_chunk(pool, range, local, validate));
    // Chunks in pool order: the first error is the first in the pool, and
    // strata get their global index in order of first appearance.
    let mut strata: Vec<(&str, u32)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(scanned.len());
    let mut counts = Vec::new();
    let (mut and, mut or) = ([u64::MAX; 3], [0u64; 3]);
    let mut long = false;
    let mut prefixes = Vec::with_capacity(scanned.len());
    for chunk in scanned {
        let mut chunk = chunk?;
        prefixes.push(std::mem::take(&mut chunk.prefixes));
        let remap: Vec<u32> = chunk
            .strata
            .iter()
            .map(|&(name, first)| {
                *lookup.entry(name).or_insert_with(|| {
                    strata.push((name, first));
                    counts.push(0);
                    (strata.len() - 1) as u32
                })
            })
            .collect();
        for (&s, n) in remap.iter().zip(chunk.counts) {
            counts[s as usize] += n;
        }
        remaps.push(remap);
        for w in 0..3 {
            and[w] &= chunk.and[w];
            or[w] |= chunk.or[w];
        }
        long |= chunk.long;
    }
    // Chunk-local strata become the pool's.
    let jobs: Vec<_> =
        split_lengths(&mut local, chunks.iter().map(|r| r.len())).into_iter().zip(&remaps).collect();
    par_map(jobs, |(local, remap)| local.iter_mut().for_each(|s| *s = remap[*s as usize]));
    let stratum_of = local;
    let order =
        sort_order(pool, &chunks, &prefixes, &stratum_of, &strata, Bounds { and, or, long }, validate);
    Ok(PoolIndex { order, stratum_of, strata, counts, chunks, prefixes })
}

/// What the scan found of all codes: the AND and OR of their prefixes, and
/// whether some code does not fit a prefix (unread in the browser, which
/// sorts by comparison).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Bounds {
    and: [u64; 3],
    or: [u64; 3],
    long: bool,
}

/// The pool in code order: packed when the codes allow, else as records.
#[cfg(not(target_arch = "wasm32"))]
fn sort_order(
    pool: &[PoolEntry],
    chunks: &[Range<usize>],
    prefixes: &[Vec<[u64; 3]>],
    stratum_of: &[u32],
    strata: &[(&str, u32)],
    bounds: Bounds,
    validate: bool,
) -> Order {
    if !bounds.long {
        if let Some(order) = sort_packed(chunks, prefixes, stratum_of, strata, bounds.and, bounds.or) {
            return order;
        }
    }
    Order::Records(sort_records_of(pool, chunks, stratum_of, validate))
}

/// The pool in code order, as records compared in one thread: in the
/// browser the verifier's size matters more than its sort's speed.
#[cfg(target_arch = "wasm32")]
fn sort_order(
    pool: &[PoolEntry],
    _: &[Range<usize>],
    _: &[Vec<[u64; 3]>],
    stratum_of: &[u32],
    _: &[(&str, u32)],
    _: Bounds,
    validate: bool,
) -> Order {
    let mut recs: Vec<SortRec> =
        pool.iter().enumerate().map(|(i, p)| SortRec::new(&p.code, i, stratum_of[i], validate)).collect();
    recs.sort_unstable_by(|a, b| cmp_rec(pool, a, b));
    Order::Records(recs)
}

/// The pool as records sorted by code: by a radix key in chunks, merged.
#[cfg(not(target_arch = "wasm32"))]
fn sort_records_of(
    pool: &[PoolEntry],
    chunks: &[Range<usize>],
    stratum_of: &[u32],
    validate: bool,
) -> Vec<SortRec> {
    let runs = par_map(chunks.to_vec(), |range| {
        let mut recs: Vec<SortRec> =
            range.map(|i| SortRec::new(&pool[i].code, i, stratum_of[i], validate)).collect();
        // Each chunk is sorted on its own key: the merge compares records.
        let (and, or) = bounds(recs.iter().map(|r| &r.prefix));
        sort_records(&mut recs, &RadixKey::new(and, or), |a, b| cmp_rec(pool, a, b));
        recs
    });
    merge_sorted(runs, |a, b| cmp_rec(pool, a, b))
}

/// The packed pairs of the pool, sorted: an MSD radix sort on every core.
///
/// Each chunk packs its entries and counts them per bucket (the values' top
/// 12 bits), then scatters them to their buckets (each chunk writing its
/// own part of every bucket); the buckets, in contiguous ranges of about
/// equal size per core, are then sorted where they lie. Only the packing and
/// the scatter stream over the whole pool; a bucket of a million credit
/// codes (their top bits are a handful of district digits) is a few
/// thousand pairs, sorted in the caches.
#[cfg(not(target_arch = "wasm32"))]
fn sort_packed(
    chunks: &[Range<usize>],
    prefixes: &[Vec<[u64; 3]>],
    stratum_of: &[u32],
    strata: &[(&str, u32)],
    and: [u64; 3],
    or: [u64; 3],
) -> Option<Order> {
    let key = RadixKey::new(and, or);
    // Strata ranked by their bytes: equal codes (a refused pool) then sort by stratum, as `cmp_rec` does.
    let mut by_rank: Vec<u32> = (0..strata.len() as u32).collect();
    by_rank.sort_unstable_by_key(|&s| strata[s as usize].0.as_bytes());
    let mut rank = vec![0u64; strata.len()];
    for (r, &s) in by_rank.iter().enumerate() {
        rank[s as usize] = r as u64;
    }
    let rank_bits = 64 - (strata.len().max(1) as u64 - 1).leading_zeros();
    if !key.exact() || key.bits() + rank_bits > 64 {
        return None;
    }
    let bits = key.bits() + rank_bits;
    let top = bits.min(12);
    let buckets = 1usize << top;
    let bucket = |packed: u64| (packed >> (bits - top)) as usize;
    let packed = par_map(chunks.iter().cloned().zip(prefixes).collect(), |(range, prefixes)| {
        let mut histogram = vec![0usize; buckets];
        let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(range.len());
        let mut i = range.start;
        key.for_each_key(prefixes, |code| {
            let packed = (code << rank_bits) | rank[stratum_of[i] as usize];
            histogram[bucket(packed)] += 1;
            pairs.push((packed, i as u32));
            i += 1;
        });
        (pairs, histogram)
    });
    let n = stratum_of.len();
    let mut sorted = vec![(0u64, 0u32); n];
    // Bucket-major: the part of bucket `b` written by chunk `c` is piece `b * chunks + c`.
    let lengths = (0..buckets).flat_map(|b| packed.iter().map(move |(_, h)| h[b]));
    let mut parts: Vec<Vec<&mut [(u64, u32)]>> = packed.iter().map(|_| Vec::with_capacity(buckets)).collect();
    for (i, piece) in split_lengths(&mut sorted, lengths).into_iter().enumerate() {
        parts[i % packed.len()].push(piece);
    }
    let jobs: Vec<_> = packed.iter().zip(parts).collect();
    par_map(jobs, |((pairs, _), mut parts)| {
        let mut filled = vec![0usize; buckets];
        for &pair in pairs {
            let b = bucket(pair.0);
            parts[b][filled[b]] = pair;
            filled[b] += 1;
        }
    });
    let sizes: Vec<usize> = (0..buckets).map(|b| packed.iter().map(|(_, h)| h[b]).sum()).collect();
    drop(packed);
    // Contiguous ranges of buckets, about n / parts pairs each.
    let parts = crate::par::threads().min(chunks.len());
    let mut ranges: Vec<Vec<usize>> = vec![Vec::new()];
    let mut taken = 0;
    for &size in &sizes {
        if ranges.len() < parts && taken * parts >= n * ranges.len() && ranges.iter().all(|r| !r.is_empty()) {
            ranges.push(Vec::new());
        }
        if let Some(last) = ranges.last_mut() {
            last.push(size);
        }
        taken += size;
    }
    let lengths: Vec<usize> = ranges.iter().map(|r| r.iter().sum()).collect();
    let starts = lengths.iter().scan(0, |at, &len| Some(std::mem::replace(at, *at + len)));
    let jobs: Vec<_> =
        ranges.iter().zip(starts).zip(split_lengths(&mut sorted, lengths.iter().copied())).collect();
    let repeats = par_map(jobs, |((sizes, start), mut range)| {
        // A radix sort of the bits below the bucket's: measured a little faster
        // than a comparison sort here, in idle windows of this shared machine.
        let mut scratch = RadixScratch::default();
        let (mut at, mut repeat) = (start, None);
        for &size in sizes {
            let (bucket, rest) = range.split_at_mut(size);
            if size > 1 {
                radix_sort_with(bucket, bits - top, &mut scratch);
            }
            // Equal codes have equal keys, so a repeat is within a bucket; sought while it is in cache.
            if repeat.is_none() {
                repeat = bucket
                    .windows(2)
                    .position(|w| w[0].0 >> rank_bits == w[1].0 >> rank_bits)
                    .map(|i| at + i);
            }
            at += size;
            range = rest;
        }
        repeat
    });
    let repeat = repeats.into_iter().flatten().next();
    Some(Order::Packed { pairs: sorted, key, rank_bits, by_rank, repeat })
}

#[cfg(test)]
mod tests;

//! Pool entries ordered by code in byte order: compact sort records, their
//! comparison, a radix sort on them and the merge of sorted runs.
//!
//! Knows nothing of refusals or hashing; [`crate::pool`] puts it to work.

use crate::types::PoolEntry;
use std::cmp::Ordering;

/// A pool entry in the sort: the first 24 bytes of its code as big-endian
/// words (zero-padded), its index and its stratum.
///
/// Credit codes have 18 bytes, so a record alone orders and spells its code:
/// the sort, the repeat check, the digest and the key pass stream over
/// records and never chase the pool's strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SortRec {
    pub(crate) prefix: [u64; 3],
    pub(crate) idx: u32,
    /// Stratum index, with [`LONG`] set when the code is not held whole in `prefix`.
    pub(crate) tag: u32,
}

/// Code bytes a [`SortRec`] can hold.
pub(crate) const INLINE: usize = 24;

/// Tag bit: the code is longer than 24 bytes or holds a NUL, so read it from the pool.
/// Pool and stratum indices stay far below 2^31 (such a pool would need > 100 GB).
pub(crate) const LONG: u32 = 1 << 31;

impl SortRec {
    /// A record; `valid` promises the code is an identifier (so it holds no NUL).
    pub(crate) fn new(code: &str, idx: usize, stratum: u32, valid: bool) -> Self {
        let b = code.as_bytes();
        let mut padded = [0u8; INLINE];
        let n = b.len().min(INLINE);
        padded[..n].copy_from_slice(&b[..n]);
        let mut prefix = [0u64; 3];
        for (w, chunk) in prefix.iter_mut().zip(padded.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *w = u64::from_be_bytes(word);
        }
        let long = b.len() > INLINE || (!valid && b.contains(&0));
        SortRec { prefix, idx: idx as u32, tag: stratum | if long { LONG } else { 0 } }
    }

    /// The 24 prefix bytes (the code, zero-padded or cut).
    #[inline]
    fn prefix_bytes(&self) -> [u8; INLINE] {
        let mut b = [0u8; INLINE];
        for (chunk, w) in b.chunks_exact_mut(8).zip(&self.prefix) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        b
    }

    pub(crate) fn stratum(&self) -> usize {
        (self.tag & !LONG) as usize
    }

    /// The code's length, if the code is inline (held whole in `prefix`).
    #[inline]
    pub(crate) fn inline_len(&self) -> Option<usize> {
        if self.tag & LONG != 0 {
            return None;
        }
        // Inline codes hold no NUL, so the length is where the zero padding starts.
        Some(match self.prefix.iter().rposition(|&w| w != 0) {
            None => 0,
            Some(k) => 8 * k + 8 - (self.prefix[k].trailing_zeros() / 8) as usize,
        })
    }

    /// Writes the prefix into `out` and returns the code's length, if the code is inline.
    pub(crate) fn write_inline(&self, out: &mut [u8]) -> Option<usize> {
        let len = self.inline_len()?;
        for (chunk, w) in out[..INLINE].chunks_exact_mut(8).zip(&self.prefix) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        Some(len)
    }
}

/// Byte order of codes (ties, only possible in a refused pool, by stratum).
///
/// Different prefixes already order as memcmp does, because the zero padding
/// sorts a code before any longer code it begins; equal prefixes fall back
/// to the full strings.
#[inline]
pub(crate) fn cmp_rec(pool: &[PoolEntry], a: &SortRec, b: &SortRec) -> Ordering {
    let (x, y) = (&a.prefix, &b.prefix);
    match (x[0], x[1], x[2]).cmp(&(y[0], y[1], y[2])) {
        Ordering::Equal => cmp_full(pool, a, b),
        unequal => unequal,
    }
}

#[cold]
fn cmp_full(pool: &[PoolEntry], a: &SortRec, b: &SortRec) -> Ordering {
    let (x, y) = (&pool[a.idx as usize], &pool[b.idx as usize]);
    x.code.as_bytes().cmp(y.code.as_bytes()).then_with(|| x.stratum.as_bytes().cmp(y.stratum.as_bytes()))
}

/// An order-preserving integer key for the radix sort of records.
///
/// The prefix bytes read as a mixed-radix number: at each position, the byte
/// minus a lower bound of the bytes there, in base (upper bound − lower + 1).
/// Positions holding one value everywhere (e.g. a common `91` prefix) add no
/// digit. Positions are taken from the first while the key fits in 64 bits,
/// so the key orders like the bytes it covers; records with equal keys are
/// ordered by the full comparison afterwards. Credit codes of one city need
/// about 50 bits: five passes of 11 bits instead of a comparison sort.
pub(crate) struct RadixKey {
    /// (position, smallest byte, base), most significant first.
    digits: Vec<(usize, u8, u64)>,
    /// Bits of the largest key.
    bits: u32,
}

impl RadixKey {
    pub(crate) fn new(recs: &[SortRec]) -> Self {
        // Bounds of the bytes at each position: the AND of all records' bytes
        // is at most their minimum and the OR at least their maximum. Looser
        // than min and max (a digit spans 16 values, not 10) but six word
        // operations a record, where byte-wise min/max does not vectorise.
        let (mut and, mut or) = ([u64::MAX; 3], [0u64; 3]);
        for r in recs {
            for w in 0..3 {
                and[w] &= r.prefix[w];
                or[w] |= r.prefix[w];
            }
        }
        let bytes = |words: [u64; 3]| SortRec { prefix: words, idx: 0, tag: 0 }.prefix_bytes();
        let (lo, hi) = (bytes(and), bytes(or));
        let mut digits = Vec::new();
        let mut span: u64 = 1; // number of distinct keys the digits so far can take
        for k in 0..INLINE {
            if lo[k] >= hi[k] {
                continue; // one value (or no record at all)
            }
            let base = u64::from(hi[k] - lo[k]) + 1;
            match span.checked_mul(base) {
                Some(next) => span = next,
                None => break,
            }
            digits.push((k, lo[k], base));
        }
        RadixKey { digits, bits: 64 - (span - 1).leading_zeros() }
    }

    #[inline]
    fn key(&self, r: &SortRec) -> u64 {
        let b = r.prefix_bytes();
        self.digits.iter().fold(0, |key, &(k, lo, base)| key * base + u64::from(b[k] - lo))
    }

    /// Sorts `recs` by `cmp`, which must order them as their prefix bytes
    /// where those differ (as [`cmp_rec`] does).
    pub(crate) fn sort(&self, recs: &mut Vec<SortRec>, cmp: impl Fn(&SortRec, &SortRec) -> Ordering) {
        const SMALL: usize = 32;
        if recs.len() <= SMALL || self.bits == 0 {
            recs.sort_unstable_by(cmp);
            return;
        }
        // LSD radix sort of (key, position) pairs, 11 bits a pass.
        const DIGIT: u32 = 11;
        let mut pairs: Vec<(u64, u32)> =
            recs.iter().enumerate().map(|(i, r)| (self.key(r), i as u32)).collect();
        let mut spare = vec![(0u64, 0u32); pairs.len()];
        let mut shift = 0;
        while shift < self.bits {
            let mut start = [0usize; 1 << DIGIT];
            for &(key, _) in &pairs {
                start[((key >> shift) & ((1 << DIGIT) - 1)) as usize] += 1;
            }
            let mut sum = 0;
            for s in start.iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            for &pair in &pairs {
                let d = ((pair.0 >> shift) & ((1 << DIGIT) - 1)) as usize;
                spare[start[d]] = pair;
                start[d] += 1;
            }
            std::mem::swap(&mut pairs, &mut spare);
            shift += DIGIT;
        }
        let mut sorted: Vec<SortRec> = pairs.iter().map(|&(_, i)| recs[i as usize]).collect();
        // Equal keys: the bytes they cover are equal, the full comparison decides.
        let mut i = 0;
        while i < pairs.len() {
            let j = i + pairs[i..].iter().take_while(|p| p.0 == pairs[i].0).count();
            if j - i > 1 {
                sorted[i..j].sort_unstable_by(&cmp);
            }
            i = j;
        }
        *recs = sorted;
    }
}

/// Merges sorted runs into one sorted vector.
pub(crate) fn merge_sorted<T: Copy>(mut parts: Vec<Vec<T>>, cmp: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    while parts.len() > 1 {
        let mut next = Vec::with_capacity(parts.len().div_ceil(2));
        let mut it = parts.into_iter();
        while let Some(a) = it.next() {
            let Some(b) = it.next() else {
                next.push(a);
                break;
            };
            let mut out = Vec::with_capacity(a.len() + b.len());
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                if cmp(&b[j], &a[i]) == Ordering::Less {
                    out.push(b[j]);
                    j += 1;
                } else {
                    out.push(a[i]);
                    i += 1;
                }
            }
            out.extend_from_slice(&a[i..]);
            out.extend_from_slice(&b[j..]);
            next.push(out);
        }
        parts = next;
    }
    parts.pop().unwrap_or_default()
}

#[cfg(test)]
mod tests;

//! Radix sorting of codes (native only: the browser verifier sorts by
//! comparison, which is less code): an order-preserving integer key of a
//! code's prefix and its inverse, an LSD radix sort on such keys, and the
//! merge of sorted runs.

use crate::sort::{SortRec, INLINE};
use std::cmp::Ordering;

/// An order-preserving integer key of records, and its inverse.
///
/// The prefix bits that differ between records, concatenated from the first
/// byte on: dropping bits that are the same in every record keeps the byte
/// order. A bit varies where the AND of all records' prefixes is 0 and their
/// OR is 1 (a digit `0`–`9` varies in its low four bits; a common `91`
/// prefix in none). Bytes are taken from the first while the key fits in 64
/// bits, so the key orders like the bytes it covers. When every varying bit
/// fits ([`RadixKey::exact`]), equal keys mean equal prefixes and a key
/// gives its prefix back ([`RadixKey::decode`]); credit codes of one city
/// vary in about 51 bits.
pub(crate) struct RadixKey {
    /// The byte positions that vary, most significant first.
    positions: Vec<Position>,
    /// The prefix bits that are the same everywhere.
    fixed: [u64; 3],
    /// For each byte of the key, from the lowest, and each of its values:
    /// its bits put back in place in the three prefix words.
    unpack: Vec<[[u64; 3]; 256]>,
    /// Bits of the key.
    bits: u32,
    /// Whether every varying bit is in the key.
    exact: bool,
    /// The key's bits in each prefix word, and where that word's bits start
    /// in the key (from its lowest bit): the same key by bit extraction.
    word_masks: [u64; 3],
    word_shifts: [u32; 3],
}

/// One varying byte position of a [`RadixKey`].
struct Position {
    /// The prefix word holding the byte, and the byte's shift in it.
    word: usize,
    byte_shift: u32,
    /// The byte's varying bits.
    mask: u8,
    /// For every byte value, its varying bits packed and shifted into the key.
    to_key: [u64; 256],
}

impl RadixKey {
    /// The key for records whose prefix words AND to `and` and OR to `or`.
    pub(crate) fn new(and: [u64; 3], or: [u64; 3]) -> Self {
        let bytes = |words: [u64; 3]| -> [u8; INLINE] {
            let mut b = [0u8; INLINE];
            for (chunk, w) in b.chunks_exact_mut(8).zip(words) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            b
        };
        let (and_bytes, or_bytes) = (bytes(and), bytes(or));
        let mut varying: Vec<(usize, u8)> = Vec::new();
        let mut bits = 0;
        let mut exact = true;
        for k in 0..INLINE {
            let mask = and_bytes[k] ^ or_bytes[k];
            if mask == 0 {
                continue;
            }
            if bits + mask.count_ones() > 64 {
                exact = false;
                break;
            }
            bits += mask.count_ones();
            varying.push((k, mask));
        }
        let mut key_shift = bits;
        let positions: Vec<Position> = varying
            .into_iter()
            .map(|(k, mask)| {
                let width = mask.count_ones();
                key_shift -= width;
                let byte_shift = 56 - 8 * (k % 8) as u32;
                Position {
                    word: k / 8,
                    byte_shift,
                    mask,
                    to_key: std::array::from_fn(|byte| pext(byte as u8, mask) << key_shift),
                }
            })
            .collect();
        // Where each key bit, from the lowest, goes in the prefix: (word, bit).
        // A position's packed bits, lowest first, are its mask's set bits, lowest first.
        let mut places: Vec<(usize, u32)> = Vec::with_capacity(bits as usize);
        for p in positions.iter().rev() {
            places.extend((0..8).filter(|b| (p.mask >> b) & 1 == 1).map(|b| (p.word, p.byte_shift + b)));
        }
        let unpack = places
            .chunks(8)
            .map(|byte| {
                std::array::from_fn(|v| {
                    let mut words = [0u64; 3];
                    for (t, &(word, bit)) in byte.iter().enumerate() {
                        if (v >> t) & 1 == 1 {
                            words[word] |= 1 << bit;
                        }
                    }
                    words
                })
            })
            .collect();
        let mut word_masks = [0u64; 3];
        for p in &positions {
            word_masks[p.word] |= u64::from(p.mask) << p.byte_shift;
        }
        let below = |w: usize| word_masks[w + 1..].iter().map(|m| m.count_ones()).sum();
        let word_shifts = [below(0), below(1), below(2)];
        RadixKey { positions, fixed: and, unpack, bits, exact, word_masks, word_shifts }
    }

    /// Bits of the key.
    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }

    /// Whether every varying bit is in the key, so that [`RadixKey::decode`] works.
    pub(crate) fn exact(&self) -> bool {
        self.exact
    }

    /// The key of a prefix.
    #[inline]
    pub(crate) fn key(&self, prefix: &[u64; 3]) -> u64 {
        self.positions
            .iter()
            .fold(0, |key, p| key | p.to_key[usize::from((prefix[p.word] >> p.byte_shift) as u8)])
    }

    /// Hands `f` the key of each prefix, in order: [`RadixKey::key`], or the
    /// same key by BMI2's bit extraction (three instructions instead of a
    /// table lookup per varying byte) when the CPU has it.
    #[inline]
    pub(crate) fn for_each_key(&self, prefixes: &[[u64; 3]], mut f: impl FnMut(u64)) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("bmi2") {
            // SAFETY: the CPU has BMI2, the only feature the function enables.
            unsafe { self.for_each_key_bmi2(prefixes, f) };
            return;
        }
        prefixes.iter().for_each(|p| f(self.key(p)));
    }

    /// [`RadixKey::for_each_key`] with PEXT: each word's key bits, packed
    /// from its lowest, then shifted to their place in the key.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "bmi2")]
    fn for_each_key_bmi2(&self, prefixes: &[[u64; 3]], mut f: impl FnMut(u64)) {
        use std::arch::x86_64::_pext_u64;
        let ([m0, m1, m2], [s0, s1, _]) = (self.word_masks, self.word_shifts);
        for p in prefixes {
            // A shift of 64 only ever applies to a word without key bits, whose extract is 0.
            f(_pext_u64(p[0], m0).wrapping_shl(s0)
                | _pext_u64(p[1], m1).wrapping_shl(s1)
                | _pext_u64(p[2], m2));
        }
    }

    /// The prefix of a key (when [`RadixKey::exact`]).
    #[inline]
    pub(crate) fn decode(&self, key: u64) -> [u64; 3] {
        // A table lookup per byte of the key rather than per varying byte of
        // the prefix: seven instead of eleven for credit codes, and no
        // shifting by field widths.
        let mut prefix = self.fixed;
        for (k, table) in self.unpack.iter().enumerate() {
            let words = &table[((key >> (8 * k)) & 255) as usize];
            prefix[0] |= words[0];
            prefix[1] |= words[1];
            prefix[2] |= words[2];
        }
        prefix
    }
}

/// The bits of `byte` under `mask`, packed from the top (a software PEXT).
fn pext(byte: u8, mask: u8) -> u64 {
    (0..8)
        .rev()
        .filter(|b| (mask >> b) & 1 == 1)
        .fold(0, |packed, bit| (packed << 1) | u64::from((byte >> bit) & 1))
}

/// The AND and the OR of prefixes.
pub(crate) fn bounds<'a>(prefixes: impl IntoIterator<Item = &'a [u64; 3]>) -> ([u64; 3], [u64; 3]) {
    let (mut and, mut or) = ([u64::MAX; 3], [0u64; 3]);
    for p in prefixes {
        for w in 0..3 {
            and[w] &= p[w];
            or[w] |= p[w];
        }
    }
    (and, or)
}

/// Sorts `(key, index)` pairs by the low `bits` bits of their keys: an LSD
/// radix sort, a byte a pass (256 counters: the scatter writes to few enough
/// places at once to stay in the caches), the counts of every pass taken in
/// one read. Stable.
pub(crate) fn radix_sort(pairs: &mut [(u64, u32)], bits: u32) {
    radix_sort_with(pairs, bits, &mut RadixScratch::default());
}

/// The buffers of [`radix_sort_with`], kept from one call to the next.
#[derive(Default)]
pub(crate) struct RadixScratch {
    spare: Vec<(u64, u32)>,
    counts: Vec<u32>,
}

/// [`radix_sort`] with buffers kept for the next call: the many small sorts of
/// one pool allocate once. A byte a pass, unless that makes an odd number of
/// passes and one pass fewer of up to 11 bits covers the key (40 bits: four
/// of ten instead of five of eight): the pairs then end where they started,
/// with no copy back from the spare buffer.
pub(crate) fn radix_sort_with(pairs: &mut [(u64, u32)], bits: u32, scratch: &mut RadixScratch) {
    if pairs.len() <= 64 {
        pairs.sort_unstable_by_key(|p| p.0);
        return;
    }
    let bytes = bits.div_ceil(8);
    let (passes, width) = match bytes % 2 == 1 && bytes > 1 && bits.div_ceil(bytes - 1) <= 11 {
        true => (bytes - 1, bits.div_ceil(bytes - 1)),
        false => (bytes, 8),
    };
    let (passes, radix) = (passes as usize, 1usize << width);
    let mask = radix as u64 - 1;
    let RadixScratch { spare, counts } = scratch;
    counts.clear();
    counts.resize(passes * radix, 0);
    for &(key, _) in pairs.iter() {
        for (p, c) in counts.chunks_exact_mut(radix).enumerate() {
            c[((key >> (width as usize * p)) & mask) as usize] += 1;
        }
    }
    if spare.len() < pairs.len() {
        spare.resize(pairs.len(), (0, 0));
    }
    // The pairs move between the two buffers, a pass each way.
    let len = pairs.len();
    let (mut from, mut to) = (pairs, &mut spare[..len]);
    let mut moved = false;
    for (p, c) in counts.chunks_exact_mut(radix).enumerate() {
        // A digit with one value everywhere would copy the pairs unchanged.
        if c.iter().any(|&n| n as usize == len) {
            continue;
        }
        let mut sum = 0;
        for n in c.iter_mut() {
            (*n, sum) = (sum, sum + *n);
        }
        let shift = width as usize * p;
        for &pair in from.iter() {
            let d = ((pair.0 >> shift) & mask) as usize;
            to[c[d] as usize] = pair;
            c[d] += 1;
        }
        std::mem::swap(&mut from, &mut to);
        moved = !moved;
    }
    // After an odd number of passes the sorted pairs are in the spare buffer.
    if moved {
        to.copy_from_slice(from);
    }
}

/// Sorts `recs` by `cmp`, which must order them as their prefix bytes where
/// those differ (as [`cmp_rec`](crate::sort::cmp_rec) does): by `key`, then runs of equal keys by `cmp`.
pub(crate) fn sort_records(
    recs: &mut Vec<SortRec>,
    key: &RadixKey,
    cmp: impl Fn(&SortRec, &SortRec) -> Ordering,
) {
    let mut pairs: Vec<(u64, u32)> =
        recs.iter().enumerate().map(|(i, r)| (key.key(&r.prefix), i as u32)).collect();
    radix_sort(&mut pairs, key.bits());
    let mut sorted: Vec<SortRec> = pairs.iter().map(|&(_, i)| recs[i as usize]).collect();
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

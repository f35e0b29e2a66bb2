//! Pool entries ordered by code in byte order: compact sort records and
//! their comparison (the radix sorts built on them are in `radix`).
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
        let long = b.len() > INLINE || (!valid && b.contains(&0));
        SortRec { prefix: prefix_words(b), idx: idx as u32, tag: stratum | if long { LONG } else { 0 } }
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

/// The length of a code without NUL bytes, of at most 24 bytes, from its
/// [`prefix_words`]: the code ends where the zero padding starts.
#[inline]
pub(crate) fn padded_len(prefix: &[u64; 3]) -> usize {
    match *prefix {
        [_, _, w] if w != 0 => 24 - (w.trailing_zeros() / 8) as usize,
        [_, w, _] if w != 0 => 16 - (w.trailing_zeros() / 8) as usize,
        [w, _, _] => 8 - (w.trailing_zeros() / 8) as usize,
    }
}

/// The first 24 bytes of `b` as three big-endian words, zero-padded.
#[inline]
pub(crate) fn prefix_words(b: &[u8]) -> [u64; 3] {
    [word_at(b, 0), word_at(b, 8), word_at(b, 16)]
}

/// Bytes `start..start + 8` of `b` as a big-endian word, zero-padded past its end.
///
/// Fixed-size reads only (a short tail is read as the last eight bytes and
/// shifted into place): a copy of variable length would be a call per word.
#[inline]
pub(crate) fn word_at(b: &[u8], start: usize) -> u64 {
    let be = |x: &[u8]| u64::from_be_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]);
    if b.len() >= start + 8 {
        be(&b[start..start + 8])
    } else if b.len() <= start {
        0
    } else if b.len() >= 8 {
        be(&b[b.len() - 8..]) << (8 * (start + 8 - b.len()))
    } else {
        b[start..].iter().enumerate().fold(0, |w, (i, &c)| w | (u64::from(c) << (56 - 8 * i)))
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

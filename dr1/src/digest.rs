//! Derived field 1, the pool digest: SHA-256 of the lines `code + "\t" +
//! stratum + "\n"` of the pool in code order.
//!
//! The hash is one stream, on one core; a second thread writes the lines
//! meanwhile, in blocks (decoding packed codes and laying out lines costs
//! about as much as hashing them).

#[cfg(not(target_arch = "wasm32"))]
use crate::pool::Order;
use crate::pool::{index_pool, PoolIndex};
#[cfg(not(target_arch = "wasm32"))]
use crate::radix::RadixKey;
#[cfg(not(target_arch = "wasm32"))]
use crate::sort::padded_len;
use crate::sort::INLINE;
use crate::types::PoolEntry;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// `pool_digest`: SHA-256 of `code + "\t" + stratum + "\n"` for each entry sorted by code.
pub fn pool_digest(pool: &[PoolEntry]) -> String {
    match index_pool(pool, false) {
        Ok(index) => hex::encode(digest_sorted(pool, &index)),
        Err(_) => unreachable!("index_pool refuses only when validating"),
    }
}

/// SHA-256 of the lines `code + "\t" + stratum + "\n"` in code order.
///
/// The hash is one stream, on one core; the lines are written in blocks by
/// a second thread meanwhile (decoding packed codes and laying out lines
/// costs about as much as hashing them).
pub(crate) fn digest_sorted(pool: &[PoolEntry], index: &PoolIndex<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    let lines = Lines::new(pool, index);
    let blocks =
        (0..index.len()).step_by(Lines::BLOCK).map(|start| start..(start + Lines::BLOCK).min(index.len()));
    #[cfg(not(target_arch = "wasm32"))]
    if index.len() > 2 * Lines::BLOCK && crate::par::threads() > 1 {
        use std::sync::mpsc::{channel, sync_channel};
        let done = std::thread::scope(|s| {
            // Written blocks go to this thread; hashed buffers go back to be written again.
            let (full_tx, full_rx) = sync_channel::<(Vec<u8>, usize)>(2);
            let (empty_tx, empty_rx) = channel::<Vec<u8>>();
            for _ in 0..3 {
                let _ = empty_tx.send(Vec::new());
            }
            let (lines, blocks) = (&lines, blocks.clone());
            let writer = std::thread::Builder::new().spawn_scoped(s, move || {
                for block in blocks {
                    let Ok(mut buf) = empty_rx.recv() else { return };
                    let len = lines.write(block, &mut buf);
                    if full_tx.send((buf, len)).is_err() {
                        return;
                    }
                }
            });
            if writer.is_err() {
                return false;
            }
            for (buf, len) in full_rx {
                h.update(&buf[..len]);
                let _ = empty_tx.send(buf);
            }
            true
        });
        if done {
            return h.finalize().into();
        }
    }
    let mut buf = Vec::new();
    for block in blocks {
        let len = lines.write(block, &mut buf);
        h.update(&buf[..len]);
    }
    h.finalize().into()
}

/// Writes the digest's lines for ranges of the code order.
struct Lines<'a> {
    pool: &'a [PoolEntry],
    index: &'a PoolIndex<'a>,
    /// Each stratum's `"\t" + stratum + "\n"`, padded to [`Lines::TAIL`] bytes, and its length.
    tails: Vec<Option<([u8; Lines::TAIL], usize)>>,
}

impl<'a> Lines<'a> {
    /// Entries per block: about 170 KB of credit-code lines.
    const BLOCK: usize = 1 << 13;
    /// Longest stratum tail written with one fixed-size copy.
    const TAIL: usize = 72;

    fn new(pool: &'a [PoolEntry], index: &'a PoolIndex<'a>) -> Self {
        let tails = index
            .strata
            .iter()
            .map(|(s, _)| {
                let b = s.as_bytes();
                (b.len() + 2 <= Self::TAIL).then(|| {
                    let mut t = [0u8; Self::TAIL];
                    t[0] = b'\t';
                    t[1..=b.len()].copy_from_slice(b);
                    t[b.len() + 1] = b'\n';
                    (t, b.len() + 2)
                })
            })
            .collect();
        Lines { pool, index, tails }
    }

    /// Writes the lines of `range` at the start of `buf` (grown as needed) and returns their length.
    ///
    /// A line is assembled with fixed-size copies (a few vector moves, no
    /// calls); the bytes past its end are overwritten by the next one.
    fn write(&self, range: Range<usize>, buf: &mut Vec<u8>) -> usize {
        let slack = INLINE + Self::TAIL;
        if buf.len() < range.len() * slack {
            buf.resize(range.len() * slack, 0);
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Order::Packed { pairs, key, rank_bits, by_rank, .. } = &self.index.order {
            if let Some(len) = self.write_packed(&pairs[range.clone()], key, *rank_bits, by_rank, buf) {
                return len;
            }
        }
        let mut pos = 0;
        for r in self.index.recs(range) {
            let tail = &self.tails[r.stratum()];
            if let (Some(len), Some((t, tail_len))) = (r.write_inline(&mut buf[pos..]), tail) {
                buf[pos + len..pos + len + Self::TAIL].copy_from_slice(t);
                pos += len + tail_len;
                continue;
            }
            // A long code or stratum: copied by length.
            let code = self.pool[r.idx as usize].code.as_bytes();
            let stratum = self.index.strata[r.stratum()].0.as_bytes();
            let end = pos + code.len() + stratum.len() + 2;
            if buf.len() < end + slack {
                buf.resize(end + slack, 0);
            }
            buf[pos..pos + code.len()].copy_from_slice(code);
            buf[pos + code.len()] = b'\t';
            buf[pos + code.len() + 1..end - 1].copy_from_slice(stratum);
            buf[end - 1] = b'\n';
            pos = end;
        }
        pos
    }

    /// [`Lines::write`] for packed pairs when every stratum has at most 14
    /// bytes: each code decoded from its key into three words, its stratum
    /// tail one 16-byte copy. `None` if a stratum is longer.
    #[cfg(not(target_arch = "wasm32"))]
    fn write_packed(
        &self,
        pairs: &[(u64, u32)],
        key: &RadixKey,
        rank_bits: u32,
        by_rank: &[u32],
        buf: &mut [u8],
    ) -> Option<usize> {
        const SHORT: usize = 16;
        let tails: Vec<([u8; SHORT], usize)> = by_rank
            .iter()
            .map(|&s| {
                let (t, len) = self.tails[s as usize]?;
                (len <= SHORT).then(|| (std::array::from_fn(|i| t[i]), len))
            })
            .collect::<Option<_>>()?;
        let mask = (1u64 << rank_bits) - 1;
        let mut pos = 0;
        for &(packed, _) in pairs {
            let prefix = key.decode(packed >> rank_bits);
            let out = &mut buf[pos..pos + INLINE + SHORT];
            for (chunk, w) in out.chunks_exact_mut(8).zip(prefix) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            // Packed codes hold no NUL.
            let len = padded_len(&prefix);
            let (tail, tail_len) = &tails[(packed & mask) as usize];
            out[len..len + SHORT].copy_from_slice(tail);
            pos += len + tail_len;
        }
        Some(pos)
    }
}

//! Every SHA-256 of the protocol but the pool digest: the commitment, the
//! seed, entity keys and inspector keys, and the public helpers that show them.
//!
//! The engine hashes millions of keys; [`Keyer`] makes each one a single
//! compression of a block assembled in place.

use crate::lanes::{compress16, Blocks16, States16};
use crate::rules::normalize_entropy;
use crate::types::{InspectorEntry, PROTOCOL};
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

/// Lowercase hex of SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The commitment to a secret: hex SHA-256 of its 32 raw bytes.
pub fn commitment_of(secret_bytes: &[u8; 32]) -> String {
    sha256_hex(secret_bytes)
}

/// The seed `H("DR1\n" + task_id + "\n" + pool_digest + "\n" + secret + "\n" + entropy + "\n")`.
///
/// `entropy` is normalised first; that is idempotent, so raw or normalised text both work.
pub fn seed(task_id: &str, pool_digest: &str, secret_hex: &str, entropy: &str) -> String {
    let entropy = normalize_entropy(entropy);
    let text = format!("{PROTOCOL}\n{task_id}\n{pool_digest}\n{secret_hex}\n{entropy}\n");
    sha256_hex(text.as_bytes())
}

/// An entity's key `H(seed + "\nentity\n" + code)`, as hex.
pub fn entity_key(seed: &str, code: &str) -> String {
    words_hex(&Keyer::new(seed).entity_key(code.as_bytes()))
}

/// An inspector's key for an entity, `H(seed + "\ninspector\n" + code + "\n" + id)`, as hex.
pub fn inspector_key(seed: &str, code: &str, id: &str) -> String {
    let keyer = Keyer::new(seed);
    let mut keys = Vec::new();
    keyer.inspector_keys(code.as_bytes(), &[id], &mut keys);
    words_hex(&keys[0].0)
}

/// All inspectors ranked for an entity: `(key, id)` pairs by key, ties by id.
pub fn inspector_ranking(seed: &str, code: &str, inspectors: &[InspectorEntry]) -> Vec<(String, String)> {
    let ids: Vec<&str> = inspectors.iter().map(|i| i.id.as_str()).collect();
    let mut keyed = Vec::new();
    Keyer::new(seed).inspector_keys(code.as_bytes(), &ids, &mut keyed);
    sort_keyed(&mut keyed, &ids);
    keyed.into_iter().map(|(k, j)| (words_hex(&k), ids[j as usize].to_string())).collect()
}

/// A SHA-256 output as four big-endian words: the same order as its bytes
/// (and its lowercase hex), compared without a memcmp call.
pub(crate) type Words = [u64; 4];

/// Lowercase hex of a key, as the manifest writes it.
pub(crate) fn words_hex(w: &Words) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 64];
    for (pair, b) in hex.chunks_exact_mut(2).zip(w.iter().flat_map(|w| w.to_be_bytes())) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
    // Hex digits are ASCII: the check cannot fail.
    String::from_utf8(hex.to_vec()).unwrap_or_default()
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3); the sha2 crate does not export it.
const SHA256_IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// Longest key tail: `"\ninspector\n" + code + "\n" + id` with 64-byte identifiers.
pub(crate) const TAIL_MAX: usize = 11 + 64 + 1 + 64;

/// Hashes `seed + tail` for many short tails.
///
/// A seed is 64 hex bytes, exactly one SHA-256 block, so the state after it
/// (the midstate) is computed once. A tail of up to 55 bytes then fits with
/// its padding in one more block: each key is a single call of the
/// compression function on a block assembled in place, without the
/// buffering and copies of the streaming hasher (about a third of the cost
/// of a key when it was used here). Longer tails, or a seed that is not one
/// block (only through the public helpers), take the streaming hasher.
pub(crate) struct Keyer {
    /// The streaming hasher after the seed.
    mid: Sha256,
    /// The compression state after the seed, when the seed is one block.
    state: Option<[u32; 8]>,
    /// Bit length of the seed, which the padding counts.
    seed_bits: u64,
}

impl Keyer {
    pub(crate) fn new(seed: &str) -> Self {
        let mut mid = Sha256::new();
        mid.update(seed.as_bytes());
        let state = (seed.len() == 64).then(|| {
            let mut state = SHA256_IV;
            sha2::compress256(&mut state, &[*GenericArray::from_slice(seed.as_bytes())]);
            state
        });
        Keyer { mid, state, seed_bits: 8 * seed.len() as u64 }
    }

    /// The key of `seed + buf[..len]`; may overwrite `buf[len..]` with padding.
    #[inline]
    pub(crate) fn key(&self, buf: &mut [u8; TAIL_MAX], len: usize) -> Words {
        match self.state {
            Some(mut state) if len <= 55 => {
                buf[len] = 0x80;
                buf[len + 1..56].fill(0);
                buf[56..64].copy_from_slice(&(self.seed_bits + 8 * len as u64).to_be_bytes());
                sha2::compress256(&mut state, &[*GenericArray::from_slice(&buf[..64])]);
                // The digest is the state words in big-endian order.
                let w = |i: usize| (u64::from(state[2 * i]) << 32) | u64::from(state[2 * i + 1]);
                [w(0), w(1), w(2), w(3)]
            }
            _ => {
                let mut h = self.mid.clone();
                h.update(&buf[..len]);
                let digest: [u8; 32] = h.finalize().into();
                let w = |i: usize| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&digest[8 * i..8 * i + 8]);
                    u64::from_be_bytes(b)
                };
                [w(0), w(1), w(2), w(3)]
            }
        }
    }

    /// The state after the seed for hashing key blocks sixteen at a time
    /// ([`KeyBatch`]): when a tail of up to 55 bytes is one block (always in a
    /// draw: its seed is 64 hex bytes); `None` otherwise.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn midstate(&self) -> Option<&[u32; 8]> {
        self.state.as_ref()
    }

    /// Always `None` in the browser: without SIMD lanes, batches would only
    /// make the verifier bigger, so it keys one block at a time ([`Keyer::key`]).
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn midstate(&self) -> Option<&[u32; 8]> {
        None
    }

    /// The block of `seed + "\nentity\n" + code`, as big-endian words, for a
    /// code of `len` ≤ 24 bytes given as three big-endian words, zero-padded.
    ///
    /// Label and code are word-aligned, so the block is written word by word:
    /// no bytes are copied.
    #[cfg(test)]
    pub(crate) fn entity_block(&self, code: &[u64; 3], len: usize) -> [u32; 16] {
        let mut w = [0u32; 16];
        w[0] = u32::from_be_bytes([b'\n', b'e', b'n', b't']);
        w[1] = u32::from_be_bytes([b'i', b't', b'y', b'\n']);
        for (pair, word) in w[2..8].chunks_exact_mut(2).zip(code) {
            pair[0] = (word >> 32) as u32;
            pair[1] = *word as u32;
        }
        let end = ENTITY_LABEL.len() + len;
        w[end / 4] |= 0x80 << (24 - 8 * (end % 4));
        let bits = self.seed_bits + 8 * end as u64;
        w[14] = (bits >> 32) as u32;
        w[15] = bits as u32;
        w
    }

    /// The block of `seed + tail` (at most 55 bytes) as big-endian words.
    pub(crate) fn tail_block(&self, tail: &[u8]) -> [u32; 16] {
        let mut block = [0u8; 64];
        block[..tail.len()].copy_from_slice(tail);
        block[tail.len()] = 0x80;
        block[56..].copy_from_slice(&(self.seed_bits + 8 * tail.len() as u64).to_be_bytes());
        be_words(&block)
    }

    /// `H(seed + "\nentity\n" + code)`.
    pub(crate) fn entity_key(&self, code: &[u8]) -> Words {
        let mut buf = [0u8; TAIL_MAX];
        let len = ENTITY_LABEL.len() + code.len();
        buf[..ENTITY_LABEL.len()].copy_from_slice(ENTITY_LABEL);
        buf[ENTITY_LABEL.len()..len].copy_from_slice(code);
        self.key(&mut buf, len)
    }

    /// Appends to `out` the keys `H(seed + "\ninspector\n" + code + "\n" + id)`
    /// of all `ids`, with their index, unsorted.
    pub(crate) fn inspector_keys(&self, code: &[u8], ids: &[&str], out: &mut Vec<(Words, u32)>) {
        const LABEL: &[u8] = b"\ninspector\n";
        let mut buf = [0u8; TAIL_MAX];
        buf[..LABEL.len()].copy_from_slice(LABEL);
        buf[LABEL.len()..LABEL.len() + code.len()].copy_from_slice(code);
        let base = LABEL.len() + code.len() + 1;
        buf[base - 1] = b'\n';
        out.extend(ids.iter().enumerate().map(|(j, id)| {
            let len = base + id.len();
            buf[base..len].copy_from_slice(id.as_bytes());
            (self.key(&mut buf, len), j as u32)
        }));
    }
}

pub(crate) const ENTITY_LABEL: &[u8] = b"\nentity\n";

/// A block as sixteen big-endian words.
pub(crate) fn be_words(block: &[u8; 64]) -> [u32; 16] {
    std::array::from_fn(|i| {
        u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]])
    })
}

/// One key of a flushed [`KeyBatch`]: its first word alone decides most
/// comparisons, so the whole key is read only when asked for.
pub(crate) struct LaneKey<'a> {
    states: &'a States16,
    lane: usize,
}

impl LaneKey<'_> {
    /// Word `i` of the key (the digest is the state words in big-endian order).
    #[inline]
    fn word(&self, i: usize) -> u64 {
        (u64::from(self.states[2 * i][self.lane]) << 32) | u64::from(self.states[2 * i + 1][self.lane])
    }

    /// The key's first word.
    #[inline]
    pub(crate) fn first(&self) -> u64 {
        self.word(0)
    }

    /// The whole key.
    pub(crate) fn words(&self) -> Words {
        [self.word(0), self.word(1), self.word(2), self.word(3)]
    }
}

/// Up to sixteen key blocks waiting to be hashed together, each with a tag
/// saying whose key it is.
pub(crate) struct KeyBatch<T> {
    blocks: Blocks16,
    states: States16,
    tags: [T; 16],
    len: usize,
}

impl<T: Copy + Default> KeyBatch<T> {
    pub(crate) fn new() -> Self {
        KeyBatch { blocks: [[0; 16]; 16], states: [[0; 16]; 8], tags: [T::default(); 16], len: 0 }
    }

    /// Adds a whole block (from [`Keyer::entity_block`]); true when the batch
    /// is full and must be flushed. The tests' reference for [`KeyBatch::push_entity`].
    #[cfg(test)]
    pub(crate) fn push(&mut self, block: &[u32; 16], tag: T) -> bool {
        for (words, &w) in self.blocks.iter_mut().zip(block) {
            words[self.len] = w;
        }
        self.tags[self.len] = tag;
        self.len += 1;
        self.len == 16
    }

    /// A batch for [`KeyBatch::push_entity`]: the words that every entity
    /// block shares (the label's two, the zeros) written once.
    pub(crate) fn for_entities() -> Self {
        let mut batch = Self::new();
        batch.blocks[0] = [u32::from_be_bytes([b'\n', b'e', b'n', b't']); 16];
        batch.blocks[1] = [u32::from_be_bytes([b'i', b't', b'y', b'\n']); 16];
        batch
    }

    /// [`KeyBatch::push`] of `keyer.entity_block(code, len)` for a code of at
    /// most 23 bytes, into a batch from [`KeyBatch::for_entities`]: only the
    /// eight words that differ between such codes are written (the code's
    /// six, where its end mark also falls, and the length's two).
    #[inline]
    pub(crate) fn push_entity(&mut self, keyer: &Keyer, code: &[u64; 3], len: usize, tag: T) -> bool {
        let lane = self.len & 15;
        let mut w = [0u32; 6];
        for (pair, word) in w.chunks_exact_mut(2).zip(code) {
            pair[0] = (word >> 32) as u32;
            pair[1] = *word as u32;
        }
        // The end mark follows the code: in word 2 to 7 of the block for up to 23 bytes.
        let end = ENTITY_LABEL.len() + len.min(23);
        w[end / 4 - 2] |= 0x80 << (24 - 8 * (end % 4));
        for (row, v) in self.blocks[2..8].iter_mut().zip(w) {
            row[lane] = v;
        }
        let bits = keyer.seed_bits + 8 * end as u64;
        self.blocks[14][lane] = (bits >> 32) as u32;
        self.blocks[15][lane] = bits as u32;
        self.tags[lane] = tag;
        self.len = lane + 1;
        self.len == 16
    }

    /// Hashes the waiting blocks from `state` (a [`Keyer::midstate`]) and
    /// hands each key to `each` with its tag, in the order pushed.
    pub(crate) fn flush(&mut self, state: &[u32; 8], mut each: impl FnMut(LaneKey<'_>, T)) {
        if self.len == 0 {
            return;
        }
        // Unused lanes hash stale blocks; their results are not read.
        compress16(state, &self.blocks, &mut self.states);
        for (lane, &tag) in self.tags[..self.len].iter().enumerate() {
            each(LaneKey { states: &self.states, lane }, tag);
        }
        self.len = 0;
    }
}

/// Sorts `(key, index)` pairs by key, ties by the named string's bytes.
///
/// Sorted on the first key word alone, then, only if two first words are
/// equal (never seen in practice: 64 random bits), again with the full order.
pub(crate) fn sort_keyed(keyed: &mut [(Words, u32)], names: &[&str]) {
    keyed.sort_unstable_by_key(|k| k.0[0]);
    if keyed.windows(2).any(|w| w[0].0[0] == w[1].0[0]) {
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| names[a.1 as usize].as_bytes().cmp(names[b.1 as usize].as_bytes()))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of entity blocks written word by word hashes like whole blocks.
    #[test]
    fn entity_pushes_key_like_whole_blocks() {
        let keyer = Keyer::new(&"5e".repeat(32));
        let Some(state) = keyer.midstate() else { return };
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let (mut whole, mut words) = (KeyBatch::<u32>::new(), KeyBatch::<u32>::for_entities());
        let (mut a, mut b, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        for n in 0..1_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Codes of 0 to 23 bytes (no NUL) of varying bytes.
            let len = (x % 24) as usize;
            let code: Vec<u8> =
                (0..len).map(|i| b'!' + ((x >> (i % 8 * 8)) as u8).wrapping_add(i as u8) % 94).collect();
            let prefix = crate::sort::prefix_words(&code);
            if whole.push(&keyer.entity_block(&prefix, len), n) {
                whole.flush(state, |k, n| a.push((k.words(), n)));
            }
            if words.push_entity(&keyer, &prefix, len, n) {
                words.flush(state, |k, n| b.push((k.words(), n)));
            }
            codes.push(code);
        }
        whole.flush(state, |k, n| a.push((k.words(), n)));
        words.flush(state, |k, n| b.push((k.words(), n)));
        assert_eq!(a.len(), 1_000);
        assert_eq!(a, b);
        for (code, (key, _)) in codes.iter().zip(&a) {
            assert_eq!(keyer.entity_key(code), *key);
        }
    }
}

//! Sixteen SHA-256 compressions at once, from one state.
//!
//! The entity and inspector keys are millions of independent one-block
//! hashes after the same seed. One SHA-NI stream waits on each round's
//! result (about 33 ns a block here, OpenSSL's bulk rate); sixteen blocks
//! side by side in AVX-512 lanes keep the vector units busy instead (about
//! 19 ns a block on the same core).
//!
//! [`compress16`] is safe: it takes the AVX-512 path only when the CPU has
//! it (detected at run time) and otherwise compresses the blocks one by one
//! with sha2, which gives the same words; a test compares the two paths.

/// Sixteen blocks, word-major: `blocks[j][lane]` is big-endian word `j` of block `lane`.
pub(crate) type Blocks16 = [[u32; 16]; 16];

/// Sixteen states, word-major: `states[i][lane]` is word `i` of lane `lane`'s state.
pub(crate) type States16 = [[u32; 16]; 8];

/// Compresses each of sixteen blocks from `state` into `out`; word-major in
/// and out (`out` is the caller's, so that 512 bytes are not copied back).
pub(crate) fn compress16(state: &[u32; 8], blocks: &Blocks16, out: &mut States16) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F, the only feature the function enables.
        unsafe { avx512::compress16(state, blocks, out) };
        return;
    }
    compress16_scalar(state, blocks, out);
}

/// [`compress16`] one block at a time, with sha2 (which uses SHA-NI when it can).
fn compress16_scalar(state: &[u32; 8], blocks: &Blocks16, out: &mut States16) {
    for lane in 0..16 {
        let mut block = [0u8; 64];
        for (j, bytes) in block.chunks_exact_mut(4).enumerate() {
            bytes.copy_from_slice(&blocks[j][lane].to_be_bytes());
        }
        let mut s = *state;
        sha2::compress256(&mut s, &[block.into()]);
        for (word, v) in out.iter_mut().zip(s) {
            word[lane] = v;
        }
    }
}

/// SHA-256's round constants (FIPS 180-4, 4.2.2); the sha2 crate does not export them.
#[cfg(target_arch = "x86_64")]
const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{Blocks16, States16, K};
    use std::arch::x86_64::*;

    /// FIPS 180-4's compression, written once for sixteen 32-bit lanes.
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn compress16(state: &[u32; 8], blocks: &Blocks16, out: &mut States16) {
        // The message schedule as a ring of sixteen words, loaded row by row
        // (into registers, not through a copy of the rows).
        let mut w: [__m512i; 16] = std::array::from_fn(|j| _mm512_loadu_si512(blocks[j].as_ptr().cast()));
        let init: [__m512i; 8] = std::array::from_fn(|i| _mm512_set1_epi32(state[i] as i32));
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = init;
        for t in 0..64 {
            let wt = if t < 16 {
                w[t]
            } else {
                let (w15, w2) = (w[(t + 1) % 16], w[(t + 14) % 16]);
                // σ0 and σ1: two rotations and a shift each, XORed by one ternary-logic op (0x96).
                let s0 = _mm512_ternarylogic_epi32::<0x96>(
                    _mm512_ror_epi32::<7>(w15),
                    _mm512_ror_epi32::<18>(w15),
                    _mm512_srli_epi32::<3>(w15),
                );
                let s1 = _mm512_ternarylogic_epi32::<0x96>(
                    _mm512_ror_epi32::<17>(w2),
                    _mm512_ror_epi32::<19>(w2),
                    _mm512_srli_epi32::<10>(w2),
                );
                let next =
                    _mm512_add_epi32(_mm512_add_epi32(w[t % 16], s0), _mm512_add_epi32(w[(t + 9) % 16], s1));
                w[t % 16] = next;
                next
            };
            let big_s1 = _mm512_ternarylogic_epi32::<0x96>(
                _mm512_ror_epi32::<6>(e),
                _mm512_ror_epi32::<11>(e),
                _mm512_ror_epi32::<25>(e),
            );
            // Ch(e, f, g) = (e & f) ^ (!e & g): truth table 0xCA.
            let ch = _mm512_ternarylogic_epi32::<0xCA>(e, f, g);
            let kw = _mm512_add_epi32(wt, _mm512_set1_epi32(K[t] as i32));
            let t1 = _mm512_add_epi32(_mm512_add_epi32(h, big_s1), _mm512_add_epi32(ch, kw));
            let big_s0 = _mm512_ternarylogic_epi32::<0x96>(
                _mm512_ror_epi32::<2>(a),
                _mm512_ror_epi32::<13>(a),
                _mm512_ror_epi32::<22>(a),
            );
            // Maj(a, b, c): truth table 0xE8.
            let maj = _mm512_ternarylogic_epi32::<0xE8>(a, b, c);
            h = g;
            g = f;
            f = e;
            e = _mm512_add_epi32(d, t1);
            d = c;
            c = b;
            b = a;
            a = _mm512_add_epi32(t1, _mm512_add_epi32(big_s0, maj));
        }
        for ((words, v), s) in out.iter_mut().zip([a, b, c, d, e, f, g, h]).zip(init) {
            _mm512_storeu_si512(words.as_mut_ptr().cast(), _mm512_add_epi32(v, s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (no rand crate).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 32) as u32
        }
    }

    #[test]
    fn lanes_agree_with_sha2_on_random_blocks() {
        let mut rng = Lcg(1);
        for _ in 0..300 {
            let state: [u32; 8] = std::array::from_fn(|_| rng.next());
            let blocks: Blocks16 = std::array::from_fn(|_| std::array::from_fn(|_| rng.next()));
            let (mut scalar, mut out) = ([[0; 16]; 8], [[0; 16]; 8]);
            compress16_scalar(&state, &blocks, &mut scalar);
            compress16(&state, &blocks, &mut out);
            assert_eq!(out, scalar);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") {
                let mut lanes = [[0; 16]; 8];
                // SAFETY: checked just above.
                unsafe { avx512::compress16(&state, &blocks, &mut lanes) };
                assert_eq!(lanes, scalar);
            }
        }
        #[cfg(target_arch = "x86_64")]
        if !std::arch::is_x86_feature_detected!("avx512f") {
            eprintln!("no AVX-512 on this CPU: only the scalar path was tested");
        }
    }
}

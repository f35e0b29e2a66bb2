//! The radix sort orders records exactly as the comparison does, and an
//! exact key gives its prefix back.

use super::*;
use crate::sort::cmp_rec;
use crate::types::PoolEntry;

/// A tiny deterministic generator (no rand crate), as in `tests/draw/reference.rs`.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn id(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"-.019ABXZ_abxz~";
        (0..len).map(|_| ALPHABET[self.below(ALPHABET.len())] as char).collect()
    }
}

#[test]
fn radix_sort_orders_like_the_comparison() {
    let mut rng = Lcg(11);
    for case in 0..200 {
        // Shared prefixes, codes past 24 bytes, NUL bytes (unvalidated
        // pools), bytes above 0x7F and repeated codes: every path of the key.
        let stems = ["", "9113", "aaaaaaaaaaaaaaaaaaaaaaaa", "\0x", "\u{e9}"];
        let n = 1 + rng.below(300);
        let pool: Vec<PoolEntry> = (0..n)
            .map(|_| {
                let len = rng.below(if case % 3 == 0 { 40 } else { 10 });
                let code = format!("{}{}", stems[rng.below(stems.len())], rng.id(len));
                PoolEntry { code, stratum: ["A", "B"][rng.below(2)].to_string() }
            })
            .collect();
        let mut recs: Vec<SortRec> =
            pool.iter().enumerate().map(|(i, p)| SortRec::new(&p.code, i, 0, false)).collect();
        let mut expected = recs.clone();
        expected.sort_by(|a, b| cmp_rec(&pool, a, b));
        let (and, or) = bounds(recs.iter().map(|r| &r.prefix));
        let key = RadixKey::new(and, or);
        if key.exact() {
            for r in &recs {
                assert_eq!(key.decode(key.key(&r.prefix)), r.prefix, "case {case}");
            }
        }
        sort_records(&mut recs, &key, |a, b| cmp_rec(&pool, a, b));
        let codes = |r: &[SortRec]| r.iter().map(|r| pool[r.idx as usize].code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&recs), codes(&expected), "case {case}");
    }
}

#[test]
fn keys_by_bit_extraction_equal_the_table_keys() {
    let mut rng = Lcg(29);
    for case in 0..300 {
        let n = 1 + rng.below(200);
        let prefixes: Vec<[u64; 3]> = (0..n)
            .map(|_| match case % 3 {
                // Codes with a shared stem (few varying bits, an exact key).
                0 => crate::sort::prefix_words(format!("9113{}", rng.id(14)).as_bytes()),
                // Short codes of any bytes.
                1 => {
                    let len = rng.below(25);
                    crate::sort::prefix_words(rng.id(len).as_bytes())
                }
                // Random words: far more than 64 varying bits, the key cut short.
                _ => [
                    rng.next() << 31 ^ rng.next(),
                    rng.next() << 31 ^ rng.next(),
                    rng.next() << 31 ^ rng.next(),
                ],
            })
            .collect();
        let (and, or) = bounds(&prefixes);
        let key = RadixKey::new(and, or);
        let mut keys = Vec::new();
        key.for_each_key(&prefixes, |k| keys.push(k));
        let expected: Vec<u64> = prefixes.iter().map(|p| key.key(p)).collect();
        assert_eq!(keys, expected, "case {case}");
    }
    // Say which path ran: on a CPU without BMI2 both sides are the tables.
    #[cfg(target_arch = "x86_64")]
    eprintln!("bmi2: {}", std::arch::is_x86_feature_detected!("bmi2"));
}

/// Every key width, bytes or wider digits: sorted by the low `bits` bits, stably.
#[test]
fn radix_sort_sorts_every_width_stably() {
    let mut rng = Lcg(41);
    let mut scratch = RadixScratch::default();
    for bits in 1..=64u32 {
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        for n in [65, 300, 2_000] {
            // Few distinct values in some digits (skipped passes) and many in others.
            let pairs: Vec<(u64, u32)> =
                (0..n).map(|i| ((rng.next() << 31 ^ rng.next()) & mask & !(0xff << 8), i as u32)).collect();
            let mut expected = pairs.clone();
            expected.sort_by_key(|p| p.0);
            let mut sorted = pairs.clone();
            radix_sort_with(&mut sorted, bits, &mut scratch);
            assert_eq!(sorted, expected, "{bits} bits, {n} pairs");
        }
    }
}

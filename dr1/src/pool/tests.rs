//! The code order of the pool: byte order on records, and the digest of any
//! strings (NULs, long codes and strata, repeats) by the public helper.

use super::*;
use crate::digest::pool_digest;
use crate::keys::sha256_hex;

#[test]
fn byte_order() {
    let pool: Vec<PoolEntry> = ["a1", "_x", "B1", "10", "-x"]
        .iter()
        .map(|c| PoolEntry { code: c.to_string(), stratum: "S".to_string() })
        .collect();
    let order: Vec<&str> = {
        let index = index_pool(&pool, true).unwrap();
        index.recs(0..index.len()).map(|r| pool[r.idx as usize].code.as_str()).collect()
    };
    assert_eq!(order, ["-x", "10", "B1", "_x", "a1"]);
    assert_eq!(pool_digest(&pool), sha256_hex(b"-x\tS\n10\tS\nB1\tS\n_x\tS\na1\tS\n"));
    // Codes around the 16-byte prefix used by the sort.
    let p16 = "AAAAAAAAAAAAAAAA";
    let codes = [
        format!("{p16}x"),
        p16.to_string(),
        format!("{p16}-"),
        "AAAAAAAAAAAAAAA~".to_string(),
        "AAAAAAAAAAAAAAA".to_string(),
        format!("{p16}-!"),
        "A".to_string(),
        "~".to_string(),
        "!".to_string(),
    ];
    let pool: Vec<PoolEntry> =
        codes.iter().map(|c| PoolEntry { code: c.clone(), stratum: "S".to_string() }).collect();
    let got: Vec<&str> = {
        let index = index_pool(&pool, false).unwrap();
        index.recs(0..index.len()).map(|r| pool[r.idx as usize].code.as_str()).collect()
    };
    let mut want: Vec<&str> = codes.iter().map(String::as_str).collect();
    want.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(got, want);

    // The public digest takes any strings: NULs, long codes and strata, repeats.
    let (x30, x24, x23, long) = ("x".repeat(30), "x".repeat(24), "x".repeat(23), "long stratum ".repeat(9));
    let odd = [
        ("a\0", "S"),
        ("a", "S"),
        ("", "S"),
        ("a\0\0", "T"),
        (&x30, "S"),
        (&x24, "S"),
        (&x23, &long),
        ("dup", "B"),
        ("dup", "A"),
        ("é", "S"),
    ];
    let pool: Vec<PoolEntry> =
        odd.iter().map(|(c, s)| PoolEntry { code: c.to_string(), stratum: s.to_string() }).collect();
    let mut lines: Vec<(Vec<u8>, Vec<u8>)> =
        pool.iter().map(|p| (p.code.clone().into_bytes(), p.stratum.clone().into_bytes())).collect();
    lines.sort();
    let text: Vec<u8> =
        lines.iter().flat_map(|(c, s)| [c.as_slice(), b"\t", s.as_slice(), b"\n"].concat()).collect();
    assert_eq!(pool_digest(&pool), sha256_hex(&text));
}

#[test]
fn identifier_words_agree_with_is_identifier() {
    let check = |code: &str| {
        let words = crate::sort::prefix_words(code.as_bytes());
        if (1..=24).contains(&code.len()) {
            assert_eq!(identifier_words(&words, code.len()), crate::is_identifier(code), "{code:?}");
        } else {
            assert!(!identifier_words(&words, code.len()), "{code:?}");
        }
    };
    // Every ASCII byte at every position of codes of 0 to 26 bytes.
    for len in 0..=26usize {
        for pos in 0..len.max(1) {
            for b in 0u8..0x80 {
                let mut code = vec![b'A'; len];
                if pos < len {
                    code[pos] = b;
                }
                check(std::str::from_utf8(&code).unwrap());
            }
        }
    }
    for code in ["é", "aé", "12345678é", "1234567890123456789012é", "中", "~!", "\u{7f}"] {
        check(code);
    }
}

/// A pool large enough to be sorted on several cores, with codes repeated in
/// both halves of the code order: the repeat reported is the first in code order.
#[test]
fn the_first_repeat_in_code_order_across_the_sorting_cores() {
    let code = |n: u64| format!("91130{:013}", n.wrapping_mul(2_654_435_761) % 10_000_000_000_000);
    let mut pool: Vec<PoolEntry> = (0..60_000u64)
        .map(|n| PoolEntry { code: code(n), stratum: ["A", "B", "C"][n as usize % 3].to_string() })
        .collect();
    let mut sorted: Vec<String> = pool.iter().map(|p| p.code.clone()).collect();
    sorted.sort();
    assert!(sorted.windows(2).all(|w| w[0] != w[1]), "the generated codes are distinct");
    assert_eq!(index_pool(&pool, true).unwrap().first_repeat(&pool), None);
    // Repeats of a late code (in another core's buckets) and of an early one, in that pool order.
    let (early, late) = (sorted[1_000].clone(), sorted[55_000].clone());
    pool.push(PoolEntry { code: late, stratum: "A".to_string() });
    pool.push(PoolEntry { code: early.clone(), stratum: "B".to_string() });
    let index = index_pool(&pool, true).unwrap();
    assert_eq!(index.first_repeat(&pool), Some(early.as_str()));
}

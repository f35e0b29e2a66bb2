//! The spec's plain rules, which need no hashing: the identifier rule,
//! entropy normalisation, quotas and the limits on numbers.
//!
//! A leaf: every other module may use it, it uses none of them.

/// Largest ratio in basis points (100 %).
pub(crate) const MAX_BP: u64 = 10_000;

/// Longest accepted public entropy, in characters, after normalisation.
pub const MAX_ENTROPY_CHARS: usize = 256;

/// Refusal 3's rule for a ratio, as its message states it.
pub(crate) const RULE_RATIO: &str = "an integer from 0 to 10000 (basis points)";
/// Refusal 3's rule for `team_size`.
pub(crate) const RULE_TEAM: &str = "an integer >= 2";
/// Refusal 3's rule for `max_per_inspector`.
pub(crate) const RULE_CAP: &str = "an integer >= 0";

/// Whether `s` is a DR1 identifier: 1–64 bytes, each in 0x21–0x7E.
pub fn is_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    // A fold without early exit vectorises; identifiers are short anyway.
    !b.is_empty() && b.len() <= 64 && b.iter().fold(true, |ok, &c| ok & (c.wrapping_sub(0x21) < 0x5e))
}

/// The spec's entropy: `public_entropy` without space, tab, LF and CR (and nothing else).
pub fn normalize_entropy(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect()
}

/// Entities to select from a stratum of `n` members at `bp` basis points:
/// 0 if `n` or `bp` is 0, else `min(n, max(1, ceil(n·bp / 10000)))`.
pub fn quota(n: u64, bp: u64) -> u64 {
    if n == 0 || bp == 0 {
        return 0;
    }
    // u128: n·bp must not wrap whatever the caller passes. Written as the
    // spec writes it, `(n·bp + 9999) div 10000`, so readers can compare.
    #[allow(clippy::manual_div_ceil)]
    let ceil = (u128::from(n) * u128::from(bp) + 9_999) / 10_000;
    let ceil = u64::try_from(ceil).unwrap_or(u64::MAX);
    n.min(ceil.max(1))
}

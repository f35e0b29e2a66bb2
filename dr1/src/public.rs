//! 公开摘要 — what the public portal may show of a draw whose pool has several strata.
//!
//! A stratum is an enterprise's credit-risk class, which is not public. For such a
//! draw the portal publishes, instead of the manifest: the count and a digest of each
//! stratum, the ratios, the commitment, secret, entropy and seed, and the selected
//! codes with their keys, never a stratum beside a code. From that, anyone can check
//! the commitment, the seed, every selected key, the key order and how many were to
//! be selected; the stratum digests let an observer holding the manifest show that it
//! is the one summarised. None of this changes DR1's arithmetic: every value is one
//! the manifest already implies.
//!
//! A stratum digest is *salted* (`H(salt + "\n" + lines)`, a fresh 32-byte salt per
//! stratum kept with the draw): unsalted, anyone could test a guess at a small
//! stratum's members — the selected codes are public — against its digest, and so learn
//! enterprises' risk classes. Only those who may read the manifest see the salts.

use crate::keys::sha256_hex;
use crate::{normalize_entropy, quota, Check, InputError, Manifest, PoolEntry, PROTOCOL};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The public summary of a draw (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicDraw {
    /// Always [`PROTOCOL`].
    pub protocol: String,
    /// The plan task.
    pub task_id: String,
    /// How many enterprises the pool held.
    pub pool_count: u64,
    /// The manifest's `pool_digest` (published at freezing, before the draw).
    pub pool_digest: String,
    /// Count and digest of each stratum, by stratum.
    pub strata: Vec<StratumSummary>,
    /// Ratio per stratum in basis points.
    pub ratios_bp: BTreeMap<String, u64>,
    /// SHA-256 of the secret's 32 bytes.
    pub commitment: String,
    /// The secret, revealed at the draw.
    pub secret: String,
    /// The text typed in the room.
    pub public_entropy: String,
    /// The seed.
    pub seed: String,
    /// The selected codes with their keys, in key order.
    pub selected: Vec<PublicSelected>,
}

/// One stratum of the pool: its label, size and digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumSummary {
    /// The stratum's label.
    pub stratum: String,
    /// Members in the pool.
    pub count: u64,
    /// SHA-256 of `code + "\t" + stratum + "\n"` for the stratum's members sorted by
    /// code (the pool digest's lines, restricted to the stratum); when `salted`, of the
    /// stratum's salt, a line feed, then those lines.
    pub digest: String,
    /// Whether `digest` is salted (see the module documentation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub salted: bool,
}

/// A selected enterprise as the public sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSelected {
    /// Entity code.
    pub code: String,
    /// Its key `H(seed + "\nentity\n" + code)`.
    pub key: String,
}

/// Whether a pool's manifest may be public: all its members share one stratum.
pub fn single_stratum(pool: &[PoolEntry]) -> bool {
    pool.windows(2).all(|w| w[0].stratum == w[1].stratum)
}

/// Count and digest of every stratum of a pool, by stratum.
pub fn stratum_summaries(pool: &[PoolEntry]) -> Vec<StratumSummary> {
    summaries(pool, None)
}

/// Count and salted digest of every stratum of a pool, by stratum; `salts` holds a salt
/// (64 lowercase hex characters) for every stratum of the pool.
pub fn salted_stratum_summaries(pool: &[PoolEntry], salts: &BTreeMap<String, String>) -> Vec<StratumSummary> {
    summaries(pool, Some(salts))
}

fn summaries(pool: &[PoolEntry], salts: Option<&BTreeMap<String, String>>) -> Vec<StratumSummary> {
    let mut by_stratum: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in pool {
        by_stratum.entry(e.stratum.as_str()).or_default().push(e.code.as_str());
    }
    by_stratum
        .into_iter()
        .map(|(stratum, mut codes)| {
            codes.sort_unstable();
            let mut text =
                String::with_capacity(codes.len() * (codes.first().map_or(0, |c| c.len()) + 4) + 65);
            let salt = salts.and_then(|s| s.get(stratum));
            if let Some(salt) = salt {
                text.push_str(salt);
                text.push('\n');
            }
            for code in &codes {
                text.push_str(code);
                text.push('\t');
                text.push_str(stratum);
                text.push('\n');
            }
            StratumSummary {
                stratum: stratum.to_string(),
                count: codes.len() as u64,
                digest: sha256_hex(text.as_bytes()),
                salted: salt.is_some(),
            }
        })
        .collect()
}

impl PublicDraw {
    /// The summary of a manifest with the stratum digests salted by `salts` (one per
    /// stratum): what the portal publishes for a draw with several strata.
    pub fn of_salted(manifest: &Manifest, salts: &BTreeMap<String, String>) -> Self {
        PublicDraw { strata: salted_stratum_summaries(&manifest.input.pool, salts), ..Self::of(manifest) }
    }

    /// The summary of a manifest: everything but the strata of individual enterprises,
    /// the inspectors and the conflicts.
    pub fn of(manifest: &Manifest) -> Self {
        let input = &manifest.input;
        PublicDraw {
            protocol: PROTOCOL.to_string(),
            task_id: input.task_id.clone(),
            pool_count: input.pool.len() as u64,
            pool_digest: manifest.pool_digest.clone(),
            strata: stratum_summaries(&input.pool),
            ratios_bp: input.ratios_bp.clone(),
            commitment: input.commitment.clone(),
            secret: input.secret.clone(),
            public_entropy: input.public_entropy.clone(),
            seed: manifest.seed.clone(),
            selected: manifest
                .selected
                .iter()
                .map(|s| PublicSelected { code: s.code.clone(), key: s.key.clone() })
                .collect(),
        }
    }
}

fn check(name: impl Into<String>, expected: String, found: String) -> Check {
    Check { name: name.into(), ok: expected == found, expected, found }
}

/// Checks a public summary (JSON) as far as it can be checked without the strata:
/// `protocol`, `commitment`, `seed`, `pool: count` (the strata add up to the pool),
/// `selected: count` (the quotas the counts and ratios give), then for each selected
/// enterprise `selected[i] CODE: key` and `selected[i] CODE: order` (keys ascending).
pub fn verify_public(json: &str) -> Result<Vec<Check>, InputError> {
    if !json.trim_start().starts_with('{') {
        return Err(InputError::Malformed("expected a JSON object".to_string()));
    }
    let d: PublicDraw = serde_json::from_str(json).map_err(|e| InputError::Malformed(e.to_string()))?;
    let mut checks = vec![check("protocol", PROTOCOL.to_string(), d.protocol.clone())];

    let mut secret = [0u8; 32];
    let commitment = match hex::decode_to_slice(&d.secret, &mut secret) {
        Ok(()) if d.secret.bytes().all(|b| !b.is_ascii_uppercase()) => crate::commitment_of(&secret),
        _ => "(the secret is not 64 lowercase hex characters)".to_string(),
    };
    checks.push(check("commitment", commitment, d.commitment.clone()));
    let seed = crate::seed(&d.task_id, &d.pool_digest, &d.secret, &normalize_entropy(&d.public_entropy));
    checks.push(check("seed", seed, d.seed.clone()));

    let counted: u64 = d.strata.iter().map(|s| s.count).sum();
    checks.push(check("pool: count", counted.to_string(), d.pool_count.to_string()));
    let mut to_select = 0u64;
    for s in &d.strata {
        match d.ratios_bp.get(&s.stratum) {
            Some(&bp) => to_select += quota(s.count, bp),
            None => return Err(InputError::Malformed(format!("no ratio for stratum {:?}", s.stratum))),
        }
    }
    checks.push(check("selected: count", to_select.to_string(), d.selected.len().to_string()));

    let mut previous: Option<(&str, &str)> = None;
    for (i, s) in d.selected.iter().enumerate() {
        checks.push(check(
            format!("selected[{i}] {}: key", s.code),
            crate::entity_key(&d.seed, &s.code),
            s.key.clone(),
        ));
        let in_order = previous.is_none_or(|(key, code)| (key, code) < (s.key.as_str(), s.code.as_str()));
        checks.push(Check {
            name: format!("selected[{i}] {}: order", s.code),
            ok: in_order,
            expected: "keys ascending".to_string(),
            found: if in_order { "keys ascending".to_string() } else { "out of order".to_string() },
        });
        previous = Some((s.key.as_str(), s.code.as_str()));
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASIC: &str = include_str!("../../spec/vectors/basic.json");

    fn manifest() -> Manifest {
        let v: serde_json::Value = serde_json::from_str(BASIC).unwrap();
        let doc = if v.get("manifest").is_some() { v["manifest"].clone() } else { v };
        serde_json::from_value(doc).unwrap()
    }

    #[test]
    fn a_summary_of_a_real_manifest_verifies_and_names_no_stratum_beside_a_code() {
        let m = manifest();
        let public = PublicDraw::of(&m);
        let json = serde_json::to_string(&public).unwrap();
        let checks = verify_public(&json).unwrap();
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert_eq!(checks.len(), 5 + 2 * m.selected.len());
        assert_eq!(public.strata.iter().map(|s| s.count).sum::<u64>(), m.input.pool.len() as u64);
        for s in &m.selected {
            assert!(!json.contains(&format!("\"code\":\"{}\",\"stratum\"", s.code)));
        }
        assert!(!json.contains("\"inspectors\""));
    }

    #[test]
    fn one_stratum_digest_is_the_pool_digest() {
        let pool: Vec<PoolEntry> = ["B2", "A1", "C3"]
            .iter()
            .map(|c| PoolEntry { code: c.to_string(), stratum: "ALL".to_string() })
            .collect();
        assert!(single_stratum(&pool));
        assert_eq!(stratum_summaries(&pool)[0].digest, crate::pool_digest(&pool));
        let mut two = pool.clone();
        two[0].stratum = "D".into();
        assert!(!single_stratum(&two));
        assert_eq!(stratum_summaries(&two).len(), 2);
    }

    #[test]
    fn salted_digests_cannot_be_tested_against_a_guess() {
        let m = manifest();
        let mut strata: Vec<&str> = m.input.pool.iter().map(|e| e.stratum.as_str()).collect();
        strata.sort_unstable();
        strata.dedup();
        let salts: BTreeMap<String, String> =
            strata.iter().enumerate().map(|(i, s)| (s.to_string(), format!("{i:02x}").repeat(32))).collect();
        let salted = PublicDraw::of_salted(&m, &salts);
        let plain = PublicDraw::of(&m);
        for (s, p) in salted.strata.iter().zip(&plain.strata) {
            assert!(s.salted && !p.salted);
            assert_eq!(s.count, p.count);
            // A guess of the right members, hashed as the unsalted rule says, no longer matches…
            assert_ne!(s.digest, p.digest);
            // …while whoever holds the salt and the manifest recomputes it.
            let mut text = format!("{}\n", salts[&s.stratum]);
            let mut codes: Vec<&str> =
                m.input.pool.iter().filter(|e| e.stratum == s.stratum).map(|e| e.code.as_str()).collect();
            codes.sort_unstable();
            for c in codes {
                text.push_str(&format!("{c}\t{}\n", s.stratum));
            }
            assert_eq!(s.digest, sha256_hex(text.as_bytes()));
        }
        // Everything the public checks still checks.
        let checks = verify_public(&serde_json::to_string(&salted).unwrap()).unwrap();
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert!(serde_json::to_string(&salted).unwrap().contains("\"salted\":true"));
        assert!(!serde_json::to_string(&plain).unwrap().contains("salted"));
    }

    #[test]
    fn tampering_names_the_field() {
        let m = manifest();
        let mut public = PublicDraw::of(&m);
        public.selected[0].key = "00".repeat(32);
        public.public_entropy.push('x');
        public.strata[0].count += 1;
        let checks = verify_public(&serde_json::to_string(&public).unwrap()).unwrap();
        let failed: Vec<&str> = checks.iter().filter(|c| !c.ok).map(|c| c.name.as_str()).collect();
        assert!(failed.contains(&"seed"), "{failed:?}");
        assert!(failed.contains(&"pool: count"), "{failed:?}");
        assert!(failed.iter().any(|n| n.starts_with("selected[0]") && n.ends_with(": key")), "{failed:?}");
        assert!(matches!(verify_public("[]"), Err(InputError::Malformed(_))));
    }
}

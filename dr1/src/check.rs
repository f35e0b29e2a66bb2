//! The checks before a draw: at freezing, refusals 1, 2, 3 and 6 (which
//! need no secret and no entropy); at the ceremony, refusals 4 and 5.
//!
//! The freeze-time check also indexes the pool, which the draw then uses.

use crate::keys::commitment_of;
use crate::pool::{index_pool, PoolIndex};
use crate::refusal::{
    check_identifier, out_of_range, EntropyFault, IdentifierFault, NumberFault, PoolFault, Refusal,
    SecretFault, TeamFault,
};
use crate::rules::{normalize_entropy, MAX_BP, MAX_ENTROPY_CHARS, RULE_RATIO, RULE_TEAM};
use crate::types::Frozen;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Freeze-time checks (refusals 1, 2, 3, 6)
// ---------------------------------------------------------------------------

/// The frozen inputs checked and indexed, ready for the draw.
pub(crate) struct Prepared<'a> {
    pub(crate) f: Frozen<'a>,
    /// The pool sorted by code, and its strata.
    pub(crate) pool: PoolIndex<'a>,
    /// Department index (into `departments`) of each inspector, if it is a required one.
    pub(crate) insp_dept: Vec<Option<u32>>,
    /// Inspector index by id.
    pub(crate) insp_index: BTreeMap<&'a str, u32>,
    /// Known conflicts as (pool index, inspector index), sorted, without repeats or unknown names.
    pub(crate) conflicts: Vec<(u32, u32)>,
}

pub(crate) fn prepare<'a>(f: &Frozen<'a>) -> Result<Prepared<'a>, Refusal> {
    let f = *f;
    // Refusal 1: identifiers.
    check_identifier(|| "task_id".to_string(), f.task_id)?;
    let pool = f.pool;
    let index = index_pool(pool, true)?;
    for k in f.ratios_bp.keys() {
        check_identifier(|| format!("ratios_bp key {k:?}"), k)?;
    }
    for (i, d) in f.departments.iter().enumerate() {
        check_identifier(|| format!("departments[{i}]"), d)?;
    }
    for (i, p) in f.inspectors.iter().enumerate() {
        check_identifier(|| format!("inspectors[{i}].id"), &p.id)?;
        check_identifier(|| format!("inspectors[{i}].department"), &p.department)?;
    }
    for (i, c) in f.conflicts.iter().enumerate() {
        check_identifier(|| format!("conflicts[{i}].entity"), &c.entity)?;
        check_identifier(|| format!("conflicts[{i}].inspector"), &c.inspector)?;
    }
    // Refusal 1: repeats.
    if let Some(code) = index.first_repeat(pool) {
        return Err(Refusal::Identifier(IdentifierFault::DuplicateCode { code: code.to_string() }));
    }
    let mut insp_index = BTreeMap::new();
    for (j, p) in f.inspectors.iter().enumerate() {
        if insp_index.insert(p.id.as_str(), j as u32).is_some() {
            return Err(Refusal::Identifier(IdentifierFault::DuplicateInspector { id: p.id.clone() }));
        }
    }
    let mut dept_index = BTreeMap::new();
    for (d, name) in f.departments.iter().enumerate() {
        if dept_index.insert(name.as_str(), d as u32).is_some() {
            return Err(Refusal::Identifier(IdentifierFault::DuplicateDepartment {
                department: name.clone(),
            }));
        }
    }
    // Refusal 2.
    if pool.is_empty() {
        return Err(Refusal::Pool(PoolFault::Empty));
    }
    if let Some(&(name, first)) = index.strata.iter().find(|(s, _)| !f.ratios_bp.contains_key(*s)) {
        return Err(Refusal::Pool(PoolFault::NoRatio {
            stratum: name.to_string(),
            code: pool[first as usize].code.clone(),
        }));
    }
    // Refusal 3.
    for (k, &bp) in f.ratios_bp {
        if bp > MAX_BP {
            return Err(out_of_range(format!("ratios_bp[{k:?}]"), bp.to_string(), RULE_RATIO));
        }
    }
    if f.team_size < 2 {
        return Err(out_of_range("team_size".to_string(), f.team_size.to_string(), RULE_TEAM));
    }
    if f.departments.len() as u64 > f.team_size {
        return Err(Refusal::Number(NumberFault::TooManyDepartments {
            departments: f.departments.len(),
            team_size: f.team_size,
        }));
    }
    let insp_dept = f.inspectors.iter().map(|p| dept_index.get(p.department.as_str()).copied()).collect();
    // Pairs naming an absent entity or inspector are ignored (spec, inputs).
    let mut conflicts: Vec<(u32, u32)> = f
        .conflicts
        .iter()
        .filter_map(|c| {
            let e = index.find(pool, &c.entity)?;
            Some((e, *insp_index.get(c.inspector.as_str())?))
        })
        .collect();
    conflicts.sort_unstable();
    conflicts.dedup();
    Ok(Prepared { f, pool: index, insp_dept, insp_index, conflicts })
}

impl Prepared<'_> {
    /// Refusal 6: every pool entity can get a full team covering every department, ignoring the cap.
    pub(crate) fn check_teams(&self) -> Result<(), Refusal> {
        let f = &self.f;
        let nd = f.departments.len();
        let mut per_dept = vec![0usize; nd];
        for d in self.insp_dept.iter().flatten() {
            per_dept[*d as usize] += 1;
        }
        let fault = |entity: u32, available: usize, per_dept: &[usize]| {
            let short = (available as u64) < f.team_size;
            let uncovered = per_dept.iter().position(|&c| c == 0);
            (short || uncovered.is_some()).then(|| {
                Refusal::Team(TeamFault {
                    entity: f.pool[entity as usize].code.clone(),
                    available,
                    team_size: f.team_size,
                    uncovered: if short { None } else { uncovered.map(|d| f.departments[d].clone()) },
                })
            })
        };
        // An entity without conflicts sees every inspector; report the first in pool order.
        let first_free = (0..f.pool.len() as u32).find(|&e| self.conflict_range(e).is_empty()).unwrap_or(0);
        let mut candidates: Vec<u32> = self.conflicts.iter().map(|&(e, _)| e).collect();
        candidates.push(first_free);
        candidates.sort_unstable();
        candidates.dedup();
        for e in candidates {
            let mut left = per_dept.clone();
            let conflicting = self.conflict_range(e);
            for &(_, j) in conflicting {
                if let Some(d) = self.insp_dept[j as usize] {
                    left[d as usize] -= 1;
                }
            }
            if let Some(r) = fault(e, f.inspectors.len() - conflicting.len(), &left) {
                return Err(r);
            }
        }
        Ok(())
    }

    /// The (entity, inspector) conflict pairs of one pool entity.
    pub(crate) fn conflict_range(&self, entity: u32) -> &[(u32, u32)] {
        let lo = self.conflicts.partition_point(|&(e, _)| e < entity);
        let hi = self.conflicts.partition_point(|&(e, _)| e <= entity);
        &self.conflicts[lo..hi]
    }
}

/// The freeze-time check: refusals 1, 2, 3 and 6, which need no secret and no entropy.
///
/// Run it when the pool is frozen, before the commitment is shown, so that a
/// draw cannot be refused at the ceremony except by refusals 4, 5 and 7.
/// Build the argument with [`DrawInput::frozen`](crate::DrawInput::frozen) or directly as a [`Frozen`].
pub fn check_frozen(frozen: &Frozen<'_>) -> Result<(), Refusal> {
    prepare(frozen)?.check_teams()
}

// ---------------------------------------------------------------------------
// Ceremony-time checks (refusals 4, 5)
// ---------------------------------------------------------------------------

fn is_lower_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Refusal 4: secret and commitment are 64 lowercase hex characters and match.
pub(crate) fn check_secret(secret: &str, commitment: &str) -> Result<(), Refusal> {
    if !is_lower_hex64(secret) {
        return Err(Refusal::Secret(SecretFault::SecretNotHex { len: secret.len() }));
    }
    if !is_lower_hex64(commitment) {
        return Err(Refusal::Secret(SecretFault::CommitmentNotHex { len: commitment.len() }));
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(secret, &mut bytes)
        .map_err(|_| Refusal::Secret(SecretFault::SecretNotHex { len: secret.len() }))?;
    let secret_hash = commitment_of(&bytes);
    if secret_hash != commitment {
        return Err(Refusal::Secret(SecretFault::Mismatch {
            commitment: commitment.to_string(),
            secret_hash,
        }));
    }
    Ok(())
}

/// Refusal 5: returns the normalised entropy if it is 1–256 printable ASCII characters.
pub fn check_entropy(public_entropy: &str) -> Result<String, Refusal> {
    let entropy = normalize_entropy(public_entropy);
    if entropy.is_empty() {
        return Err(Refusal::Entropy(EntropyFault::Empty));
    }
    if let Some((position, ch)) =
        entropy.chars().enumerate().find(|(_, c)| !('\u{21}'..='\u{7e}').contains(c))
    {
        return Err(Refusal::Entropy(EntropyFault::Forbidden { ch, position }));
    }
    if entropy.len() > MAX_ENTROPY_CHARS {
        return Err(Refusal::Entropy(EntropyFault::TooLong { chars: entropy.len() }));
    }
    Ok(entropy)
}

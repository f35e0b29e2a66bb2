//! The draw itself: every check, then the derived fields in the spec's order,
//! assembled into a [`Manifest`].

use crate::check::{check_entropy, check_secret, prepare, Prepared};
use crate::digest::digest_sorted;
use crate::keys::{seed, words_hex, Keyer};
#[cfg(not(target_arch = "wasm32"))]
use crate::par::join;
use crate::par::{chunk_ranges, par_map, split_lengths};
use crate::refusal::{PostRecusalFault, Refusal, TeamFault};
use crate::select::{rank_all, ranked_prefix, ranking, select};
use crate::teams::{Board, Walker};
use crate::types::{Derived, DrawInput, Manifest, RecusalRecord, Selected, Stage};
use std::collections::BTreeMap;
use std::ops::Range;

/// Runs every check (refusals 1–7 in that order) and derives the manifest.
///
/// Clones the input into the manifest; [`draw_owned`] avoids the copy and
/// [`derive()`] returns only the derived fields.
pub fn draw(input: &DrawInput) -> Result<Manifest, Refusal> {
    let derived = derive(input)?;
    Ok(Manifest::new(input.clone(), derived))
}

/// [`draw`] taking the input by value, so a large pool is not copied.
pub fn draw_owned(input: DrawInput) -> Result<Manifest, Refusal> {
    let derived = derive(&input)?;
    Ok(Manifest::new(input, derived))
}

/// Runs every check (refusals 1–7) and computes the derived fields only.
pub fn derive(input: &DrawInput) -> Result<Derived, Refusal> {
    let frozen = input.frozen();
    let prep = prepare(&frozen)?;
    check_secret(&input.secret, &input.commitment)?;
    let entropy = check_entropy(&input.public_entropy)?;
    prep.check_teams()?;

    let pool = &input.pool;
    let digest_hex = hex::encode(digest_sorted(pool, &prep.pool));
    let seed_hex = seed(&input.task_id, &digest_hex, &input.secret, &entropy);
    let keyer = Keyer::new(&seed_hex);

    let chosen = select(&prep, input, &keyer);
    // The selected entities' codes and strata, read from the pool once, in a loop of
    // independent loads. The pool is read at random here (the selection is in key order);
    // read inside the loops below, which hash and allocate, each read would stall them.
    let codes: Vec<&str> = chosen.iter().map(|&(_, e)| pool[e as usize].code.as_str()).collect();
    let strata: Vec<&str> =
        chosen.iter().map(|&(_, e)| prep.pool.strata[prep.pool.stratum_of[e as usize] as usize].0).collect();
    let ids: Vec<&str> = input.inspectors.iter().map(|p| p.id.as_str()).collect();
    let prefix = ranked_prefix(ids.len(), input.team_size as usize, input.max_per_inspector);
    let rankings = rank_all(&keyer, &codes, &ids, prefix);
    let full = |k: usize| ranking(&keyer, codes[k], &ids);

    let walker = Walker {
        team_size: input.team_size as usize,
        departments: input.departments.len(),
        cap: input.max_per_inspector,
        insp_dept: &prep.insp_dept,
        conflicts: &prep.conflicts,
    };
    // The teams are formed in order, on one core; meanwhile another writes
    // three of the five strings of each selected entity: three quarters of
    // them (the walk takes about as long as writing half), the rest here after the walk.
    let strings = |range: Range<usize>| -> Vec<Selected> {
        range
            .map(|k| Selected {
                code: codes[k].to_string(),
                stratum: strata[k].to_string(),
                key: words_hex(&chosen[k].0),
                inspectors: Vec::new(),
                cap_lifted: false,
                recused: Vec::new(),
            })
            .collect()
    };
    #[cfg(not(target_arch = "wasm32"))]
    let (mut selected, assigned) = {
        let cut = chosen.len() - chosen.len() / 4;
        let (mut selected, (assigned, rest)) = join(
            || strings(0..cut),
            || (Board::assign(&walker, &chosen, &rankings, prefix, full), strings(cut..chosen.len())),
        );
        selected.extend(rest);
        (selected, assigned)
    };
    // In the browser (one thread), one after the other and in one piece: less code.
    #[cfg(target_arch = "wasm32")]
    let (mut selected, assigned) =
        (strings(0..chosen.len()), Board::assign(&walker, &chosen, &rankings, prefix, full));
    let (mut board, met) = assigned.map_err(|entity| team_fault(&prep, entity))?;
    let mut recusals: Vec<RecusalRecord> = met
        .into_iter()
        .map(|(k, j)| RecusalRecord {
            entity: codes[k].to_string(),
            inspector: ids[j as usize].to_string(),
            stage: Stage::Pre,
        })
        .collect();

    // Selection positions by code, only needed (and only built) for post recusals.
    let position: BTreeMap<&str, usize> = match input.post_recusals.is_empty() {
        true => BTreeMap::new(),
        false => codes.iter().enumerate().map(|(k, &code)| (code, k)).collect(),
    };
    for (index, pr) in input.post_recusals.iter().enumerate() {
        let (entity, inspector) = (pr.entity.clone(), pr.inspector.clone());
        let Some(&k) = position.get(pr.entity.as_str()) else {
            return Err(Refusal::PostRecusal(PostRecusalFault::NotSelected { index, entity }));
        };
        let on_team = prep.insp_index.get(pr.inspector.as_str());
        let Some(slot) = on_team.and_then(|j| board.teams[k].iter().position(|m| m == j)) else {
            return Err(Refusal::PostRecusal(PostRecusalFault::NotOnTeam { index, entity, inspector }));
        };
        if !board.recuse(&walker, k, chosen[k].1, &full(k), slot) {
            return Err(Refusal::PostRecusal(PostRecusalFault::CannotRefill { index, entity, inspector }));
        }
        recusals.push(RecusalRecord { entity, inspector, stage: Stage::Post });
    }

    // The teams' strings, in parallel chunks.
    let names = |v: &[u32]| v.iter().map(|&j| ids[j as usize].to_string()).collect();
    let chunks = chunk_ranges(selected.len(), 1 << 12);
    let jobs: Vec<_> =
        chunks.iter().cloned().zip(split_lengths(&mut selected, chunks.iter().map(|r| r.len()))).collect();
    par_map(jobs, |(range, part)| {
        for (k, s) in range.zip(part) {
            s.inspectors = names(&board.teams[k]);
            s.cap_lifted = board.lifted[k];
            s.recused = names(&board.recused[k]);
        }
    });
    Ok(Derived { pool_digest: digest_hex, seed: seed_hex, selected, recusals })
}

/// Refusal 6 for one entity (only reached if the feasibility check and the walk disagree).
fn team_fault(prep: &Prepared<'_>, e: u32) -> Refusal {
    Refusal::Team(TeamFault {
        entity: prep.f.pool[e as usize].code.clone(),
        available: prep.f.inspectors.len() - prep.conflict_range(e).len(),
        team_size: prep.f.team_size,
        uncovered: None,
    })
}

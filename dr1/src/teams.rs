//! Derived fields 8 and 9: the team walk, the teams in selection order with
//! the workload cap, and the refill after a post recusal.
//!
//! Works on indices only (pool and inspector); [`draw`](mod@crate::draw) turns them
//! back into codes and ids.

use crate::select::Cand;

/// The team walk of the spec, on inspector indices.
pub(crate) struct Walker<'a> {
    pub(crate) team_size: usize,
    /// Number of required departments.
    pub(crate) departments: usize,
    pub(crate) cap: u64,
    /// Required-department index of each inspector, if any.
    pub(crate) insp_dept: &'a [Option<u32>],
    /// Known conflicts as sorted (pool index, inspector index) pairs.
    pub(crate) conflicts: &'a [(u32, u32)],
}

impl Walker<'_> {
    /// Walks `ranking` for `entity` from `team`, appending accepted
    /// inspectors; true if the team ends full with every department covered.
    ///
    /// `excluded` are skipped (post-recused); conflicts are skipped and, when
    /// `met` is given, recorded there in ranking order.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        entity: u32,
        ranking: &[u32],
        team: &mut Vec<u32>,
        loads: &[u64],
        capped: bool,
        excluded: &[u32],
        mut met: Option<&mut Vec<u32>>,
    ) -> bool {
        let mut uncovered = vec![true; self.departments];
        let mut open = self.departments;
        for &m in team.iter() {
            if let Some(d) = self.insp_dept[m as usize] {
                if std::mem::replace(&mut uncovered[d as usize], false) {
                    open -= 1;
                }
            }
        }
        for &j in ranking {
            if team.len() >= self.team_size {
                break;
            }
            if team.contains(&j) || excluded.contains(&j) {
                continue;
            }
            if self.conflicts.binary_search(&(entity, j)).is_ok() {
                if let Some(met) = met.as_deref_mut() {
                    met.push(j);
                }
                continue;
            }
            if capped && self.cap != 0 && loads[j as usize] >= self.cap {
                continue;
            }
            let dept = self.insp_dept[j as usize].filter(|&d| uncovered[d as usize]);
            if dept.is_some() || self.team_size - team.len() > open {
                team.push(j);
                if let Some(d) = dept {
                    uncovered[d as usize] = false;
                    open -= 1;
                }
            }
        }
        team.len() == self.team_size && open == 0
    }
}

/// The teams, in selection order: each one's members, whether its cap was
/// lifted and who was post-recused; and every inspector's load.
pub(crate) struct Board {
    pub(crate) teams: Vec<Vec<u32>>,
    pub(crate) lifted: Vec<bool>,
    pub(crate) recused: Vec<Vec<u32>>,
    pub(crate) loads: Vec<u64>,
}

impl Board {
    /// Derived field 8: forms the teams in selection order. Returns the board
    /// and the conflicts met, as (position, inspector); or the pool index of
    /// an entity whose team cannot be formed.
    ///
    /// `rankings` holds the first `prefix` inspectors of each ranking; a walk
    /// that does not complete its team within them is walked again over the
    /// whole ranking from `full` (a walk stops when the team is full, so one
    /// that completes within the prefix is the walk over the whole ranking).
    pub(crate) fn assign(
        w: &Walker<'_>,
        chosen: &[Cand],
        rankings: &[u32],
        prefix: usize,
        full: impl Fn(usize) -> Vec<u32>,
    ) -> Result<(Board, Vec<(usize, u32)>), u32> {
        let mut board = Board {
            teams: Vec::with_capacity(chosen.len()),
            lifted: vec![false; chosen.len()],
            recused: vec![Vec::new(); chosen.len()],
            loads: vec![0; w.insp_dept.len()],
        };
        let mut met_all = Vec::new();
        let mut whole = None;
        for (k, &(_, e)) in chosen.iter().enumerate() {
            let mut ranking = &rankings[k * prefix..][..prefix];
            let mut team = Vec::with_capacity(w.team_size);
            let mut met = Vec::new();
            // Refusal 6 already guarantees at least `team_size` ≥ 2 inspectors.
            loop {
                if w.walk(e, ranking, &mut team, &board.loads, true, &[], Some(&mut met)) {
                    break;
                }
                // The capped walk's team and records are discarded.
                team.clear();
                met.clear();
                if ranking.len() < w.insp_dept.len() {
                    ranking = whole.insert(full(k));
                    continue;
                }
                board.lifted[k] = true;
                if !w.walk(e, ranking, &mut team, &board.loads, false, &[], Some(&mut met)) {
                    return Err(e);
                }
                break;
            }
            for &j in &team {
                board.loads[j as usize] += 1;
            }
            met_all.extend(met.into_iter().map(|j| (k, j)));
            board.teams.push(team);
        }
        Ok((board, met_all))
    }

    /// Derived field 9: removes the member at `slot` of team `k` (entity
    /// `entity`) and refills the vacancy; false if even the uncapped walk cannot.
    pub(crate) fn recuse(
        &mut self,
        w: &Walker<'_>,
        k: usize,
        entity: u32,
        ranking: &[u32],
        slot: usize,
    ) -> bool {
        let team = &mut self.teams[k];
        let gone = team.remove(slot);
        self.loads[gone as usize] -= 1;
        self.recused[k].push(gone);
        let remaining = team.clone();
        let excluded = &self.recused[k];
        if !w.walk(entity, ranking, team, &self.loads, true, excluded, None) {
            *team = remaining;
            self.lifted[k] = true;
            if !w.walk(entity, ranking, team, &self.loads, false, excluded, None) {
                return false;
            }
        }
        if let Some(&new) = team.last() {
            self.loads[new as usize] += 1;
        }
        true
    }
}

//! A literal, slow reference implementation of the spec, compared with the
//! engine on 400 random inputs (with their properties, shuffles and
//! verification) and on one pool large enough to be split across threads.

use crate::helpers::all_ok;
use dr1::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// Lowercase hex SHA-256, written out so the reference shares no code with the engine.
fn h(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Derives the fields straight from the spec text; assumes refusals 1–6 pass.
fn reference(input: &DrawInput) -> Result<Derived, u8> {
    let mut lines: Vec<&PoolEntry> = input.pool.iter().collect();
    lines.sort_by(|a, b| a.code.as_bytes().cmp(b.code.as_bytes()));
    let text: String = lines.iter().map(|p| format!("{}\t{}\n", p.code, p.stratum)).collect();
    let digest = h(&text);
    let entropy: String = input.public_entropy.chars().filter(|c| !" \t\n\r".contains(*c)).collect();
    let seed = h(&format!("DR1\n{}\n{}\n{}\n{}\n", input.task_id, digest, input.secret, entropy));
    let strata: BTreeSet<&str> = input.pool.iter().map(|p| p.stratum.as_str()).collect();
    let mut chosen: Vec<(String, &PoolEntry)> = Vec::new();
    for s in strata {
        let mut m: Vec<(String, &PoolEntry)> = input
            .pool
            .iter()
            .filter(|p| p.stratum == s)
            .map(|p| (h(&format!("{seed}\nentity\n{}", p.code)), p))
            .collect();
        m.sort_by(|a, b| (a.0.as_bytes(), a.1.code.as_bytes()).cmp(&(b.0.as_bytes(), b.1.code.as_bytes())));
        let (n, bp) = (m.len() as u64, input.ratios_bp[s]);
        #[allow(clippy::manual_div_ceil)]
        let q = if n == 0 || bp == 0 { 0 } else { n.min(1.max((n * bp + 9999) / 10000)) };
        chosen.extend(m.into_iter().take(q as usize));
    }
    chosen.sort_by(|a, b| (a.0.as_bytes(), a.1.code.as_bytes()).cmp(&(b.0.as_bytes(), b.1.code.as_bytes())));

    let dept = |id: &str| input.inspectors.iter().find(|i| i.id == id).unwrap().department.clone();
    let conflict = |e: &str, i: &str| input.conflicts.iter().any(|c| c.entity == e && c.inspector == i);
    let ts = input.team_size as usize;
    let cap = input.max_per_inspector;
    let walk = |e: &str,
                ranking: &[String],
                mut team: Vec<String>,
                load: &HashMap<String, u64>,
                capped: bool,
                excluded: &[String]| {
        let mut uncovered: Vec<String> =
            input.departments.iter().filter(|d| !team.iter().any(|m| dept(m) == **d)).cloned().collect();
        let mut met = Vec::new();
        for i in ranking {
            if team.len() == ts {
                break;
            }
            if team.contains(i) || excluded.contains(i) {
                continue;
            }
            if conflict(e, i) {
                met.push(i.clone());
                continue;
            }
            if capped && cap != 0 && load.get(i).copied().unwrap_or(0) >= cap {
                continue;
            }
            let d = dept(i);
            if uncovered.contains(&d) || ts - team.len() > uncovered.len() {
                team.push(i.clone());
                uncovered.retain(|u| *u != d);
            }
        }
        let ok = team.len() == ts && uncovered.is_empty();
        (team, met, ok)
    };
    let mut load: HashMap<String, u64> = HashMap::new();
    let mut selected = Vec::new();
    let mut pre = Vec::new();
    let mut rankings = Vec::new();
    for (key, p) in &chosen {
        let mut r: Vec<(String, String)> = input
            .inspectors
            .iter()
            .map(|i| (h(&format!("{seed}\ninspector\n{}\n{}", p.code, i.id)), i.id.clone()))
            .collect();
        r.sort_by(|a, b| (a.0.as_bytes(), a.1.as_bytes()).cmp(&(b.0.as_bytes(), b.1.as_bytes())));
        let ranking: Vec<String> = r.into_iter().map(|x| x.1).collect();
        let (mut team, mut met, ok) = walk(&p.code, &ranking, Vec::new(), &load, true, &[]);
        let mut lifted = false;
        if !ok {
            lifted = true;
            let again = walk(&p.code, &ranking, Vec::new(), &load, false, &[]);
            assert!(again.2);
            (team, met) = (again.0, again.1);
        }
        for m in &team {
            *load.entry(m.clone()).or_default() += 1;
        }
        pre.extend(met.into_iter().map(|i| RecusalRecord {
            entity: p.code.clone(),
            inspector: i,
            stage: Stage::Pre,
        }));
        rankings.push(ranking);
        selected.push(Selected {
            code: p.code.clone(),
            stratum: p.stratum.clone(),
            key: key.clone(),
            inspectors: team,
            cap_lifted: lifted,
            recused: Vec::new(),
        });
    }
    for pr in &input.post_recusals {
        let k = selected.iter().position(|s| s.code == pr.entity).ok_or(7u8)?;
        let slot = selected[k].inspectors.iter().position(|i| *i == pr.inspector).ok_or(7u8)?;
        selected[k].inspectors.remove(slot);
        *load.get_mut(&pr.inspector).unwrap() -= 1;
        selected[k].recused.push(pr.inspector.clone());
        let remaining = selected[k].inspectors.clone();
        let (mut team, _, ok) =
            walk(&pr.entity, &rankings[k], remaining.clone(), &load, true, &selected[k].recused);
        if !ok {
            let again = walk(&pr.entity, &rankings[k], remaining, &load, false, &selected[k].recused);
            if !again.2 {
                return Err(7);
            }
            team = again.0;
            selected[k].cap_lifted = true;
        }
        *load.entry(team.last().unwrap().clone()).or_default() += 1;
        selected[k].inspectors = team;
        pre.push(RecusalRecord {
            entity: pr.entity.clone(),
            inspector: pr.inspector.clone(),
            stage: Stage::Post,
        });
    }
    Ok(Derived { pool_digest: digest, seed, selected, recusals: pre })
}

/// A tiny deterministic generator (no rand crate).
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
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

fn random_input(rng: &mut Lcg, pool_size: usize) -> DrawInput {
    random_input_with(rng, pool_size, Shape::Usual)
}

/// Variants of the random inputs.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Usual,
    /// Codes of at most 6 bytes: few enough varying bits for the engine to
    /// sort the pool as packed integers.
    ShortCodes,
    /// 24 to 63 inspectors, few of the required departments, no cap: walks
    /// that go past the part of the rankings the engine computes first.
    ManyInspectors,
}

fn random_input_with(rng: &mut Lcg, pool_size: usize, shape: Shape) -> DrawInput {
    let strata = ["A", "B", "c", "_", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12"];
    // Sometimes more than 8 strata (the map path of the scan).
    let n_strata = if rng.below(5) == 0 { 12 } else { 1 + rng.below(4) };
    let mut codes = BTreeSet::new();
    // Sometimes codes longer than the 24 bytes a sort record holds.
    let max_len = if shape == Shape::ShortCodes {
        6
    } else if rng.below(4) == 0 {
        64
    } else {
        20
    };
    while codes.len() < pool_size {
        let len = 1 + rng.below(max_len);
        codes.insert(rng.id(len));
    }
    let mut pool: Vec<PoolEntry> = codes
        .into_iter()
        .map(|code| PoolEntry { code, stratum: strata[rng.below(n_strata)].to_string() })
        .collect();
    rng.shuffle(&mut pool);
    let bps = [0, 1, 200, 2500, 5000, 10_000];
    let ratios_bp = strata[..n_strata]
        .iter()
        .map(|s| {
            let bp = if rng.below(3) == 0 { rng.below(10_001) as u64 } else { bps[rng.below(bps.len())] };
            (s.to_string(), bp)
        })
        .collect();
    let team_size = 2 + rng.below(3) as u64;
    let depts = ["d1", "D-2", "x_", "other"];
    let n_req = rng.below(3.min(team_size as usize) + 1);
    let departments: Vec<String> = depts[..n_req].iter().map(|d| d.to_string()).collect();
    let n_insp = match shape {
        Shape::ManyInspectors => 24 + rng.below(40),
        _ => 4 + rng.below(10),
    };
    let mut ids = BTreeSet::new();
    while ids.len() < n_insp {
        let len = 1 + rng.below(6);
        ids.insert(rng.id(len));
    }
    // The first inspectors cover the required departments, so most inputs can draw.
    let inspectors: Vec<InspectorEntry> = ids
        .into_iter()
        .enumerate()
        .map(|(j, id)| InspectorEntry {
            id,
            department: match (j < n_req && rng.below(8) != 0, shape) {
                (true, _) => depts[j],
                // Few inspectors of the required departments: walks go deep into the rankings.
                (false, Shape::ManyInspectors) if rng.below(8) != 0 => depts[3],
                (false, _) => depts[rng.below(4)],
            }
            .to_string(),
        })
        .collect();
    let conflicts = (0..rng.below(12))
        .map(|_| ConflictPair {
            entity: if rng.below(8) == 0 {
                "absent".into()
            } else {
                pool[rng.below(pool.len())].code.clone()
            },
            inspector: inspectors[rng.below(inspectors.len())].id.clone(),
        })
        .collect();
    let mut secret = [0u8; 32];
    for b in secret.iter_mut() {
        *b = rng.next() as u8;
    }
    let entropy: String = (0..1 + rng.below(30))
        .map(|_| {
            const CHARS: &[u8] = b"0123456 \t\r\nxyz!~";
            CHARS[rng.below(CHARS.len())] as char
        })
        .collect();
    DrawInput {
        task_id: rng.id(8),
        pool,
        ratios_bp,
        team_size,
        departments,
        inspectors,
        conflicts,
        max_per_inspector: match shape {
            Shape::ManyInspectors => 0,
            _ => rng.below(4) as u64,
        },
        commitment: commitment_of(&secret),
        secret: hex::encode(secret),
        public_entropy: format!("{entropy}7"),
        post_recusals: Vec::new(),
    }
}

/// Adds up to three post recusals, mostly valid ones.
fn add_post_recusals(rng: &mut Lcg, input: &mut DrawInput) {
    for _ in 0..rng.below(4) {
        let Ok(d) = derive(input) else { return };
        if d.selected.is_empty() {
            return;
        }
        let s = &d.selected[rng.below(d.selected.len())];
        let inspector = if rng.below(10) == 0 {
            input.inspectors[rng.below(input.inspectors.len())].id.clone()
        } else {
            s.inspectors[rng.below(s.inspectors.len())].clone()
        };
        input.post_recusals.push(PostRecusal { entity: s.code.clone(), inspector, reason: "test".into() });
    }
}

fn check_properties(input: &DrawInput, d: &Derived) {
    let mut count: HashMap<&str, u64> = HashMap::new();
    for p in &input.pool {
        *count.entry(&p.stratum).or_default() += 1;
    }
    for (s, &n) in &count {
        let got = d.selected.iter().filter(|x| x.stratum == *s).count() as u64;
        assert_eq!(got, quota(n, input.ratios_bp[*s]), "stratum {s}");
    }
    assert!(d.selected.windows(2).all(|w| w[0].key < w[1].key));
    let dept: HashMap<&str, &str> =
        input.inspectors.iter().map(|i| (i.id.as_str(), i.department.as_str())).collect();
    for s in &d.selected {
        let team: BTreeSet<&str> = s.inspectors.iter().map(String::as_str).collect();
        assert_eq!(team.len() as u64, input.team_size, "{s:?}");
        assert_eq!(s.inspectors.len() as u64, input.team_size);
        for need in &input.departments {
            assert!(team.iter().any(|m| dept[m] == need), "{s:?} lacks {need}");
        }
        for c in &input.conflicts {
            assert!(!(c.entity == s.code && team.contains(c.inspector.as_str())), "{s:?}");
        }
        for r in &s.recused {
            assert!(!team.contains(r.as_str()));
        }
    }
    // With no cap lifted anywhere, nobody works beyond the cap.
    if input.max_per_inspector > 0 && d.selected.iter().all(|s| !s.cap_lifted) {
        for i in &input.inspectors {
            let load = d.selected.iter().filter(|s| s.inspectors.contains(&i.id)).count() as u64;
            assert!(load <= input.max_per_inspector, "{} has {load}", i.id);
        }
    }
}

#[test]
fn random_inputs_match_reference_and_properties() {
    let (drawn, refused6, refused7) = random_cases(20230101, 400, Shape::Usual);
    assert!(drawn > 250 && refused6 > 0 && refused7 > 0);
}

/// As above with codes the engine sorts as packed integers.
#[test]
fn random_short_codes_match_reference_and_properties() {
    let (drawn, _, _) = random_cases(20260101, 200, Shape::ShortCodes);
    assert!(drawn > 120);
}

/// As above with many inspectors, few of the required departments.
#[test]
fn random_many_inspectors_match_reference_and_properties() {
    let (drawn, _, _) = random_cases(20260202, 150, Shape::ManyInspectors);
    assert!(drawn > 80);
}

/// Draws `cases` random inputs and checks each against the reference and
/// the properties; returns how many were drawn and refused (6, 7).
fn random_cases(seed: u64, cases: usize, shape: Shape) -> (usize, usize, usize) {
    let mut rng = Lcg(seed);
    let (mut drawn, mut refused6, mut refused7) = (0, 0, 0);
    for case in 0..cases {
        let size = 1 + rng.below(if case % 10 == 0 { 400 } else { 60 });
        let mut input = random_input_with(&mut rng, size, shape);
        // Refusal 6, literally: every entity keeps team_size inspectors and every department.
        let feasible = input.pool.iter().all(|p| {
            let left: Vec<&InspectorEntry> = input
                .inspectors
                .iter()
                .filter(|i| !input.conflicts.iter().any(|c| c.entity == p.code && c.inspector == i.id))
                .collect();
            left.len() as u64 >= input.team_size
                && input.departments.iter().all(|d| left.iter().any(|i| i.department == *d))
        });
        assert_eq!(check_frozen(&input.frozen()).is_ok(), feasible, "case {case}");
        if let Err(r) = check_frozen(&input.frozen()) {
            assert_eq!(r.number(), 6, "{r}");
            assert!(derive(&input).is_err());
            refused6 += 1;
            continue;
        }
        add_post_recusals(&mut rng, &mut input);
        let ours = derive(&input);
        let theirs = reference(&input);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "case {case}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.number(), *b, "case {case}: {a}");
                refused7 += 1;
                continue;
            }
            _ => panic!("case {case}: ours {ours:?} vs reference {theirs:?}"),
        }
        let d = ours.unwrap();
        drawn += 1;
        check_properties(&input, &d);

        // Order of the pool, the inspectors and the conflicts does not matter.
        let mut shuffled = input.clone();
        rng.shuffle(&mut shuffled.pool);
        rng.shuffle(&mut shuffled.inspectors);
        rng.shuffle(&mut shuffled.conflicts);
        assert_eq!(derive(&shuffled).unwrap(), d, "case {case}");

        let manifest = Manifest::new(input, d);
        assert_eq!(
            manifest.to_json_pretty(),
            serde_json::to_string_pretty(&manifest).unwrap(),
            "case {case}"
        );
        let text = serde_json::to_string(&manifest).unwrap();
        assert_eq!(parse_input(&text).as_ref(), Ok(&manifest.input), "case {case}");
        assert!(all_ok(&verify_manifest(&text).unwrap()), "case {case}");
    }
    println!("drawn {drawn}, refused 6: {refused6}, refused 7: {refused7}");
    (drawn, refused6, refused7)
}

#[test]
fn large_pool_uses_chunks_and_matches_reference() {
    let mut rng = Lcg(7);
    let mut input = random_input(&mut rng, 10);
    input.pool = (0..140_000u32)
        .map(|i| PoolEntry {
            code: format!("9113{:014}", (u64::from(i) * 7_919_993) % 100_000_000_000_000),
            stratum: ["A", "B", "C", "D"][(i % 4) as usize].to_string(),
        })
        .collect();
    input.ratios_bp =
        [("A", 10), ("B", 0), ("C", 100), ("D", 10_000)].iter().map(|(s, b)| (s.to_string(), *b)).collect();
    input.conflicts.clear();
    input.departments.clear();
    input.team_size = 2;
    let d = derive(&input).unwrap();
    assert_eq!(d, reference(&input).unwrap());
    assert_eq!(d.pool_digest, {
        let mut lines: Vec<String> =
            input.pool.iter().map(|p| format!("{}\t{}\n", p.code, p.stratum)).collect();
        lines.sort();
        h(&lines.concat())
    });
}

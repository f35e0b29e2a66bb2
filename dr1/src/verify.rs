//! Verification: a manifest re-derived and every derived field compared,
//! each comparison a named [`Check`] so a reader sees what differs.

use crate::draw::derive;
use crate::input::{from_json, input_of, RawDoc};
use crate::refusal::{InputError, Refusal};
use crate::types::{Derived, DrawInput, Stage, PROTOCOL};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One named check of a verification: what was checked, whether it passed, expected vs found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What was checked, e.g. `seed` or `selected[3] 91130...: inspectors`.
    pub name: String,
    /// Whether the manifest holds the recomputed value.
    pub ok: bool,
    /// The recomputed value.
    pub expected: String,
    /// The manifest's value.
    pub found: String,
}

/// A selected entity as a manifest claims it, kept as raw JSON so any value can be reported.
#[derive(Deserialize)]
struct ClaimedSelected {
    code: Option<Value>,
    stratum: Option<Value>,
    key: Option<Value>,
    inspectors: Option<Value>,
    cap_lifted: Option<Value>,
    recused: Option<Value>,
}

/// A recusal record as a manifest claims it.
#[derive(Deserialize)]
struct ClaimedRecusal {
    entity: Option<Value>,
    inspector: Option<Value>,
    stage: Option<Value>,
}

/// Shows a JSON value in a check: strings bare, anything else as JSON.
fn show(v: Option<&Value>, absent: &str) -> String {
    match v {
        None => absent.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// A check comparing JSON values, so `"true"` never passes for `true`.
fn check_value(name: String, expected: Option<Value>, found: Option<&Value>) -> Check {
    Check {
        ok: expected.as_ref() == found,
        expected: show(expected.as_ref(), "(none)"),
        found: show(found, "(missing)"),
        name,
    }
}

fn count_check(name: &str, expected: usize, found: usize) -> Check {
    Check {
        name: name.to_string(),
        ok: expected == found,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

/// Recomputes a manifest and compares every derived field.
///
/// `Err` if it is malformed or refused; else the checks in order:
/// `protocol`, `commitment`, `pool_digest`, `seed`, then for each position
/// `selected[i] CODE: code|key|stratum|inspectors|cap_lifted|recused`,
/// `selected: count`, then `recusals[j] CODE` and `recusals: count`.
/// The manifest is valid when every check is ok (see [`first_failure`]).
pub fn verify_manifest(json: &str) -> Result<Vec<Check>, InputError> {
    let mut raw: RawDoc<Value, Vec<ClaimedSelected>, Vec<ClaimedRecusal>> = from_json(json)?;
    let (protocol, pool_digest, seed) = (raw.protocol.take(), raw.pool_digest.take(), raw.seed.take());
    let claimed_selected = raw.selected.take().unwrap_or_default();
    let claimed_recusals = raw.recusals.take().unwrap_or_default();
    let input = input_of(raw)?;
    let claimed =
        Claimed { protocol, pool_digest, seed, selected: claimed_selected, recusals: claimed_recusals };
    match derive(&input) {
        Ok(derived) => Ok(compare(&input, &derived, &claimed)),
        // Refusal 7 depends on the draw itself: when the recorded seed, pool or selection was
        // altered, the post recusals no longer fit. Name the altered field rather than refuse.
        Err(Refusal::PostRecusal(fault)) if claimed.seed.is_some() => {
            let before_recusals = DrawInput { post_recusals: Vec::new(), ..input.clone() };
            let partial = derive(&before_recusals)?;
            let altered: Vec<Check> = compare(&before_recusals, &partial, &claimed)
                .into_iter()
                .filter(|c| !c.ok && is_draw_field(&c.name))
                .collect();
            if altered.is_empty() {
                Err(Refusal::PostRecusal(fault).into())
            } else {
                Ok(altered)
            }
        }
        Err(refusal) => Err(refusal.into()),
    }
}

/// Whether a check concerns a field fixed before any post recusal (seed, pool, selection order).
fn is_draw_field(name: &str) -> bool {
    matches!(name, "protocol" | "pool_digest" | "seed" | "selected: count")
        || name.ends_with(": code")
        || name.ends_with(": key")
        || name.ends_with(": stratum")
}

/// The derived fields a manifest claims.
struct Claimed {
    protocol: Option<Value>,
    pool_digest: Option<Value>,
    seed: Option<Value>,
    selected: Vec<ClaimedSelected>,
    recusals: Vec<ClaimedRecusal>,
}

/// Every check of a manifest's claimed fields against a derivation, in manifest order.
fn compare(input: &DrawInput, derived: &Derived, claimed: &Claimed) -> Vec<Check> {
    let Claimed { protocol, pool_digest, seed, selected: claimed_selected, recusals: claimed_recusals } =
        claimed;
    let s = |x: &str| Some(Value::String(x.to_string()));

    let mut checks = vec![
        check_value("protocol".into(), s(PROTOCOL), protocol.as_ref()),
        // Refusal 4 already guarantees this one; it is listed so a reader sees it was checked.
        Check {
            name: "commitment".into(),
            ok: true,
            expected: input.commitment.clone(),
            found: input.commitment.clone(),
        },
        check_value("pool_digest".into(), s(&derived.pool_digest), pool_digest.as_ref()),
        check_value("seed".into(), s(&derived.seed), seed.as_ref()),
    ];

    let list = |v: &[String]| Some(Value::Array(v.iter().map(|x| Value::String(x.clone())).collect()));
    let empty = Value::Array(Vec::new());
    let positions = derived.selected.len().max(claimed_selected.len());
    for i in 0..positions {
        let exp = derived.selected.get(i);
        let got = claimed_selected.get(i);
        let code = match (exp, got) {
            (Some(e), _) => e.code.clone(),
            (None, Some(g)) => show(g.code.as_ref(), "?"),
            (None, None) => String::new(),
        };
        let name = |field: &str| format!("selected[{i}] {code}: {field}");
        let field = |f: fn(&ClaimedSelected) -> Option<&Value>| got.and_then(f);
        checks.push(check_value(name("code"), exp.and_then(|e| s(&e.code)), field(|g| g.code.as_ref())));
        checks.push(check_value(name("key"), exp.and_then(|e| s(&e.key)), field(|g| g.key.as_ref())));
        checks.push(check_value(
            name("stratum"),
            exp.and_then(|e| s(&e.stratum)),
            field(|g| g.stratum.as_ref()),
        ));
        checks.push(check_value(
            name("inspectors"),
            exp.and_then(|e| list(&e.inspectors)),
            field(|g| g.inspectors.as_ref()),
        ));
        checks.push(check_value(
            name("cap_lifted"),
            exp.map(|e| Value::Bool(e.cap_lifted)),
            field(|g| g.cap_lifted.as_ref()),
        ));
        // An absent `recused` means none.
        let found_recused = got.map(|g| g.recused.as_ref().unwrap_or(&empty));
        checks.push(check_value(name("recused"), exp.and_then(|e| list(&e.recused)), found_recused));
    }
    checks.push(count_check("selected: count", derived.selected.len(), claimed_selected.len()));

    let positions = derived.recusals.len().max(claimed_recusals.len());
    for j in 0..positions {
        let exp = derived.recusals.get(j);
        let got = claimed_recusals.get(j);
        let stage = |st: Stage| match st {
            Stage::Pre => "pre",
            Stage::Post => "post",
        };
        let expected = exp.map(|e| [s(&e.entity), s(&e.inspector), s(stage(e.stage))]);
        let found = got.map(|g| [g.entity.clone(), g.inspector.clone(), g.stage.clone()]);
        let text = |v: &Option<[Option<Value>; 3]>, absent: &str| match v {
            None => absent.to_string(),
            Some(parts) => {
                parts.iter().map(|p| show(p.as_ref(), "(missing)")).collect::<Vec<_>>().join(" / ")
            }
        };
        let entity = match (exp, got) {
            (Some(e), _) => e.entity.clone(),
            (None, Some(g)) => show(g.entity.as_ref(), "?"),
            (None, None) => String::new(),
        };
        checks.push(Check {
            name: format!("recusals[{j}] {entity}"),
            ok: expected.is_some() && expected == found,
            expected: text(&expected, "(none)"),
            found: text(&found, "(missing)"),
        });
    }
    checks.push(count_check("recusals: count", derived.recusals.len(), claimed_recusals.len()));
    checks
}

/// The first failed check, if any.
pub fn first_failure(checks: &[Check]) -> Option<&Check> {
    checks.iter().find(|c| !c.ok)
}

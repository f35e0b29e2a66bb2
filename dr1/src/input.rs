//! JSON input: a draw's input fields read from an input or a whole manifest,
//! strictly (repeated keys and non-integer numbers are refused), in one pass
//! that can also keep the derived fields a manifest claims.

#[cfg(not(target_arch = "wasm32"))]
use crate::pool_json::split_pool;
use crate::refusal::{out_of_range, InputError, Refusal};
use crate::rules::{MAX_BP, RULE_CAP, RULE_RATIO, RULE_TEAM};
use crate::types::{ConflictPair, DrawInput, InspectorEntry, PoolEntry, PostRecusal};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A JSON input or manifest as written: the input fields with the numbers
/// not yet checked, and the derived fields a manifest claims (`IgnoredAny`
/// when only the inputs are wanted), read in one pass.
#[derive(Deserialize)]
pub(crate) struct RawDoc<S, L, R> {
    task_id: String,
    pool: Vec<PoolEntry>,
    ratios_bp: RawRatios,
    team_size: Value,
    departments: Vec<String>,
    inspectors: Vec<InspectorEntry>,
    conflicts: Vec<ConflictPair>,
    max_per_inspector: Value,
    commitment: String,
    secret: String,
    public_entropy: String,
    #[serde(default)]
    post_recusals: Vec<PostRecusal>,
    pub(crate) protocol: Option<S>,
    pub(crate) pool_digest: Option<S>,
    pub(crate) seed: Option<S>,
    pub(crate) selected: Option<L>,
    pub(crate) recusals: Option<R>,
}

/// `ratios_bp` as written: a map whose keys must not repeat (a JSON map would keep only one).
struct RawRatios(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for RawRatios {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRatios;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of basis points per stratum")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawRatios, A::Error> {
                let mut entries: Vec<(String, Value)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if entries.iter().any(|(seen, _)| *seen == k) {
                        return Err(serde::de::Error::custom(format!("ratios_bp repeats the key {k:?}")));
                    }
                    entries.push((k, v));
                }
                Ok(RawRatios(entries))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// A JSON integer in `min..=max`, else refusal 3 (`200.0`, `-1`, `"2"`, `1e3` are all refused).
fn integer(v: &Value, field: &str, min: u64, max: u64, rule: &str) -> Result<u64, Refusal> {
    match v.as_u64() {
        Some(n) if v.is_u64() && (min..=max).contains(&n) => Ok(n),
        _ => {
            let mut found = v.to_string();
            if found.len() > 40 {
                found = format!("{}...", found.chars().take(40).collect::<String>());
            }
            Err(out_of_range(field.to_string(), found, rule))
        }
    }
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, InputError> {
    // serde would also accept a JSON array of the fields in order; a manifest is an object.
    if !json.trim_start().starts_with('{') {
        return Err(InputError::Malformed("expected a JSON object".to_string()));
    }
    serde_json::from_str(json).map_err(|e| InputError::Malformed(e.to_string()))
}

/// Reads the input fields of a draw from JSON (an input or a whole manifest).
///
/// Unknown fields are ignored; a missing field, a wrong type or a repeated key
/// is [`InputError::Malformed`]. Numbers must be JSON integers in range, else
/// refusal 3. The other refusals are left to [`draw`](fn@crate::draw) and [`check_frozen`](crate::check_frozen).
pub fn parse_input(json: &str) -> Result<DrawInput, InputError> {
    use serde::de::IgnoredAny;
    // The pool read on every core and the rest by serde, when the pool has the
    // usual shape; else (and on any error, for serde's message) all by serde.
    #[cfg(not(target_arch = "wasm32"))]
    if let Some((rest, pool)) = split_pool(json) {
        if let Ok(mut raw) = from_json::<RawDoc<IgnoredAny, IgnoredAny, IgnoredAny>>(&rest) {
            raw.pool = pool;
            return Ok(input_of(raw)?);
        }
    }
    let raw: RawDoc<IgnoredAny, IgnoredAny, IgnoredAny> = from_json(json)?;
    Ok(input_of(raw)?)
}

/// The checked inputs of a raw document (refusal 3 on its numbers).
pub(crate) fn input_of<S, L, R>(raw: RawDoc<S, L, R>) -> Result<DrawInput, Refusal> {
    let mut ratios_bp = BTreeMap::new();
    for (k, v) in raw.ratios_bp.0 {
        let bp = integer(&v, &format!("ratios_bp[{k:?}]"), 0, MAX_BP, RULE_RATIO)?;
        ratios_bp.insert(k, bp);
    }
    let team_size = integer(&raw.team_size, "team_size", 2, u64::MAX, RULE_TEAM)?;
    let max_per_inspector = integer(&raw.max_per_inspector, "max_per_inspector", 0, u64::MAX, RULE_CAP)?;
    Ok(DrawInput {
        task_id: raw.task_id,
        pool: raw.pool,
        ratios_bp,
        team_size,
        departments: raw.departments,
        inspectors: raw.inspectors,
        conflicts: raw.conflicts,
        max_per_inspector,
        commitment: raw.commitment,
        secret: raw.secret,
        public_entropy: raw.public_entropy,
        post_recusals: raw.post_recusals,
    })
}

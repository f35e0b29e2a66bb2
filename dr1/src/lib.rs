//! DR1 — the publicly verifiable draw (公开可验证抽取), as specified in
//! `spec/draw-protocol.md`.
//!
//! Every selected enterprise and every assigned inspector follows from the
//! manifest by SHA-256 and byte-order sorts, so anyone can redo a draw.
//! This module is pure (no IO, clock or randomness) and compiles for
//! `wasm32-unknown-unknown`, so the browser verifies with the same code.
//!
//! Entry points: [`check_frozen`] when the pool is frozen (refusals 1, 2, 3
//! and 6), [`draw`](fn@draw) at the ceremony, [`verify_manifest`] for anyone.
//!
//! # Where things are
//! The modules are private; everything public is re-exported here, so the
//! interface is the flat list below. Imports go one way, down this list:
//!
//! | module | job | uses |
//! |---|---|---|
//! | `types` | inputs, manifest, derived fields (data only) | — |
//! | `rules` | identifier rule, entropy normalisation, quotas, limits | — |
//! | `par` | scoped threads (one thread in wasm) | — |
//! | `refusal` | refusals 1–7, input errors, their messages | rules |
//! | `lanes` | sixteen SHA-256 compressions at once (AVX-512, else sha2) | — |
//! | `keys` | commitment, seed, entity and inspector keys | lanes, rules, types |
//! | `sort` | pool records and their byte order | types |
//! | `radix` | integer keys of codes (by BMI2 bit extraction where the CPU has it), radix sort, merge (not in wasm) | sort |
//! | `pool` | the pool validated, sorted, counted | par, radix, refusal, sort, types |
//! | `digest` | the pool digest (field 1), hashed beside its lines' writing | par, pool, radix, sort, types |
//! | `check` | refusals 1–6 (freeze time and ceremony) | keys, pool, refusal, rules, types |
//! | `select` | selection (field 7) and inspector rankings | check, keys, lanes, par, rules, sort, types |
//! | `teams` | team walk and post recusals (fields 8, 9) | select |
//! | `draw` | the draw: checks, then every derived field | check, digest, keys, par, refusal, select, teams, types |
//! | `pool_json` | a JSON input's pool read on every core (not in wasm) | par, types |
//! | `input` | strict JSON input | pool_json, refusal, rules, types |
//! | `verify` | a manifest re-derived and compared | draw, input, refusal, types |
//! | `pretty` | a manifest written as serde_json's pretty JSON, in parallel (not in wasm) | par, types |
//! | [`public`] | what the portal may show of a stratified draw | keys, refusal, rules, types, verify |

mod check;
mod digest;
mod draw;
mod input;
mod keys;
mod lanes;
mod par;
mod pool;
// Inputs are read in parallel on servers only; the verifier reads manifests.
#[cfg(not(target_arch = "wasm32"))]
mod pool_json;
// Manifests are written by servers; the browser verifier only reads them.
#[cfg(not(target_arch = "wasm32"))]
mod pretty;
// Property tests of the readers of outside text (`make fuzz` runs many more cases).
#[cfg(test)]
mod props;
pub mod public;
mod refusal;
mod rules;
// Radix sorts on servers; the browser verifier sorts by comparison (less code).
#[cfg(not(target_arch = "wasm32"))]
mod radix;
mod select;
mod sort;
mod teams;
mod types;
mod verify;

pub use check::{check_entropy, check_frozen};
pub use digest::pool_digest;
pub use draw::{derive, draw, draw_owned};
pub use input::parse_input;
pub use keys::{commitment_of, entity_key, inspector_key, inspector_ranking, seed};
pub use refusal::{
    EntropyFault, IdentifierFault, InputError, NumberFault, PoolFault, PostRecusalFault, Refusal,
    SecretFault, TeamFault,
};
pub use rules::{is_identifier, normalize_entropy, quota, MAX_ENTROPY_CHARS};
pub use types::{
    ConflictPair, Derived, DrawInput, Frozen, InspectorEntry, Manifest, PoolEntry, PostRecusal,
    RecusalRecord, Selected, Stage, PROTOCOL,
};
pub use verify::{first_failure, verify_manifest, Check};

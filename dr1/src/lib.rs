//! DR1 — the publicly verifiable draw (公开可验证抽取), as specified in
//! `spec/draw-protocol.md`.
//!
//! Every selected enterprise and every assigned inspector follows from the
//! manifest by SHA-256 and byte-order sorts, so anyone can redo a draw.
//! This module is pure (no IO, clock or randomness) and compiles for
//! `wasm32-unknown-unknown`, so the browser verifies with the same code.
//!
//! Entry points: [`check_frozen`] when the pool is frozen (refusals 1, 2, 3
//! and 6), [`draw`] at the ceremony, [`verify_manifest`] for anyone.

pub mod public;

use serde::{Deserialize, Serialize};
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// The protocol tag written in every manifest.
pub const PROTOCOL: &str = "DR1";

/// Largest ratio in basis points (100 %).
const MAX_BP: u64 = 10_000;

/// Longest accepted public entropy, in characters, after normalisation.
pub const MAX_ENTROPY_CHARS: usize = 256;

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// 抽取输入 — the inputs of a draw, exactly the spec's input fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawInput {
    /// The plan task, e.g. `2023003-003`.
    pub task_id: String,
    /// Every eligible enterprise, frozen.
    pub pool: Vec<PoolEntry>,
    /// Ratio per stratum in basis points (200 = 2 %), 0..=10000.
    pub ratios_bp: BTreeMap<String, u64>,
    /// Inspectors per enterprise, at least 2.
    pub team_size: u64,
    /// Departments every team must include at least once.
    pub departments: Vec<String>,
    /// The eligible inspectors.
    pub inspectors: Vec<InspectorEntry>,
    /// Conflicts (回避) known before the draw: never paired.
    pub conflicts: Vec<ConflictPair>,
    /// Workload cap per inspector for this draw; 0 = none.
    pub max_per_inspector: u64,
    /// SHA-256 of the 32 secret bytes, 64 lowercase hex characters.
    pub commitment: String,
    /// The 32 secret bytes as 64 lowercase hex characters.
    pub secret: String,
    /// The text supplied in the room.
    pub public_entropy: String,
    /// Conflicts declared after the draw, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_recusals: Vec<PostRecusal>,
}

/// One enterprise of the pool (抽取名录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEntry {
    /// Entity code (统一社会信用代码).
    pub code: String,
    /// Credit-risk class, or one label for all.
    pub stratum: String,
}

/// One eligible inspector (执法人员).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectorEntry {
    /// Law-enforcement certificate number.
    pub id: String,
    /// Department id.
    pub department: String,
}

/// A conflict known before the draw: this inspector never inspects this entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictPair {
    /// Entity code.
    pub entity: String,
    /// Inspector id.
    pub inspector: String,
}

/// A conflict declared after the draw (事后回避).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRecusal {
    /// Entity code of a selected entity.
    pub entity: String,
    /// Inspector id, on that entity's team at that moment.
    pub inspector: String,
    /// Free-text reason; not part of the arithmetic.
    #[serde(default)]
    pub reason: String,
}

/// 抽取清单 — a draw's manifest: the inputs plus every derived field.
///
/// Serialises flat, in the order `protocol`, the input fields, `pool_digest`,
/// `seed`, `selected`, `recusals`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`PROTOCOL`].
    pub protocol: String,
    /// The inputs, at the top level of the JSON.
    #[serde(flatten)]
    pub input: DrawInput,
    /// Hex SHA-256 of the pool sorted by code.
    pub pool_digest: String,
    /// Hex seed of the draw.
    pub seed: String,
    /// Selected entities ordered by key, with their teams.
    pub selected: Vec<Selected>,
    /// `pre` recusals in selection order, then `post` ones in input order.
    pub recusals: Vec<RecusalRecord>,
}

/// A selected enterprise (抽中企业) and its team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selected {
    /// Entity code.
    pub code: String,
    /// Its stratum.
    pub stratum: String,
    /// Its key `H(seed + "\nentity\n" + code)`.
    pub key: String,
    /// Inspector ids of its team, in the order they joined.
    pub inspectors: Vec<String>,
    /// Whether the workload cap was lifted to complete this team.
    pub cap_lifted: bool,
    /// Inspectors removed by post recusals, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recused: Vec<String>,
}

/// A recorded recusal (回避记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecusalRecord {
    /// Entity code.
    pub entity: String,
    /// Inspector id.
    pub inspector: String,
    /// When the conflict was known.
    pub stage: Stage,
}

/// When a recusal was known: `"pre"` (a conflict met by the walk) or `"post"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// A known conflict skipped by the team walk.
    Pre,
    /// A conflict declared after the draw.
    Post,
}

/// The derived fields of a draw: what a [`Manifest`] adds to its [`DrawInput`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// Hex SHA-256 of the pool sorted by code.
    pub pool_digest: String,
    /// Hex seed of the draw.
    pub seed: String,
    /// Selected entities ordered by key, with their teams.
    pub selected: Vec<Selected>,
    /// `pre` recusals in selection order, then `post` ones in input order.
    pub recusals: Vec<RecusalRecord>,
}

impl Manifest {
    /// Joins inputs and derived fields into a manifest.
    pub fn new(input: DrawInput, derived: Derived) -> Self {
        Manifest {
            protocol: PROTOCOL.to_string(),
            input,
            pool_digest: derived.pool_digest,
            seed: derived.seed,
            selected: derived.selected,
            recusals: derived.recusals,
        }
    }
}

/// The frozen inputs: everything known when the pool is frozen, before the
/// secret and the entropy exist. Borrowed, so the caller keeps its data.
#[derive(Clone, Copy, Debug)]
pub struct Frozen<'a> {
    /// The plan task.
    pub task_id: &'a str,
    /// The pool.
    pub pool: &'a [PoolEntry],
    /// Ratios per stratum in basis points.
    pub ratios_bp: &'a BTreeMap<String, u64>,
    /// Inspectors per enterprise.
    pub team_size: u64,
    /// Departments every team must include.
    pub departments: &'a [String],
    /// Eligible inspectors.
    pub inspectors: &'a [InspectorEntry],
    /// Conflicts known before the draw.
    pub conflicts: &'a [ConflictPair],
    /// Workload cap; 0 = none.
    pub max_per_inspector: u64,
}

impl DrawInput {
    /// The frozen part of these inputs, for [`check_frozen`].
    pub fn frozen(&self) -> Frozen<'_> {
        Frozen {
            task_id: &self.task_id,
            pool: &self.pool,
            ratios_bp: &self.ratios_bp,
            team_size: self.team_size,
            departments: &self.departments,
            inspectors: &self.inspectors,
            conflicts: &self.conflicts,
            max_per_inspector: self.max_per_inspector,
        }
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// 拒绝 — why DR1 refuses an input: one variant per spec refusal 1–7.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Refusal 1: a bad identifier, or a repeated code, inspector or department.
    Identifier(IdentifierFault),
    /// Refusal 2: the pool is empty, or a pool stratum has no ratio.
    Pool(PoolFault),
    /// Refusal 3: a number outside its range, or more departments than `team_size`.
    Number(NumberFault),
    /// Refusal 4: secret or commitment malformed, or they do not match.
    Secret(SecretFault),
    /// Refusal 5: the entropy is empty, too long or not printable ASCII.
    Entropy(EntropyFault),
    /// Refusal 6: a pool entity cannot get a full team even ignoring the cap.
    Team(TeamFault),
    /// Refusal 7: a post recusal that names the wrong entity or inspector, or cannot be refilled.
    PostRecusal(PostRecusalFault),
}

/// What breaks refusal 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentifierFault {
    /// `field` (e.g. `pool[3].code`) is not 1–64 bytes of 0x21–0x7E.
    Invalid {
        /// Where the identifier is.
        field: String,
        /// The offending value.
        value: String,
    },
    /// An entity code appears twice in the pool.
    DuplicateCode {
        /// The repeated code.
        code: String,
    },
    /// An inspector id appears twice.
    DuplicateInspector {
        /// The repeated id.
        id: String,
    },
    /// A department appears twice in `departments`.
    DuplicateDepartment {
        /// The repeated department.
        department: String,
    },
}

/// What breaks refusal 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolFault {
    /// The pool has no entity.
    Empty,
    /// A stratum used in the pool has no entry in `ratios_bp`.
    NoRatio {
        /// The stratum.
        stratum: String,
        /// Its first entity in pool order.
        code: String,
    },
}

/// What breaks refusal 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberFault {
    /// `field` holds `found`, which is not an integer satisfying `rule`.
    OutOfRange {
        /// The field, e.g. `team_size` or `ratios_bp["A"]`.
        field: String,
        /// The value as written.
        found: String,
        /// The rule, e.g. `an integer >= 2`.
        rule: String,
    },
    /// `departments` is longer than `team_size`.
    TooManyDepartments {
        /// Length of `departments`.
        departments: usize,
        /// The team size.
        team_size: u64,
    },
}

/// What breaks refusal 4. The secret itself is never echoed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretFault {
    /// `secret` is not 64 lowercase hex characters.
    SecretNotHex {
        /// Its length in bytes.
        len: usize,
    },
    /// `commitment` is not 64 lowercase hex characters.
    CommitmentNotHex {
        /// Its length in bytes.
        len: usize,
    },
    /// SHA-256 of the secret's bytes is not the commitment.
    Mismatch {
        /// The published commitment.
        commitment: String,
        /// SHA-256 of the revealed secret.
        secret_hash: String,
    },
}

/// What breaks refusal 5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntropyFault {
    /// Nothing is left after removing space, tab, LF and CR.
    Empty,
    /// More than 256 characters are left.
    TooLong {
        /// Characters left.
        chars: usize,
    },
    /// A character outside 0x21–0x7E is left.
    Forbidden {
        /// The character.
        ch: char,
        /// Its position (in characters) in the normalised entropy.
        position: usize,
    },
}

/// What breaks refusal 6: `entity` has `available` non-conflicting inspectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamFault {
    /// The entity code.
    pub entity: String,
    /// Inspectors left after removing its conflicts.
    pub available: usize,
    /// The team size.
    pub team_size: u64,
    /// A required department with no inspector left, if that is the problem.
    pub uncovered: Option<String>,
}

/// What breaks refusal 7; `index` is the position in `post_recusals`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostRecusalFault {
    /// The entity was not selected.
    NotSelected {
        /// Position in `post_recusals`.
        index: usize,
        /// The entity code.
        entity: String,
    },
    /// The inspector is not on the entity's team at that moment.
    NotOnTeam {
        /// Position in `post_recusals`.
        index: usize,
        /// The entity code.
        entity: String,
        /// The inspector id.
        inspector: String,
    },
    /// No inspector can fill the vacancy, even ignoring the cap.
    CannotRefill {
        /// Position in `post_recusals`.
        index: usize,
        /// The entity code.
        entity: String,
        /// The recused inspector id.
        inspector: String,
    },
}

impl Refusal {
    /// The spec's refusal number, 1..=7.
    pub fn number(&self) -> u8 {
        match self {
            Refusal::Identifier(_) => 1,
            Refusal::Pool(_) => 2,
            Refusal::Number(_) => 3,
            Refusal::Secret(_) => 4,
            Refusal::Entropy(_) => 5,
            Refusal::Team(_) => 6,
            Refusal::PostRecusal(_) => 7,
        }
    }
}

/// Shows a value in a message: plain when it is a valid identifier, else quoted, escaped and cut.
fn shown(s: &str) -> String {
    if is_identifier(s) {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        cut.push_str("...");
    }
    format!("{cut:?}")
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refusal {}: ", self.number())?;
        match self {
            Refusal::Identifier(e) => match e {
                IdentifierFault::Invalid { field, value } => write!(
                    f,
                    "{field} is {}, not an identifier (1-64 bytes of printable ASCII without spaces)",
                    shown(value)
                ),
                IdentifierFault::DuplicateCode { code } => {
                    write!(f, "entity code {} appears twice in the pool", shown(code))
                }
                IdentifierFault::DuplicateInspector { id } => {
                    write!(f, "inspector id {} appears twice", shown(id))
                }
                IdentifierFault::DuplicateDepartment { department } => write!(
                    f,
                    "department {} appears twice in departments",
                    shown(department)
                ),
            },
            Refusal::Pool(e) => match e {
                PoolFault::Empty => write!(f, "the pool is empty"),
                PoolFault::NoRatio { stratum, code } => write!(
                    f,
                    "stratum {} (of entity {}) has no ratio in ratios_bp",
                    shown(stratum),
                    shown(code)
                ),
            },
            Refusal::Number(e) => match e {
                NumberFault::OutOfRange { field, found, rule } => {
                    write!(f, "{field} is {found}, must be {rule}")
                }
                NumberFault::TooManyDepartments {
                    departments,
                    team_size,
                } => write!(
                    f,
                    "{departments} departments must each be in a team of only {team_size}"
                ),
            },
            Refusal::Secret(e) => match e {
                SecretFault::SecretNotHex { len } => write!(
                    f,
                    "secret is not 64 lowercase hex characters ({len} bytes given)"
                ),
                SecretFault::CommitmentNotHex { len } => write!(
                    f,
                    "commitment is not 64 lowercase hex characters ({len} bytes given)"
                ),
                SecretFault::Mismatch {
                    commitment,
                    secret_hash,
                } => write!(
                    f,
                    "SHA-256 of the secret is {secret_hash}, not the commitment {commitment}"
                ),
            },
            Refusal::Entropy(e) => match e {
                EntropyFault::Empty => write!(
                    f,
                    "public entropy is empty after removing spaces, tabs and line breaks"
                ),
                EntropyFault::TooLong { chars } => write!(
                    f,
                    "public entropy has {chars} characters after removing whitespace, more than {MAX_ENTROPY_CHARS}"
                ),
                EntropyFault::Forbidden { ch, position } => write!(
                    f,
                    "public entropy holds {ch:?} (U+{:04X}) at position {position}; only printable ASCII is allowed",
                    u32::from(*ch)
                ),
            },
            Refusal::Team(e) => match &e.uncovered {
                Some(d) => write!(
                    f,
                    "entity {} cannot get a full team: no inspector of department {} is left after its conflicts",
                    shown(&e.entity),
                    shown(d)
                ),
                None => write!(
                    f,
                    "entity {} cannot get a full team: only {} inspector(s) left after its conflicts, team_size is {}",
                    shown(&e.entity),
                    e.available,
                    e.team_size
                ),
            },
            Refusal::PostRecusal(e) => match e {
                PostRecusalFault::NotSelected { index, entity } => write!(
                    f,
                    "post_recusals[{index}] names entity {}, which was not selected",
                    shown(entity)
                ),
                PostRecusalFault::NotOnTeam {
                    index,
                    entity,
                    inspector,
                } => write!(
                    f,
                    "post_recusals[{index}] names inspector {}, who is not on the team of {} at that moment",
                    shown(inspector),
                    shown(entity)
                ),
                PostRecusalFault::CannotRefill {
                    index,
                    entity,
                    inspector,
                } => write!(
                    f,
                    "post_recusals[{index}]: after removing {} no inspector can complete the team of {}, even ignoring the cap",
                    shown(inspector),
                    shown(entity)
                ),
            },
        }
    }
}

impl std::error::Error for Refusal {}

/// Why a JSON input or manifest cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// Not JSON of the expected shape (syntax, a missing field, a wrong type, a repeated key).
    Malformed(String),
    /// Well-formed, but refused by the protocol.
    Refused(Refusal),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Malformed(m) => write!(f, "malformed input: {m}"),
            InputError::Refused(r) => r.fmt(f),
        }
    }
}

impl std::error::Error for InputError {}

impl From<Refusal> for InputError {
    fn from(r: Refusal) -> Self {
        InputError::Refused(r)
    }
}

// ---------------------------------------------------------------------------
// Small public primitives
// ---------------------------------------------------------------------------

/// Whether `s` is a DR1 identifier: 1–64 bytes, each in 0x21–0x7E.
pub fn is_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    // A fold without early exit vectorises; identifiers are short anyway.
    !b.is_empty() && b.len() <= 64 && b.iter().fold(true, |ok, &c| ok & (c.wrapping_sub(0x21) < 0x5e))
}

/// Lowercase hex of SHA-256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `pool_digest`: SHA-256 of `code + "\t" + stratum + "\n"` for each entry sorted by code.
pub fn pool_digest(pool: &[PoolEntry]) -> String {
    match index_pool(pool, false) {
        Ok(index) => hex::encode(digest_sorted(pool, &index.recs, &index.strata)),
        Err(_) => unreachable!("index_pool refuses only when validating"),
    }
}

/// The commitment to a secret: hex SHA-256 of its 32 raw bytes.
pub fn commitment_of(secret_bytes: &[u8; 32]) -> String {
    sha256_hex(secret_bytes)
}

/// The spec's entropy: `public_entropy` without space, tab, LF and CR (and nothing else).
pub fn normalize_entropy(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect()
}

/// The seed `H("DR1\n" + task_id + "\n" + pool_digest + "\n" + secret + "\n" + entropy + "\n")`.
///
/// `entropy` is normalised first; that is idempotent, so raw or normalised text both work.
pub fn seed(task_id: &str, pool_digest: &str, secret_hex: &str, entropy: &str) -> String {
    let entropy = normalize_entropy(entropy);
    let text = format!("{PROTOCOL}\n{task_id}\n{pool_digest}\n{secret_hex}\n{entropy}\n");
    sha256_hex(text.as_bytes())
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

/// An entity's key `H(seed + "\nentity\n" + code)`, as hex.
pub fn entity_key(seed: &str, code: &str) -> String {
    words_hex(&Keyer::new(seed).entity_key(code.as_bytes()))
}

/// An inspector's key for an entity, `H(seed + "\ninspector\n" + code + "\n" + id)`, as hex.
pub fn inspector_key(seed: &str, code: &str, id: &str) -> String {
    let keyer = Keyer::new(seed);
    let mut keys = Vec::new();
    keyer.inspector_keys(code.as_bytes(), &[id], &mut keys);
    words_hex(&keys[0].0)
}

/// All inspectors ranked for an entity: `(key, id)` pairs by key, ties by id.
pub fn inspector_ranking(seed: &str, code: &str, inspectors: &[InspectorEntry]) -> Vec<(String, String)> {
    let ids: Vec<&str> = inspectors.iter().map(|i| i.id.as_str()).collect();
    let mut keyed = Vec::new();
    Keyer::new(seed).inspector_keys(code.as_bytes(), &ids, &mut keyed);
    sort_keyed(&mut keyed, &ids);
    keyed.into_iter().map(|(k, j)| (words_hex(&k), ids[j as usize].to_string())).collect()
}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

/// A SHA-256 output as four big-endian words: the same order as its bytes
/// (and its lowercase hex), compared without a memcmp call.
type Words = [u64; 4];

fn words_hex(w: &Words) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in w.iter().flat_map(|w| w.to_be_bytes()) {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3); the sha2 crate does not export it.
const SHA256_IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// Longest key tail: `"\ninspector\n" + code + "\n" + id` with 64-byte identifiers.
const TAIL_MAX: usize = 11 + 64 + 1 + 64;

/// Hashes `seed + tail` for many short tails.
///
/// A seed is 64 hex bytes, exactly one SHA-256 block, so the state after it
/// (the midstate) is computed once. A tail of up to 55 bytes then fits with
/// its padding in one more block: each key is a single call of the
/// compression function on a block assembled in place, without the
/// buffering and copies of the streaming hasher (about a third of the cost
/// of a key when it was used here). Longer tails, or a seed that is not one
/// block (only through the public helpers), take the streaming hasher.
struct Keyer {
    /// The streaming hasher after the seed.
    mid: Sha256,
    /// The compression state after the seed, when the seed is one block.
    state: Option<[u32; 8]>,
    /// Bit length of the seed, which the padding counts.
    seed_bits: u64,
}

impl Keyer {
    fn new(seed: &str) -> Self {
        let mut mid = Sha256::new();
        mid.update(seed.as_bytes());
        let state = (seed.len() == 64).then(|| {
            let mut state = SHA256_IV;
            sha2::compress256(&mut state, &[*GenericArray::from_slice(seed.as_bytes())]);
            state
        });
        Keyer { mid, state, seed_bits: 8 * seed.len() as u64 }
    }

    /// The key of `seed + buf[..len]`; may overwrite `buf[len..]` with padding.
    #[inline]
    fn key(&self, buf: &mut [u8; TAIL_MAX], len: usize) -> Words {
        match self.state {
            Some(mut state) if len <= 55 => {
                buf[len] = 0x80;
                buf[len + 1..56].fill(0);
                buf[56..64].copy_from_slice(&(self.seed_bits + 8 * len as u64).to_be_bytes());
                sha2::compress256(&mut state, &[*GenericArray::from_slice(&buf[..64])]);
                // The digest is the state words in big-endian order.
                let w = |i: usize| (u64::from(state[2 * i]) << 32) | u64::from(state[2 * i + 1]);
                [w(0), w(1), w(2), w(3)]
            }
            _ => {
                let mut h = self.mid.clone();
                h.update(&buf[..len]);
                let digest: [u8; 32] = h.finalize().into();
                let w = |i: usize| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&digest[8 * i..8 * i + 8]);
                    u64::from_be_bytes(b)
                };
                [w(0), w(1), w(2), w(3)]
            }
        }
    }

    /// `H(seed + "\nentity\n" + code)`.
    fn entity_key(&self, code: &[u8]) -> Words {
        let mut buf = [0u8; TAIL_MAX];
        let len = ENTITY_LABEL.len() + code.len();
        buf[..ENTITY_LABEL.len()].copy_from_slice(ENTITY_LABEL);
        buf[ENTITY_LABEL.len()..len].copy_from_slice(code);
        self.key(&mut buf, len)
    }

    /// Appends to `out` the keys `H(seed + "\ninspector\n" + code + "\n" + id)`
    /// of all `ids`, with their index, unsorted.
    fn inspector_keys(&self, code: &[u8], ids: &[&str], out: &mut Vec<(Words, u32)>) {
        const LABEL: &[u8] = b"\ninspector\n";
        let mut buf = [0u8; TAIL_MAX];
        buf[..LABEL.len()].copy_from_slice(LABEL);
        buf[LABEL.len()..LABEL.len() + code.len()].copy_from_slice(code);
        let base = LABEL.len() + code.len() + 1;
        buf[base - 1] = b'\n';
        out.extend(ids.iter().enumerate().map(|(j, id)| {
            let len = base + id.len();
            buf[base..len].copy_from_slice(id.as_bytes());
            (self.key(&mut buf, len), j as u32)
        }));
    }
}

const ENTITY_LABEL: &[u8] = b"\nentity\n";

/// Sorts `(key, index)` pairs by key, ties by the named string's bytes.
///
/// Sorted on the first key word alone, then, only if two first words are
/// equal (never seen in practice: 64 random bits), again with the full order.
fn sort_keyed(keyed: &mut [(Words, u32)], names: &[&str]) {
    keyed.sort_unstable_by_key(|k| k.0[0]);
    if keyed.windows(2).any(|w| w[0].0[0] == w[1].0[0]) {
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| names[a.1 as usize].as_bytes().cmp(names[b.1 as usize].as_bytes()))
        });
    }
}

/// A pool entry in the sort: the first 24 bytes of its code as big-endian
/// words (zero-padded), its index and its stratum.
///
/// Credit codes have 18 bytes, so a record alone orders and spells its code:
/// the sort, the repeat check, the digest and the key pass stream over
/// records and never chase the pool's strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SortRec {
    prefix: [u64; 3],
    idx: u32,
    /// Stratum index, with [`LONG`] set when the code is not held whole in `prefix`.
    tag: u32,
}

/// Code bytes a [`SortRec`] can hold.
const INLINE: usize = 24;

/// Tag bit: the code is longer than 24 bytes or holds a NUL, so read it from the pool.
/// Pool and stratum indices stay far below 2^31 (such a pool would need > 100 GB).
const LONG: u32 = 1 << 31;

impl SortRec {
    /// A record; `valid` promises the code is an identifier (so it holds no NUL).
    fn new(code: &str, idx: usize, stratum: u32, valid: bool) -> Self {
        let b = code.as_bytes();
        let mut padded = [0u8; INLINE];
        let n = b.len().min(INLINE);
        padded[..n].copy_from_slice(&b[..n]);
        let mut prefix = [0u64; 3];
        for (w, chunk) in prefix.iter_mut().zip(padded.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *w = u64::from_be_bytes(word);
        }
        let long = b.len() > INLINE || (!valid && b.contains(&0));
        SortRec { prefix, idx: idx as u32, tag: stratum | if long { LONG } else { 0 } }
    }

    /// The 24 prefix bytes (the code, zero-padded or cut).
    #[inline]
    fn prefix_bytes(&self) -> [u8; INLINE] {
        let mut b = [0u8; INLINE];
        for (chunk, w) in b.chunks_exact_mut(8).zip(&self.prefix) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        b
    }

    fn stratum(&self) -> usize {
        (self.tag & !LONG) as usize
    }

    /// Writes the prefix into `out` and returns the code's length, if the code is inline.
    fn write_inline(&self, out: &mut [u8]) -> Option<usize> {
        if self.tag & LONG != 0 {
            return None;
        }
        for (chunk, w) in out[..INLINE].chunks_exact_mut(8).zip(&self.prefix) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        // Inline codes hold no NUL, so the length is where the zero padding starts.
        Some(match self.prefix.iter().rposition(|&w| w != 0) {
            None => 0,
            Some(k) => 8 * k + 8 - (self.prefix[k].trailing_zeros() / 8) as usize,
        })
    }
}

/// Byte order of codes (ties, only possible in a refused pool, by stratum).
///
/// Different prefixes already order as memcmp does, because the zero padding
/// sorts a code before any longer code it begins; equal prefixes fall back
/// to the full strings.
#[inline]
fn cmp_rec(pool: &[PoolEntry], a: &SortRec, b: &SortRec) -> Ordering {
    let (x, y) = (&a.prefix, &b.prefix);
    match (x[0], x[1], x[2]).cmp(&(y[0], y[1], y[2])) {
        Ordering::Equal => cmp_full(pool, a, b),
        unequal => unequal,
    }
}

#[cold]
fn cmp_full(pool: &[PoolEntry], a: &SortRec, b: &SortRec) -> Ordering {
    let (x, y) = (&pool[a.idx as usize], &pool[b.idx as usize]);
    x.code.as_bytes().cmp(y.code.as_bytes()).then_with(|| x.stratum.as_bytes().cmp(y.stratum.as_bytes()))
}

/// The pool indexed: records sorted by code, and its strata.
struct PoolIndex<'a> {
    recs: Vec<SortRec>,
    /// Distinct strata in order of first appearance, with that first pool index.
    strata: Vec<(&'a str, u32)>,
    /// Members per stratum.
    counts: Vec<usize>,
}

/// Records of one chunk of the pool, with chunk-local stratum indices; with
/// `validate`, refusal 1 on each code and stratum (the first in pool order).
type Scanned<'a> = (Vec<SortRec>, Vec<(&'a str, u32)>);

fn scan_chunk(pool: &[PoolEntry], range: Range<usize>, validate: bool) -> Result<Scanned<'_>, Refusal> {
    let mut local: Vec<(&str, u32)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut recs = Vec::with_capacity(range.len());
    for i in range {
        let p = &pool[i];
        if validate {
            check_identifier(|| format!("pool[{i}].code"), &p.code)?;
        }
        let s = p.stratum.as_str();
        // Pools have a handful of strata: a short scan beats hashing every entry.
        let known = if local.len() <= 8 {
            local.iter().position(|&(x, _)| x == s).map(|x| x as u32)
        } else {
            lookup.get(s).copied()
        };
        let id = match known {
            Some(id) => id,
            None => {
                if validate {
                    check_identifier(|| format!("pool[{i}].stratum"), s)?;
                }
                let id = local.len() as u32;
                local.push((s, i as u32));
                lookup.insert(s, id);
                id
            }
        };
        recs.push(SortRec::new(&p.code, i, id, validate));
    }
    Ok((recs, local))
}

/// Validates (if asked), indexes and sorts the pool, in parallel chunks.
fn index_pool(pool: &[PoolEntry], validate: bool) -> Result<PoolIndex<'_>, Refusal> {
    // Chunks of 16,384 or more: a pool of 10^5 is scanned and sorted on two
    // cores too (a thread costs tens of microseconds; such a chunk, milliseconds).
    let scanned = par_chunks(pool.len(), 1 << 14, |r| scan_chunk(pool, r, validate));
    // Chunks in pool order: the first error is the first in the pool, and
    // strata get their global index in order of first appearance.
    let mut strata: Vec<(&str, u32)> = Vec::new();
    let mut lookup: BTreeMap<&str, u32> = BTreeMap::new();
    let mut jobs = Vec::with_capacity(scanned.len());
    for chunk in scanned {
        let (recs, local) = chunk?;
        let remap: Vec<u32> = local
            .iter()
            .map(|&(name, first)| {
                *lookup.entry(name).or_insert_with(|| {
                    strata.push((name, first));
                    (strata.len() - 1) as u32
                })
            })
            .collect();
        jobs.push((recs, remap));
    }
    let n_strata = strata.len();
    let sorted = par_map(jobs, |(mut recs, remap)| {
        let mut counts = vec![0usize; n_strata];
        for r in &mut recs {
            let s = remap[r.stratum()];
            r.tag = (r.tag & LONG) | s;
            counts[s as usize] += 1;
        }
        // Each chunk is sorted on its own key: the merge compares records.
        RadixKey::new(&recs).sort(&mut recs, |a, b| cmp_rec(pool, a, b));
        (recs, counts)
    });
    let mut counts = vec![0usize; n_strata];
    let mut runs = Vec::with_capacity(sorted.len());
    for (recs, part) in sorted {
        for (total, n) in counts.iter_mut().zip(part) {
            *total += n;
        }
        runs.push(recs);
    }
    Ok(PoolIndex { recs: merge_sorted(runs, |a, b| cmp_rec(pool, a, b)), strata, counts })
}

/// An order-preserving integer key for the radix sort of records.
///
/// The prefix bytes read as a mixed-radix number: at each position, the byte
/// minus a lower bound of the bytes there, in base (upper bound − lower + 1).
/// Positions holding one value everywhere (e.g. a common `91` prefix) add no
/// digit. Positions are taken from the first while the key fits in 64 bits,
/// so the key orders like the bytes it covers; records with equal keys are
/// ordered by the full comparison afterwards. Credit codes of one city need
/// about 50 bits: five passes of 11 bits instead of a comparison sort.
struct RadixKey {
    /// (position, smallest byte, base), most significant first.
    digits: Vec<(usize, u8, u64)>,
    /// Bits of the largest key.
    bits: u32,
}

impl RadixKey {
    fn new(recs: &[SortRec]) -> Self {
        // Bounds of the bytes at each position: the AND of all records' bytes
        // is at most their minimum and the OR at least their maximum. Looser
        // than min and max (a digit spans 16 values, not 10) but six word
        // operations a record, where byte-wise min/max does not vectorise.
        let (mut and, mut or) = ([u64::MAX; 3], [0u64; 3]);
        for r in recs {
            for w in 0..3 {
                and[w] &= r.prefix[w];
                or[w] |= r.prefix[w];
            }
        }
        let bytes = |words: [u64; 3]| SortRec { prefix: words, idx: 0, tag: 0 }.prefix_bytes();
        let (lo, hi) = (bytes(and), bytes(or));
        let mut digits = Vec::new();
        let mut span: u64 = 1; // number of distinct keys the digits so far can take
        for k in 0..INLINE {
            if lo[k] >= hi[k] {
                continue; // one value (or no record at all)
            }
            let base = u64::from(hi[k] - lo[k]) + 1;
            match span.checked_mul(base) {
                Some(next) => span = next,
                None => break,
            }
            digits.push((k, lo[k], base));
        }
        RadixKey { digits, bits: 64 - (span - 1).leading_zeros() }
    }

    #[inline]
    fn key(&self, r: &SortRec) -> u64 {
        let b = r.prefix_bytes();
        self.digits.iter().fold(0, |key, &(k, lo, base)| key * base + u64::from(b[k] - lo))
    }

    /// Sorts `recs` by `cmp`, which must order them as their prefix bytes
    /// where those differ (as [`cmp_rec`] does).
    fn sort(&self, recs: &mut Vec<SortRec>, cmp: impl Fn(&SortRec, &SortRec) -> Ordering) {
        const SMALL: usize = 32;
        if recs.len() <= SMALL || self.bits == 0 {
            recs.sort_unstable_by(cmp);
            return;
        }
        // LSD radix sort of (key, position) pairs, 11 bits a pass.
        const DIGIT: u32 = 11;
        let mut pairs: Vec<(u64, u32)> =
            recs.iter().enumerate().map(|(i, r)| (self.key(r), i as u32)).collect();
        let mut spare = vec![(0u64, 0u32); pairs.len()];
        let mut shift = 0;
        while shift < self.bits {
            let mut start = [0usize; 1 << DIGIT];
            for &(key, _) in &pairs {
                start[((key >> shift) & ((1 << DIGIT) - 1)) as usize] += 1;
            }
            let mut sum = 0;
            for s in start.iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            for &pair in &pairs {
                let d = ((pair.0 >> shift) & ((1 << DIGIT) - 1)) as usize;
                spare[start[d]] = pair;
                start[d] += 1;
            }
            std::mem::swap(&mut pairs, &mut spare);
            shift += DIGIT;
        }
        let mut sorted: Vec<SortRec> = pairs.iter().map(|&(_, i)| recs[i as usize]).collect();
        // Equal keys: the bytes they cover are equal, the full comparison decides.
        let mut i = 0;
        while i < pairs.len() {
            let j = i + pairs[i..].iter().take_while(|p| p.0 == pairs[i].0).count();
            if j - i > 1 {
                sorted[i..j].sort_unstable_by(&cmp);
            }
            i = j;
        }
        *recs = sorted;
    }
}

/// The pool index holding `code`, if any (`recs` sorted, codes unique).
fn find_code(pool: &[PoolEntry], recs: &[SortRec], code: &str) -> Option<u32> {
    let target = SortRec::new(code, 0, 0, false);
    recs.binary_search_by(|r| {
        r.prefix.cmp(&target.prefix).then_with(|| pool[r.idx as usize].code.as_bytes().cmp(code.as_bytes()))
    })
    .ok()
    .map(|i| recs[i].idx)
}

/// Merges sorted runs into one sorted vector.
fn merge_sorted<T: Copy>(mut parts: Vec<Vec<T>>, cmp: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    while parts.len() > 1 {
        let mut next = Vec::with_capacity(parts.len().div_ceil(2));
        let mut it = parts.into_iter();
        while let Some(a) = it.next() {
            let Some(b) = it.next() else {
                next.push(a);
                break;
            };
            let mut out = Vec::with_capacity(a.len() + b.len());
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                if cmp(&b[j], &a[i]) == Ordering::Less {
                    out.push(b[j]);
                    j += 1;
                } else {
                    out.push(a[i]);
                    i += 1;
                }
            }
            out.extend_from_slice(&a[i..]);
            out.extend_from_slice(&b[j..]);
            next.push(out);
        }
        parts = next;
    }
    parts.pop().unwrap_or_default()
}

/// SHA-256 of the lines `code + "\t" + stratum + "\n"` in the order of `recs`.
fn digest_sorted(pool: &[PoolEntry], recs: &[SortRec], strata: &[(&str, u32)]) -> [u8; 32] {
    // Lines are assembled in a buffer with fixed-size copies (a few vector
    // moves each, no calls); the bytes past a line's end are overwritten by
    // the next one. Anything longer goes straight to the hasher.
    const TAIL: usize = 72;
    let tails: Vec<Option<([u8; TAIL], usize)>> = strata
        .iter()
        .map(|(s, _)| {
            let b = s.as_bytes();
            (b.len() + 2 <= TAIL).then(|| {
                let mut t = [0u8; TAIL];
                t[0] = b'\t';
                t[1..=b.len()].copy_from_slice(b);
                t[b.len() + 1] = b'\n';
                (t, b.len() + 2)
            })
        })
        .collect();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 14];
    let mut pos = 0;
    for r in recs {
        if pos + INLINE + TAIL > buf.len() {
            h.update(&buf[..pos]);
            pos = 0;
        }
        match r.write_inline(&mut buf[pos..]) {
            Some(len) => pos += len,
            None => {
                h.update(&buf[..pos]);
                pos = 0;
                h.update(pool[r.idx as usize].code.as_bytes());
            }
        }
        match &tails[r.stratum()] {
            Some((t, len)) => {
                buf[pos..pos + TAIL].copy_from_slice(t);
                pos += len;
            }
            None => {
                h.update(&buf[..pos]);
                pos = 0;
                h.update(b"\t");
                h.update(strata[r.stratum()].0.as_bytes());
                h.update(b"\n");
            }
        }
    }
    h.update(&buf[..pos]);
    h.finalize().into()
}

// ---------------------------------------------------------------------------
// Parallelism (native only; wasm runs the same chunks in one thread)
// ---------------------------------------------------------------------------

/// Applies `f` to every item, one scoped thread per item, results in item order.
#[cfg(not(target_arch = "wasm32"))]
fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    use std::sync::Mutex;
    if items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    // Each item waits in a cell, so this thread can still take it if its worker never starts.
    let cells: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let take = |c: &Mutex<Option<T>>| c.lock().ok().and_then(|mut slot| slot.take());
    let f = &f;
    std::thread::scope(|s| {
        let workers: Vec<_> = cells[1..]
            .iter()
            .map(|c| std::thread::Builder::new().spawn_scoped(s, move || take(c).map(f)).ok())
            .collect();
        let mut out = vec![take(&cells[0]).map(f)];
        for w in workers {
            out.push(w.and_then(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))));
        }
        out.into_iter()
            .zip(&cells)
            .map(|(done, c)| match done.or_else(|| take(c).map(f)) {
                Some(u) => u,
                None => unreachable!("every item is taken exactly once"),
            })
            .collect()
    })
}

/// Applies `f` to every item in turn (no threads in the browser).
#[cfg(target_arch = "wasm32")]
fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    items.into_iter().map(f).collect()
}

/// Runs `f` over consecutive chunks of `0..n` (one per core, each at least
/// `min_chunk` long) and returns the results in chunk order.
///
/// Results never depend on the chunking: callers merge them into a total order.
fn par_chunks<U: Send>(n: usize, min_chunk: usize, f: impl Fn(Range<usize>) -> U + Sync) -> Vec<U> {
    #[cfg(not(target_arch = "wasm32"))]
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(8));
    #[cfg(target_arch = "wasm32")]
    let threads = 1;
    let chunks = threads.min(n / min_chunk.max(1)).max(1);
    let size = n.div_ceil(chunks);
    let ranges = (0..chunks).map(|c| (c * size).min(n)..((c + 1) * size).min(n)).collect();
    par_map(ranges, f)
}

// ---------------------------------------------------------------------------
// Freeze-time checks (refusals 1, 2, 3, 6)
// ---------------------------------------------------------------------------

/// The frozen inputs checked and indexed, ready for the draw.
struct Prepared<'a> {
    f: Frozen<'a>,
    /// The pool sorted by code, and its strata.
    pool: PoolIndex<'a>,
    /// Department index (into `departments`) of each inspector, if it is a required one.
    insp_dept: Vec<Option<u32>>,
    /// Inspector index by id.
    insp_index: BTreeMap<&'a str, u32>,
    /// Known conflicts as (pool index, inspector index), sorted, without repeats or unknown names.
    conflicts: Vec<(u32, u32)>,
}

fn invalid(field: String, value: &str) -> Refusal {
    Refusal::Identifier(IdentifierFault::Invalid { field, value: value.to_string() })
}

fn check_identifier(field: impl FnOnce() -> String, value: &str) -> Result<(), Refusal> {
    if is_identifier(value) {
        Ok(())
    } else {
        Err(invalid(field(), value))
    }
}

fn prepare<'a>(f: &Frozen<'a>) -> Result<Prepared<'a>, Refusal> {
    let f = *f;
    // Refusal 1: identifiers.
    check_identifier(|| "task_id".to_string(), f.task_id)?;
    let pool = f.pool;
    let index = index_pool(pool, true)?;
    let recs = &index.recs;
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
    if let Some(w) = recs
        .windows(2)
        .find(|w| w[0].prefix == w[1].prefix && pool[w[0].idx as usize].code == pool[w[1].idx as usize].code)
    {
        return Err(Refusal::Identifier(IdentifierFault::DuplicateCode {
            code: pool[w[0].idx as usize].code.clone(),
        }));
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
            let e = find_code(pool, recs, &c.entity)?;
            Some((e, *insp_index.get(c.inspector.as_str())?))
        })
        .collect();
    conflicts.sort_unstable();
    conflicts.dedup();
    Ok(Prepared { f, pool: index, insp_dept, insp_index, conflicts })
}

const RULE_RATIO: &str = "an integer from 0 to 10000 (basis points)";
const RULE_TEAM: &str = "an integer >= 2";
const RULE_CAP: &str = "an integer >= 0";

fn out_of_range(field: String, found: String, rule: &str) -> Refusal {
    Refusal::Number(NumberFault::OutOfRange { field, found, rule: rule.to_string() })
}

impl Prepared<'_> {
    /// Refusal 6: every pool entity can get a full team covering every department, ignoring the cap.
    fn check_teams(&self) -> Result<(), Refusal> {
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
    fn conflict_range(&self, entity: u32) -> &[(u32, u32)] {
        let lo = self.conflicts.partition_point(|&(e, _)| e < entity);
        let hi = self.conflicts.partition_point(|&(e, _)| e <= entity);
        &self.conflicts[lo..hi]
    }
}

/// The freeze-time check: refusals 1, 2, 3 and 6, which need no secret and no entropy.
///
/// Run it when the pool is frozen, before the commitment is shown, so that a
/// draw cannot be refused at the ceremony except by refusals 4, 5 and 7.
/// Build the argument with [`DrawInput::frozen`] or directly as a [`Frozen`].
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
fn check_secret(secret: &str, commitment: &str) -> Result<(), Refusal> {
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

// ---------------------------------------------------------------------------
// The draw
// ---------------------------------------------------------------------------

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

/// A candidate entity: its key and pool index.
type Cand = (Words, u32);

/// Runs every check (refusals 1–7) and computes the derived fields only.
pub fn derive(input: &DrawInput) -> Result<Derived, Refusal> {
    let frozen = input.frozen();
    let prep = prepare(&frozen)?;
    check_secret(&input.secret, &input.commitment)?;
    let entropy = check_entropy(&input.public_entropy)?;
    prep.check_teams()?;

    let pool = &input.pool;
    let recs = &prep.pool.recs;
    let digest_hex = hex::encode(digest_sorted(pool, recs, &prep.pool.strata));
    let seed_hex = seed(&input.task_id, &digest_hex, &input.secret, &entropy);
    let keyer = Keyer::new(&seed_hex);

    let chosen = select(&prep, input, &keyer);
    let ids: Vec<&str> = input.inspectors.iter().map(|p| p.id.as_str()).collect();
    let rankings = rank_all(&keyer, pool, &chosen, &ids);

    let walker = Walker {
        team_size: input.team_size as usize,
        departments: input.departments.len(),
        cap: input.max_per_inspector,
        insp_dept: &prep.insp_dept,
        conflicts: &prep.conflicts,
    };
    let (mut board, met) =
        Board::assign(&walker, &chosen, &rankings).map_err(|entity| team_fault(&prep, entity))?;
    let mut recusals: Vec<RecusalRecord> = met
        .into_iter()
        .map(|(k, j)| RecusalRecord {
            entity: pool[chosen[k].1 as usize].code.clone(),
            inspector: ids[j as usize].to_string(),
            stage: Stage::Pre,
        })
        .collect();

    // Selection positions by code, only needed (and only built) for post recusals.
    let position: BTreeMap<&str, usize> = match input.post_recusals.is_empty() {
        true => BTreeMap::new(),
        false => chosen.iter().enumerate().map(|(k, &(_, e))| (pool[e as usize].code.as_str(), k)).collect(),
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
        let ranking = &rankings[k * ids.len()..][..ids.len()];
        if !board.recuse(&walker, k, chosen[k].1, ranking, slot) {
            return Err(Refusal::PostRecusal(PostRecusalFault::CannotRefill { index, entity, inspector }));
        }
        recusals.push(RecusalRecord { entity, inspector, stage: Stage::Post });
    }

    // Five strings per selected entity: built in parallel chunks, in order.
    let names = |v: &[u32]| v.iter().map(|&j| ids[j as usize].to_string()).collect();
    let selected = par_chunks(chosen.len(), 1 << 12, |r| {
        r.map(|k| {
            let (key, e) = chosen[k];
            Selected {
                code: pool[e as usize].code.clone(),
                stratum: pool[e as usize].stratum.clone(),
                key: words_hex(&key),
                inspectors: names(&board.teams[k]),
                cap_lifted: board.lifted[k],
                recused: names(&board.recused[k]),
            }
        })
        .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    Ok(Derived { pool_digest: digest_hex, seed: seed_hex, selected, recusals })
}

/// Derived field 7: in every stratum the `quota` entities with the smallest
/// keys (ties by code), then all of them ordered by key.
fn select(prep: &Prepared<'_>, input: &DrawInput, keyer: &Keyer) -> Vec<Cand> {
    let pool = &input.pool;
    let recs = &prep.pool.recs;
    let quotas: Vec<usize> = prep
        .pool
        .strata
        .iter()
        .zip(&prep.pool.counts)
        .map(|((s, _), &n)| {
            let bp = input.ratios_bp.get(*s).copied().unwrap_or(0);
            // quota ≤ n, which is a usize already.
            quota(n as u64, bp) as usize
        })
        .collect();
    let by_key = |a: &Cand, b: &Cand| {
        a.0.cmp(&b.0).then_with(|| pool[a.1 as usize].code.as_bytes().cmp(pool[b.1 as usize].code.as_bytes()))
    };
    let parts = par_chunks(recs.len(), 1 << 15, |r| select_chunk(keyer, pool, &recs[r], &quotas, &by_key));
    let mut chosen: Vec<Cand> = Vec::with_capacity(quotas.iter().sum());
    for (s, &q) in quotas.iter().enumerate() {
        let mut cands: Vec<Cand> = parts.iter().flat_map(|p| p[s].iter().copied()).collect();
        keep_smallest(&mut cands, q, &by_key);
        chosen.extend(cands);
    }
    chosen.sort_unstable_by(by_key);
    chosen
}

/// The ranking of all inspectors (indices into `ids`) for each chosen entity:
/// entity `k`'s ranking is `rankings[k * ids.len()..][..ids.len()]`.
///
/// One flat vector and one scratch buffer per thread: no allocation per entity.
fn rank_all(keyer: &Keyer, pool: &[PoolEntry], chosen: &[Cand], ids: &[&str]) -> Vec<u32> {
    let min_chunk = (1 << 14) / ids.len().max(1) + 1;
    let parts = par_chunks(chosen.len(), min_chunk, |r| {
        let mut out = Vec::with_capacity(r.len() * ids.len());
        let mut keyed = Vec::with_capacity(ids.len());
        for &(_, e) in &chosen[r] {
            keyed.clear();
            keyer.inspector_keys(pool[e as usize].code.as_bytes(), ids, &mut keyed);
            sort_keyed(&mut keyed, ids);
            out.extend(keyed.iter().map(|&(_, j)| j));
        }
        out
    });
    parts.concat()
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

/// Keys one chunk of the pool and keeps, per stratum, its `quota` smallest candidates.
fn select_chunk(
    keyer: &Keyer,
    pool: &[PoolEntry],
    recs: &[SortRec],
    quotas: &[usize],
    by_key: &impl Fn(&Cand, &Cand) -> Ordering,
) -> Vec<Vec<Cand>> {
    let mut buf = [0u8; TAIL_MAX];
    buf[..ENTITY_LABEL.len()].copy_from_slice(ENTITY_LABEL);
    let mut per: Vec<Vec<Cand>> = vec![Vec::new(); quotas.len()];
    // Per stratum, the first key word of the largest candidate kept by the
    // last trim: a key with a larger first word cannot be among the `quota`
    // smallest any more, so it is not even stored.
    let mut bound = vec![u64::MAX; quotas.len()];
    for r in recs {
        let s = r.stratum();
        let q = quotas[s];
        // A stratum with quota 0 selects nothing: its keys are never needed.
        if q == 0 {
            continue;
        }
        // Label and code, read from the record when it holds the code.
        let key = match r.write_inline(&mut buf[ENTITY_LABEL.len()..]) {
            Some(len) => keyer.key(&mut buf, ENTITY_LABEL.len() + len),
            None => keyer.entity_key(pool[r.idx as usize].code.as_bytes()),
        };
        if key[0] > bound[s] {
            continue;
        }
        let v = &mut per[s];
        v.push((key, r.idx));
        // Trimming whenever the buffer doubles keeps memory O(quota) at O(1) amortised cost.
        if v.len() >= 2 * q + 4096 {
            keep_smallest(v, q, by_key);
            bound[s] = v.iter().map(|c| c.0[0]).max().unwrap_or(u64::MAX);
        }
    }
    for (v, &q) in per.iter_mut().zip(quotas) {
        keep_smallest(v, q, by_key);
    }
    per
}

/// Keeps the `q` smallest elements (in no particular order).
fn keep_smallest(v: &mut Vec<Cand>, q: usize, by_key: &impl Fn(&Cand, &Cand) -> Ordering) {
    if v.len() > q {
        if q > 0 {
            v.select_nth_unstable_by(q - 1, by_key);
        }
        v.truncate(q);
    }
}

/// The team walk of the spec, on inspector indices.
struct Walker<'a> {
    team_size: usize,
    /// Number of required departments.
    departments: usize,
    cap: u64,
    /// Required-department index of each inspector, if any.
    insp_dept: &'a [Option<u32>],
    /// Known conflicts as sorted (pool index, inspector index) pairs.
    conflicts: &'a [(u32, u32)],
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
struct Board {
    teams: Vec<Vec<u32>>,
    lifted: Vec<bool>,
    recused: Vec<Vec<u32>>,
    loads: Vec<u64>,
}

impl Board {
    /// Derived field 8: forms the teams in selection order. Returns the board
    /// and the conflicts met, as (position, inspector); or the pool index of
    /// an entity whose team cannot be formed.
    fn assign(w: &Walker<'_>, chosen: &[Cand], rankings: &[u32]) -> Result<(Board, Vec<(usize, u32)>), u32> {
        let mut board = Board {
            teams: Vec::with_capacity(chosen.len()),
            lifted: vec![false; chosen.len()],
            recused: vec![Vec::new(); chosen.len()],
            loads: vec![0; w.insp_dept.len()],
        };
        let mut met_all = Vec::new();
        // Refusal 6 already guarantees at least `team_size` ≥ 2 inspectors.
        let rankings = rankings.chunks_exact(w.insp_dept.len());
        for (k, (&(_, e), ranking)) in chosen.iter().zip(rankings).enumerate() {
            let mut team = Vec::with_capacity(w.team_size);
            let mut met = Vec::new();
            if !w.walk(e, ranking, &mut team, &board.loads, true, &[], Some(&mut met)) {
                // The capped walk's team and records are discarded.
                team.clear();
                met.clear();
                board.lifted[k] = true;
                if !w.walk(e, ranking, &mut team, &board.loads, false, &[], Some(&mut met)) {
                    return Err(e);
                }
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
    fn recuse(&mut self, w: &Walker<'_>, k: usize, entity: u32, ranking: &[u32], slot: usize) -> bool {
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

// ---------------------------------------------------------------------------
// JSON input
// ---------------------------------------------------------------------------

/// A JSON input or manifest as written: the input fields with the numbers
/// not yet checked, and the derived fields a manifest claims (`IgnoredAny`
/// when only the inputs are wanted), read in one pass.
#[derive(Deserialize)]
struct RawDoc<S, L, R> {
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
    protocol: Option<S>,
    pool_digest: Option<S>,
    seed: Option<S>,
    selected: Option<L>,
    recusals: Option<R>,
}

use serde_json::Value;

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

fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, InputError> {
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
/// refusal 3. The other refusals are left to [`draw`] and [`check_frozen`].
pub fn parse_input(json: &str) -> Result<DrawInput, InputError> {
    use serde::de::IgnoredAny;
    let raw: RawDoc<IgnoredAny, IgnoredAny, IgnoredAny> = from_json(json)?;
    Ok(input_of(raw)?)
}

/// The checked inputs of a raw document (refusal 3 on its numbers).
fn input_of<S, L, R>(raw: RawDoc<S, L, R>) -> Result<DrawInput, Refusal> {
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

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    const BASIC: &str = include_str!("../../spec/vectors/basic.json");
    const JOINT: &str = include_str!("../../spec/vectors/joint.json");
    const POST: &str = include_str!("../../spec/vectors/post-recusal.json");
    const EDGE: &str = include_str!("../../spec/vectors/edge.json");
    const REFUSALS: &str = include_str!("../../spec/vectors/refusals.json");

    const VECTORS: [(&str, &str); 4] =
        [("basic", BASIC), ("joint", JOINT), ("post-recusal", POST), ("edge", EDGE)];

    fn json(s: &str) -> Value {
        serde_json::from_str(s).expect("test JSON")
    }

    fn all_ok(checks: &[Check]) -> bool {
        first_failure(checks).is_none()
    }

    #[test]
    fn vectors_derive_exactly() {
        for (name, text) in VECTORS {
            let want = json(text);
            let input = parse_input(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(check_frozen(&input.frozen()), Ok(()), "{name}");
            let m = draw(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(Value::from(m.pool_digest.clone()), want["pool_digest"], "{name}");
            let mut secret = [0u8; 32];
            hex::decode_to_slice(&input.secret, &mut secret).unwrap();
            assert_eq!(Value::from(commitment_of(&secret)), want["commitment"], "{name}");
            assert_eq!(Value::from(m.seed.clone()), want["seed"], "{name}");
            assert_eq!(serde_json::to_value(&m.selected).unwrap(), want["selected"], "{name}");
            assert_eq!(serde_json::to_value(&m.recusals).unwrap(), want["recusals"], "{name}");
            // The whole manifest, inputs included, serialises to the vector and back.
            assert_eq!(serde_json::to_value(&m).unwrap(), want, "{name}");
            assert_eq!(serde_json::from_str::<Manifest>(text).unwrap(), m, "{name}");

            let checks = verify_manifest(text).unwrap();
            assert!(all_ok(&checks), "{name}: {:?}", first_failure(&checks));
            assert!(checks.len() >= 4 + 6 * m.selected.len() + 2, "{name}");
            let ours = serde_json::to_string_pretty(&m).unwrap();
            assert!(all_ok(&verify_manifest(&ours).unwrap()), "{name}");

            // The helpers for the UI agree with the engine.
            for s in &m.selected {
                assert_eq!(entity_key(&m.seed, &s.code), s.key);
                let ranking = inspector_ranking(&m.seed, &s.code, &input.inspectors);
                assert_eq!(ranking.len(), input.inspectors.len());
                assert!(ranking.windows(2).all(|w| w[0] < w[1]));
                let (k, id) = &ranking[0];
                assert_eq!(&inspector_key(&m.seed, &s.code, id), k);
            }
        }
    }

    /// The refusal number a `why` of refusals.json describes.
    fn expected_number(why: &str) -> u8 {
        let w = why.to_lowercase();
        let table: [(&str, u8); 15] = [
            ("post recusal", 7),
            ("cannot get a full team", 6),
            ("no team possible", 6),
            ("entropy", 5),
            ("secret", 4),
            ("commitment", 4),
            ("team_size", 3),
            ("basis points", 3),
            ("max_per_inspector", 3),
            ("empty pool", 2),
            ("without a ratio", 2),
            ("duplicate", 1),
            ("twice", 1),
            ("with a space", 1),
            ("identifier", 1),
        ];
        table
            .iter()
            .find(|(k, _)| w.contains(k))
            .map(|&(_, n)| n)
            .unwrap_or_else(|| panic!("no refusal number known for {why:?}"))
    }

    #[test]
    fn refusal_vectors_are_refused() {
        let cases = json(REFUSALS);
        let cases = cases.as_array().unwrap();
        assert_eq!(cases.len(), 19);
        for case in cases {
            let why = case["why"].as_str().unwrap();
            let text = serde_json::to_string(&case["input"]).unwrap();
            let want = expected_number(why);
            let by_draw = match parse_input(&text) {
                Ok(input) => draw(&input).expect_err(why),
                Err(InputError::Refused(r)) => r,
                Err(e) => panic!("{why}: {e}"),
            };
            assert_eq!(by_draw.number(), want, "{why}: {by_draw}");
            let msg = by_draw.to_string();
            assert!(msg.starts_with(&format!("refusal {want}: ")), "{msg}");
            println!("{why:<70} -> {msg}");
            match verify_manifest(&text) {
                Err(InputError::Refused(r)) => assert_eq!(r, by_draw, "{why}"),
                other => panic!("{why}: verify gave {other:?}"),
            }
            // Refusals 1, 2, 3 and 6 are already caught when the pool is frozen.
            if let Ok(input) = parse_input(&text) {
                let frozen = check_frozen(&input.frozen());
                assert_eq!(frozen.is_err(), [1, 2, 3, 6].contains(&want), "{why}");
            }
        }
    }

    fn tampered(text: &str, edit: impl FnOnce(&mut Value)) -> Vec<Check> {
        let mut v = json(text);
        edit(&mut v);
        verify_manifest(&serde_json::to_string(&v).unwrap()).expect("still verifiable")
    }

    #[test]
    fn tampering_is_named() {
        let m = json(JOINT);
        // One inspector swapped in a team.
        let k = 3;
        let code = m["selected"][k]["code"].as_str().unwrap().to_string();
        let team: Vec<&str> =
            m["selected"][k]["inspectors"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        let other = m["inspectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .find(|id| !team.contains(id))
            .unwrap()
            .to_string();
        let checks = tampered(JOINT, |v| v["selected"][k]["inspectors"][1] = other.clone().into());
        let bad = first_failure(&checks).unwrap();
        assert_eq!(bad.name, format!("selected[{k}] {code}: inspectors"));
        assert!(bad.found.contains(&other) && !bad.expected.contains(&other));
        assert_eq!(checks.iter().filter(|c| !c.ok).count(), 1);

        // One code added to the pool.
        let checks = tampered(JOINT, |v| {
            let entry = serde_json::json!({"code": "91130499999999999Z", "stratum": "A"});
            v["pool"].as_array_mut().unwrap().push(entry);
        });
        assert_eq!(first_failure(&checks).unwrap().name, "pool_digest");

        // One entropy character changed.
        let checks = tampered(JOINT, |v| {
            let e = v["public_entropy"].as_str().unwrap();
            let i = e.find(|c: char| c.is_ascii_digit()).unwrap();
            let c = if &e[i..=i] == "1" { "2" } else { "1" };
            v["public_entropy"] = format!("{}{c}{}", &e[..i], &e[i + 1..]).into();
        });
        let bad = first_failure(&checks).unwrap();
        assert_eq!(bad.name, "seed");
        assert!(checks.iter().any(|c| c.name == "pool_digest" && c.ok));

        // A flag, a type, a stage and a missing entity.
        let checks = tampered(EDGE, |v| v["selected"][2]["cap_lifted"] = false.into());
        assert_eq!(first_failure(&checks).unwrap().name, "selected[2] 09.Xa: cap_lifted");
        let checks = tampered(EDGE, |v| v["selected"][2]["cap_lifted"] = "true".into());
        assert_eq!(first_failure(&checks).unwrap().name, "selected[2] 09.Xa: cap_lifted");
        let checks = tampered(EDGE, |v| v["recusals"][0]["stage"] = "post".into());
        assert_eq!(first_failure(&checks).unwrap().name, "recusals[0] 09.Xa");
        let checks = tampered(EDGE, |v| {
            v["selected"][0].as_object_mut().unwrap().remove("recused");
        });
        assert_eq!(first_failure(&checks).unwrap().name, "selected[0] Z9_0_: recused");
        let checks = tampered(BASIC, |v| {
            v["selected"].as_array_mut().unwrap().pop();
        });
        let bad = first_failure(&checks).unwrap();
        assert_eq!(bad.name, "selected[1] 91130402792033592K: code");
        assert_eq!(bad.found, "(missing)");
        assert!(checks.iter().any(|c| c.name == "selected: count" && !c.ok));
        let checks = tampered(BASIC, |v| v["protocol"] = "DR2".into());
        assert_eq!(first_failure(&checks).unwrap().name, "protocol");
    }

    #[test]
    fn byte_order() {
        let pool: Vec<PoolEntry> = ["a1", "_x", "B1", "10", "-x"]
            .iter()
            .map(|c| PoolEntry { code: c.to_string(), stratum: "S".to_string() })
            .collect();
        let order: Vec<&str> = index_pool(&pool, true)
            .unwrap()
            .recs
            .iter()
            .map(|r| pool[r.idx as usize].code.as_str())
            .collect();
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
        let got: Vec<&str> = index_pool(&pool, false)
            .unwrap()
            .recs
            .iter()
            .map(|r| pool[r.idx as usize].code.as_str())
            .collect();
        let mut want: Vec<&str> = codes.iter().map(String::as_str).collect();
        want.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        assert_eq!(got, want);

        // The public digest takes any strings: NULs, long codes and strata, repeats.
        let (x30, x24, x23, long) =
            ("x".repeat(30), "x".repeat(24), "x".repeat(23), "long stratum ".repeat(9));
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
    fn quota_rule() {
        assert_eq!(quota(0, 200), 0);
        assert_eq!(quota(60, 0), 0);
        assert_eq!(quota(60, 200), 2);
        assert_eq!(quota(50, 200), 1);
        assert_eq!(quota(51, 200), 2);
        assert_eq!(quota(10, 1), 1);
        assert_eq!(quota(10, 10_000), 10);
        assert_eq!(quota(500_000, 200), 10_000);
        assert_eq!(quota(5_000_000_000, 10_000), 5_000_000_000);
        assert_eq!(quota(u64::MAX, 10_000), u64::MAX);
        assert_eq!(quota(3, 20_000), 3);
    }

    #[test]
    fn strict_parsing() {
        let base = json(BASIC);
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut v = base.clone();
            edit(&mut v);
            parse_input(&serde_json::to_string(&v).unwrap())
        };
        let refused = |r: Result<DrawInput, InputError>| match r {
            Err(InputError::Refused(r)) => r.number(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(refused(with(&|v| v["ratios_bp"]["ALL"] = json("200.0"))), 3);
        assert_eq!(refused(with(&|v| v["ratios_bp"]["ALL"] = json("2e2"))), 3);
        assert_eq!(refused(with(&|v| v["ratios_bp"]["ALL"] = json("10001"))), 3);
        assert_eq!(refused(with(&|v| v["ratios_bp"]["ALL"] = json("-1"))), 3);
        assert_eq!(refused(with(&|v| v["team_size"] = json("\"2\""))), 3);
        assert_eq!(refused(with(&|v| v["team_size"] = json("1"))), 3);
        assert_eq!(refused(with(&|v| v["team_size"] = json("null"))), 3);
        assert_eq!(refused(with(&|v| v["max_per_inspector"] = json("-1"))), 3);
        assert_eq!(refused(with(&|v| v["max_per_inspector"] = json("1.5"))), 3);
        assert!(with(&|v| v["ratios_bp"]["ALL"] = json("10000")).is_ok());
        assert!(with(&|v| v["extra"] = json("{\"note\": [1, 2]}")).is_ok());
        assert!(with(&|v| v["pool"][0]["name"] = json("\"某公司\"")).is_ok());
        let malformed = |r: Result<DrawInput, InputError>| matches!(r, Err(InputError::Malformed(_)));
        assert!(malformed(with(&|v| {
            v.as_object_mut().unwrap().remove("conflicts");
        })));
        assert!(malformed(with(&|v| v["pool"] = json("{}"))));
        assert!(malformed(with(&|v| v["pool"][0]["code"] = json("12"))));
        assert!(malformed(parse_input("[]")));
        assert!(malformed(parse_input("not json")));
        // Repeated keys would be silently collapsed by a JSON map: refuse them.
        let text = serde_json::to_string(&base).unwrap();
        let twice = text.replacen("\"ALL\":200", "\"ALL\":200,\"ALL\":300", 1);
        assert_ne!(twice, text);
        assert!(malformed(parse_input(&twice)));
        let twice = text.replacen("\"team_size\":2", "\"team_size\":2,\"team_size\":3", 1);
        assert!(malformed(parse_input(&twice)));
        // post_recusals may be absent; a reason may be absent.
        let input = with(&|v| {
            v["post_recusals"] = json(r#"[{"entity": "91130403291181424C", "inspector": "130480056352"}]"#)
        })
        .unwrap();
        assert_eq!(input.post_recusals[0].reason, "");
    }

    #[test]
    fn entropy_and_identifiers() {
        assert_eq!(normalize_entropy("\t6 5 4\r\n3 2 1  "), "654321");
        assert_eq!(normalize_entropy("3\u{3000}1\u{b}4"), "3\u{3000}1\u{b}4");
        assert!(check_entropy(&"7".repeat(256)).is_ok());
        assert_eq!(
            check_entropy(&format!("{} 1", "7".repeat(256))),
            Err(Refusal::Entropy(EntropyFault::TooLong { chars: 257 }))
        );
        assert_eq!(
            check_entropy("1２3"),
            Err(Refusal::Entropy(EntropyFault::Forbidden { ch: '２', position: 1 }))
        );
        assert!(is_identifier("!") && is_identifier("~") && is_identifier(&"a".repeat(64)));
        assert!(!is_identifier("") && !is_identifier(&"a".repeat(65)));
        assert!(!is_identifier("a b") && !is_identifier("é") && !is_identifier("a\u{7f}"));
        // The seed helper normalises, idempotently.
        assert_eq!(seed("t", "d", "s", " 1 2 "), seed("t", "d", "s", "12"));
        // A conflict naming an absent entity is ignored; one with a bad identifier is refused.
        let mut input = parse_input(BASIC).unwrap();
        input.conflicts.push(ConflictPair { entity: "NOT-IN-POOL".into(), inspector: "130456480873".into() });
        assert!(draw(&input).is_ok());
        input
            .conflicts
            .push(ConflictPair { entity: "91130403291181424C ".into(), inspector: "130456480873".into() });
        let r = draw(&input).unwrap_err();
        assert_eq!(r.number(), 1, "{r}");
        assert!(r.to_string().contains("conflicts[1].entity"), "{r}");
    }

    // --- A literal, slow reference implementation of the spec, for cross-checks ---

    fn h(s: &str) -> String {
        sha256_hex(s.as_bytes())
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
            m.sort_by(|a, b| {
                (a.0.as_bytes(), a.1.code.as_bytes()).cmp(&(b.0.as_bytes(), b.1.code.as_bytes()))
            });
            let (n, bp) = (m.len() as u64, input.ratios_bp[s]);
            #[allow(clippy::manual_div_ceil)]
            let q = if n == 0 || bp == 0 { 0 } else { n.min(1.max((n * bp + 9999) / 10000)) };
            chosen.extend(m.into_iter().take(q as usize));
        }
        chosen.sort_by(|a, b| {
            (a.0.as_bytes(), a.1.code.as_bytes()).cmp(&(b.0.as_bytes(), b.1.code.as_bytes()))
        });

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
        let strata = ["A", "B", "c", "_", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12"];
        // Sometimes more than 8 strata (the map path of the scan).
        let n_strata = if rng.below(5) == 0 { 12 } else { 1 + rng.below(4) };
        let mut codes = BTreeSet::new();
        // Sometimes codes longer than the 24 bytes a sort record holds.
        let max_len = if rng.below(4) == 0 { 64 } else { 20 };
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
        let n_insp = 4 + rng.below(10);
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
                department: if j < n_req && rng.below(8) != 0 { depts[j] } else { depts[rng.below(4)] }
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
            max_per_inspector: rng.below(4) as u64,
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
            input.post_recusals.push(PostRecusal {
                entity: s.code.clone(),
                inspector,
                reason: "test".into(),
            });
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
        let mut rng = Lcg(20230101);
        let (mut drawn, mut refused6, mut refused7) = (0, 0, 0);
        for case in 0..400 {
            let size = 1 + rng.below(if case % 10 == 0 { 400 } else { 60 });
            let mut input = random_input(&mut rng, size);
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

            let text = serde_json::to_string(&Manifest::new(input, d)).unwrap();
            assert!(all_ok(&verify_manifest(&text).unwrap()), "case {case}");
        }
        println!("drawn {drawn}, refused 6: {refused6}, refused 7: {refused7}");
        assert!(drawn > 250 && refused6 > 0 && refused7 > 0);
    }

    #[test]
    fn radix_sort_orders_like_the_comparison() {
        let mut rng = Lcg(11);
        for case in 0..200 {
            // Shared prefixes, codes past 24 bytes, NUL bytes (unvalidated
            // pools), bytes above 0x7F and repeated codes: every path of the key.
            let stems = ["", "9113", "aaaaaaaaaaaaaaaaaaaaaaaa", "\0x", "\u{e9}"];
            let n = 1 + rng.below(300);
            let pool: Vec<PoolEntry> = (0..n)
                .map(|_| {
                    let len = rng.below(if case % 3 == 0 { 40 } else { 10 });
                    let code = format!("{}{}", stems[rng.below(stems.len())], rng.id(len));
                    PoolEntry { code, stratum: ["A", "B"][rng.below(2)].to_string() }
                })
                .collect();
            let mut recs: Vec<SortRec> =
                pool.iter().enumerate().map(|(i, p)| SortRec::new(&p.code, i, 0, false)).collect();
            let mut expected = recs.clone();
            expected.sort_by(|a, b| cmp_rec(&pool, a, b));
            RadixKey::new(&recs).sort(&mut recs, |a, b| cmp_rec(&pool, a, b));
            let codes =
                |r: &[SortRec]| r.iter().map(|r| pool[r.idx as usize].code.clone()).collect::<Vec<_>>();
            assert_eq!(codes(&recs), codes(&expected), "case {case}");
        }
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
        input.ratios_bp = [("A", 10), ("B", 0), ("C", 100), ("D", 10_000)]
            .iter()
            .map(|(s, b)| (s.to_string(), *b))
            .collect();
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
}

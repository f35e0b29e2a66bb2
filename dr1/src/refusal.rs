//! 拒绝 — why a draw is refused (spec refusals 1–7) and why a JSON document
//! cannot be used, with the messages shown to people.
//!
//! Also the helpers that build the common refusals, so every check words
//! them the same way.

use crate::rules::{is_identifier, MAX_ENTROPY_CHARS};
use std::fmt;

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

/// Refusal 1: `value`, at `field`, is not an identifier.
fn invalid(field: String, value: &str) -> Refusal {
    Refusal::Identifier(IdentifierFault::Invalid { field, value: value.to_string() })
}

/// Refusal 1 unless `value` is an identifier. `field` is a closure so that the
/// name (e.g. `pool[123].code`) is only formatted for the refusal, not per entry.
pub(crate) fn check_identifier(field: impl FnOnce() -> String, value: &str) -> Result<(), Refusal> {
    if is_identifier(value) {
        Ok(())
    } else {
        Err(invalid(field(), value))
    }
}

/// Refusal 3: `field` holds `found`, which breaks `rule`.
pub(crate) fn out_of_range(field: String, found: String, rule: &str) -> Refusal {
    Refusal::Number(NumberFault::OutOfRange { field, found, rule: rule.to_string() })
}

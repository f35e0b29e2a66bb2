//! The data of a draw: its inputs, its manifest and the derived fields, as
//! the spec names them and as they serialise.
//!
//! A leaf: plain data with serde derives, no arithmetic.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The protocol tag written in every manifest.
pub const PROTOCOL: &str = "DR1";

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
    /// The frozen part of these inputs, for [`check_frozen`](crate::check_frozen).
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

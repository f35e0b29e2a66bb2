//! The spec's vectors and small helpers shared by the tests.

use dr1::{first_failure, Check};
use serde_json::Value;

pub const BASIC: &str = include_str!("../../../spec/vectors/basic.json");
pub const JOINT: &str = include_str!("../../../spec/vectors/joint.json");
pub const POST: &str = include_str!("../../../spec/vectors/post-recusal.json");
pub const EDGE: &str = include_str!("../../../spec/vectors/edge.json");
pub const REFUSALS: &str = include_str!("../../../spec/vectors/refusals.json");

pub const VECTORS: [(&str, &str); 4] =
    [("basic", BASIC), ("joint", JOINT), ("post-recusal", POST), ("edge", EDGE)];

pub fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("test JSON")
}

pub fn all_ok(checks: &[Check]) -> bool {
    first_failure(checks).is_none()
}

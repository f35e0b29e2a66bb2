//! DR1, the publicly verifiable draw: the engine lives in its own crate (`dr1/`) so the
//! portal's verifier can be built from it alone; the app uses it under this name.

pub use dr1::*;

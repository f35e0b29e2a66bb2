//! Integration tests live under api/ (see Cargo.toml).

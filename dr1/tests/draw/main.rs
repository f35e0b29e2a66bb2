//! DR1 through its public interface, as the app, the server and the verifier
//! call it: the spec's vectors, the parsing and number rules, and a literal
//! reference implementation of the spec compared on random inputs.
//!
//! One test binary; the tests of private parts (the code order and its radix
//! sort) live beside them in `src/pool/tests.rs` and `src/sort/tests.rs`.

mod helpers;
mod reference;
mod rules;
mod vectors;

//! Property tests of DR1's readers of outside text (issue 22): a JSON input or manifest,
//! the pool's fast reader, and the room's entropy. Whatever the text, the answer is a
//! result or an error, never a panic or a hang. `cargo test` runs 64 cases each;
//! `PROPTEST_CASES` (`make fuzz`) runs more.

use crate::pool_json::split_pool;
use crate::{check_entropy, parse_input, verify_manifest, InputError, PoolEntry, MAX_ENTROPY_CHARS};
use proptest::prelude::*;
use std::time::Duration;

const BASIC: &str = include_str!("../../spec/vectors/basic.json");

/// 64 cases, or `PROPTEST_CASES`; no regression files written beside the sources.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Long enough that only a hang (an endless loop) reaches it, even in a debug build on a
/// busy machine; not a timing goal.
const HANG: Duration = Duration::from_secs(60);

/// `f()` on its own thread: its panic is re-raised here, and it failing to finish within
/// [`HANG`] fails the case as a hang.
fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(HANG) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("still running after {HANG:?}: a hang"),
    }
}

/// A byte-level change to a valid document.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, x)| Mutation::Flip(at, x)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// `doc` with the mutations applied (positions taken modulo its length).
fn mutate(doc: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = doc.to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match m {
            Mutation::Flip(i, x) if !b.is_empty() => {
                let i = at(*i, b.len());
                b[i] ^= x;
            }
            Mutation::Insert(i, bytes) => {
                let i = at(*i, b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete(i, n) if !b.is_empty() => {
                let i = at(*i, b.len());
                b.drain(i..(i + n).min(b.len()));
            }
            Mutation::Truncate(i) => b.truncate(at(*i, b.len() + 1)),
            _ => {}
        }
    }
    b
}

/// Reads `json` as an input and as a manifest; both must answer.
fn read_both(json: String) {
    within(move || {
        match parse_input(&json) {
            Ok(_) => {}
            Err(InputError::Malformed(m)) => assert!(!m.is_empty()),
            Err(InputError::Refused(r)) => assert!(!r.to_string().is_empty()),
        }
        if let Ok(checks) = verify_manifest(&json) {
            assert!(!checks.is_empty());
        }
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_is_read_or_refused(text in any::<String>()) {
        read_both(text);
    }

    #[test]
    fn a_mutated_manifest_is_read_or_refused(ms in prop::collection::vec(mutation(), 1..6)) {
        let bytes = mutate(BASIC.as_bytes(), &ms);
        read_both(String::from_utf8_lossy(&bytes).into_owned());
    }

    /// A field's value replaced by a hostile one: deep nesting, huge or odd numbers,
    /// long strings, wrong types.
    #[test]
    fn hostile_values_are_refused_in_words(
        field in prop::sample::select(vec![
            "team_size", "max_per_inspector", "ratios_bp", "pool", "task_id", "secret",
            "public_entropy", "inspectors", "departments", "conflicts", "post_recusals",
        ]),
        value in prop_oneof![
            (1..200_000usize).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
            (1..200_000usize).prop_map(|n| format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n))),
            Just("1e400".to_string()),
            Just("-1e400".to_string()),
            Just("18446744073709551616".to_string()),
            Just("1".repeat(5000)),
            Just("2.0".to_string()),
            Just("-0".to_string()),
            Just("null".to_string()),
            Just("\"\\ud800\"".to_string()),
            (0..1_000_000usize).prop_map(|n| format!("\"{}\"", "x".repeat(n))),
        ],
    ) {
        let mut doc: serde_json::Value = serde_json::from_str(BASIC).unwrap();
        doc[field] = serde_json::json!("__HOLE__");
        let json = doc.to_string().replace("\"__HOLE__\"", &value);
        read_both(json);
    }

    /// The fast pool reader reads exactly what serde reads, or declines.
    #[test]
    fn the_fast_pool_reader_agrees_with_serde(
        pool in prop::collection::vec(("[ -~]{0,12}", "[ -~\u{80}-\u{10ffff}]{0,6}"), 0..40),
        spacing in "[ \n\t]{0,3}",
        ms in prop::collection::vec(mutation(), 0..3),
    ) {
        let entries: Vec<String> = pool
            .iter()
            .map(|(c, s)| format!("{{{spacing}\"code\":{spacing}{},\"stratum\":{}}}", json_string(c), json_string(s)))
            .collect();
        let doc = format!("{{\"task_id\":\"t\",\"pool\":[{}],\"z\":1}}", entries.join(&format!(",{spacing}")));
        let doc = String::from_utf8_lossy(&mutate(doc.as_bytes(), &ms)).into_owned();
        #[derive(serde::Deserialize)]
        struct Doc {
            pool: Vec<PoolEntry>,
        }
        let serde: Option<Vec<PoolEntry>> = serde_json::from_str::<Doc>(&doc).ok().map(|d| d.pool);
        if let Some((rest, fast)) = split_pool(&doc) {
            // The fast path counts only when the rest reads too; then it must agree.
            if serde_json::from_str::<serde_json::Value>(&rest).is_ok() && serde.is_some() {
                prop_assert_eq!(Some(fast), serde);
            }
        }
    }

    #[test]
    fn entropy_is_printable_ascii_within_its_limit_or_refused(text in any::<String>()) {
        match check_entropy(&text) {
            Ok(e) => {
                prop_assert!(!e.is_empty() && e.len() <= MAX_ENTROPY_CHARS);
                prop_assert!(e.chars().all(|c| ('!'..='~').contains(&c)));
            }
            Err(r) => prop_assert!(!r.to_string().is_empty()),
        }
    }
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn repeated_keys_and_huge_numbers_are_named() {
    let doc = BASIC.replacen("\"team_size\":", "\"team_size\": 2, \"team_size\":", 1);
    let e = parse_input(&doc).unwrap_err().to_string();
    assert!(e.contains("duplicate field `team_size`"), "{e}");
    let doc = BASIC.replacen("\"ratios_bp\": {", "\"ratios_bp\": {\"X\": 1, \"X\": 2, ", 1);
    let e = parse_input(&doc).unwrap_err().to_string();
    assert!(e.contains("repeats the key \"X\""), "{e}");
    let mut v: serde_json::Value = serde_json::from_str(BASIC).unwrap();
    v["team_size"] = serde_json::json!("__N__");
    let e = parse_input(&v.to_string().replace("\"__N__\"", "1e400")).unwrap_err().to_string();
    assert!(e.contains("number out of range"), "{e}");
    let e = parse_input(&v.to_string().replace("\"__N__\"", "1e3")).unwrap_err().to_string();
    assert!(e.contains("team_size"), "{e}");
    // A million nested arrays: serde's depth limit, not a stack overflow.
    v["z"] = serde_json::json!("__N__");
    let deep = v.to_string().replace("\"__N__\"", &format!("{}{}", "[".repeat(1 << 20), "]".repeat(1 << 20)));
    let e = within(move || parse_input(&deep).unwrap_err().to_string());
    assert!(e.contains("recursion limit"), "{e}");
}

//! The `draw` and `verify` subcommands against the spec's vectors.

use crate::helpers::{derived_of, inputs_of, repo, run, vector, TempDir};

const MANIFESTS: [&str; 4] = ["basic.json", "joint.json", "post-recusal.json", "edge.json"];

#[test]
fn verify_accepts_every_vector() {
    for name in MANIFESTS {
        let path = repo().join("spec/vectors").join(name);
        let (code, out, err) = run(&["verify", path.to_str().unwrap()]);
        assert_eq!((code, out.trim()), (0, "valid"), "{name}: {err}");
    }
}

#[test]
fn draw_rederives_every_vector_from_its_inputs() {
    let dir = TempDir::new("cli");
    for name in MANIFESTS {
        let v = vector(name);
        let input = dir.join(name);
        std::fs::write(&input, inputs_of(&v).to_string()).unwrap();
        let (code, out, err) = run(&["draw", "--input", input.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {err}");
        let manifest: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(derived_of(&manifest), derived_of(&v), "{name}");
        assert_eq!(manifest["protocol"], "DR1");
        // The printed manifest verifies.
        let written = dir.join(&format!("out-{name}"));
        std::fs::write(&written, &out).unwrap();
        assert_eq!(run(&["verify", written.to_str().unwrap()]).0, 0);
    }
}

#[test]
fn every_refusal_is_refused_by_draw_and_by_verify_with_one_line() {
    let dir = TempDir::new("refusals");
    let cases = vector("refusals.json");
    for (i, case) in cases.as_array().unwrap().iter().enumerate() {
        let why = case["why"].as_str().unwrap();
        let path = dir.join(&format!("case{i}.json"));
        std::fs::write(&path, case["input"].to_string()).unwrap();
        let (code, out, err) = run(&["draw", "--input", path.to_str().unwrap()]);
        assert_eq!(code, 2, "draw must refuse: {why}");
        assert!(out.is_empty(), "{why}: nothing on stdout");
        assert_eq!(err.trim().lines().count(), 1, "{why}: one line on stderr, got {err:?}");
        assert!(err.contains("refusal "), "{why}: names the refusal: {err}");
        let (code, _, _) = run(&["verify", path.to_str().unwrap()]);
        assert_eq!(code, 2, "verify must refuse: {why}");
    }
}

#[test]
fn a_duplicate_code_is_named() {
    let dir = TempDir::new("dup");
    let mut input = inputs_of(&vector("basic.json"));
    let first = input["pool"][0].clone();
    input["pool"].as_array_mut().unwrap().push(first.clone());
    let path = dir.join("dup.json");
    std::fs::write(&path, input.to_string()).unwrap();
    let (code, _, err) = run(&["draw", "--input", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains(first["code"].as_str().unwrap()), "{err}");
}

fn tampered(name: &str, change: impl Fn(&mut serde_json::Value)) -> (i32, String) {
    let dir = TempDir::new("tamper");
    let mut v = vector(name);
    change(&mut v);
    let path = dir.join("t.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let (code, out, _) = run(&["verify", path.to_str().unwrap()]);
    (code, out)
}

#[test]
fn tampering_fails_verification_naming_the_field() {
    // One inspector swapped in a team.
    let (code, out) = tampered("joint.json", crate::helpers::swap_first_inspector);
    assert_eq!(code, 1);
    assert!(out.contains("selected[0]") && out.contains("inspectors"), "{out}");
    // One code added to the pool.
    let (code, out) = tampered("basic.json", |v| {
        v["pool"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"code": "91130402MA0000000X", "stratum": "ALL"}));
    });
    assert_eq!(code, 1);
    assert!(out.contains("pool_digest"), "{out}");
    // One entropy character changed.
    let (code, out) = tampered("basic.json", |v| {
        let e = v["public_entropy"].as_str().unwrap().to_string();
        let changed: String = e.chars().rev().collect::<String>() + "7";
        v["public_entropy"] = changed.into();
    });
    assert_eq!(code, 1);
    assert!(out.contains("seed"), "{out}");
    // With post recusals, a changed entropy makes them impossible to replay; the verifier
    // still names the altered field instead of refusing the manifest.
    for name in ["edge.json", "post-recusal.json"] {
        let (code, out) = tampered(name, |v| {
            let e = v["public_entropy"].as_str().unwrap().to_string();
            v["public_entropy"] = format!("{e}9").into();
        });
        assert_eq!(code, 1, "{name}");
        assert!(out.contains("seed"), "{name}: {out}");
    }
}

#[test]
fn malformed_input_exits_2() {
    let dir = TempDir::new("malformed");
    let path = dir.join("junk.json");
    std::fs::write(&path, "{ this is not json").unwrap();
    assert_eq!(run(&["verify", path.to_str().unwrap()]).0, 2);
    assert_eq!(run(&["draw", "--input", path.to_str().unwrap()]).0, 2);
    assert_eq!(run(&["verify", "/no/such/file.json"]).0, 2);
}

#[test]
fn bench_prints_the_median_last() {
    let dir = TempDir::new("bench");
    let path = dir.join("in.json");
    std::fs::write(&path, inputs_of(&vector("joint.json")).to_string()).unwrap();
    let (code, out, err) = run(&["draw", "--input", path.to_str().unwrap(), "--bench", "5"]);
    assert_eq!(code, 0, "{err}");
    let last = out.trim().lines().last().unwrap();
    let pool = vector("joint.json")["pool"].as_array().unwrap().len();
    assert!(last.starts_with("draw_ms_median=") && last.ends_with(&format!(" pool={pool}")), "{last}");
}

#[test]
fn help_explains_each_subcommand() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for sub in ["serve", "draw", "verify"] {
        assert!(out.contains(sub), "{out}");
    }
}

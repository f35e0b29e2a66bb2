//! The spec's vectors: each manifest derives exactly, each refusal case is
//! refused with its number, and tampering names the altered field.

use crate::helpers::{all_ok, json, BASIC, EDGE, JOINT, REFUSALS, VECTORS};
use dr1::*;
use serde_json::Value;

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

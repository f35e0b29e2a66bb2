//! The plain rules: quotas, strict JSON parsing (refusal 3 on numbers,
//! malformed shapes and repeated keys), entropy and identifiers.

use crate::helpers::{json, BASIC};
use dr1::*;
use serde_json::Value;

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

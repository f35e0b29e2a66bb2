//! The pool of a JSON input read on every core, for the common shape of a
//! million `{"code": "...", "stratum": "..."}` objects.
//!
//! serde_json reads a document in one pass on one core, and the pool is
//! nearly all of it. Here the top level is scanned for the pool's span, the
//! span is cut at element boundaries into one piece per core, and each piece
//! is read by a strict parser that accepts only plain strings (no escape, no
//! control character) and exactly those two keys. The rest of the document,
//! the pool replaced by `[]`, still goes through serde. Anything unusual
//! (escapes, other keys, a repeated `pool`, any error) makes the caller read
//! the whole document with serde instead, so results and messages are
//! exactly serde's.

use crate::par::{par_map, threads};
use crate::types::PoolEntry;

/// Splits `json` into the document with its top-level `pool` replaced by
/// `[]`, and the pool read in parallel; `None` when the fast path does not
/// apply (then read `json` with serde).
pub(crate) fn split_pool(json: &str) -> Option<(String, Vec<PoolEntry>)> {
    let start = pool_start(json.as_bytes())?;
    let (pool, end) = read_pool(json, start)?;
    Some((format!("{}[]{}", &json[..start], &json[end..]), pool))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Where the value of the first top-level key `pool` starts, if the top
/// level reads as an object whose keys up to it have no escapes.
fn pool_start(b: &[u8]) -> Option<usize> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    loop {
        let (key, after) = plain_string(b, skip_ws(b, i + 1))?;
        i = skip_ws(b, after);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        if key == b"pool" {
            return Some(start);
        }
        i = skip_ws(b, skip_value(b, start)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
    }
}

/// The contents of a string starting at `b[i]` and the index after it, if
/// it has no escape and no control character.
fn plain_string(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let len = b[i + 1..].iter().position(|&c| c == b'"')?;
    let s = &b[i + 1..i + 1 + len];
    // A fold without early exit vectorises.
    s.iter().fold(true, |ok, &c| ok & (c >= 0x20) & (c != b'\\')).then_some((s, i + 2 + len))
}

/// The index just after the JSON value starting at `b[i]` (not validated:
/// serde or the strict parser reads it).
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => {
            i += 1;
            loop {
                match *b.get(i)? {
                    b'"' => return Some(i + 1),
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match *b.get(i)? {
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    b'"' => i = skip_value(b, i)? - 1,
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The pool array starting at `json[start]`, read in one piece per core,
/// and the index just after it.
///
/// The array's end is not known before it is read, so the pieces are cut in
/// the rest of the document, each just before an element's `{` that follows
/// a comma, and the last piece must reach the array's `]`. A cut outside the
/// pool or inside a string (strings here hold no quote, so the piece before
/// it would end in an unclosed string) fails the strict parser: then the
/// whole document goes to serde.
fn read_pool(json: &str, start: usize) -> Option<(Vec<PoolEntry>, usize)> {
    let b = json.as_bytes();
    if b.get(start) != Some(&b'[') {
        return None;
    }
    let first = start + 1;
    let empty = skip_ws(b, first);
    if b.get(empty) == Some(&b']') {
        return Some((Vec::new(), empty + 1));
    }
    let parts = if b.len() - first < 1 << 20 { 1 } else { threads() };
    let mut cuts = vec![first];
    for k in 1..parts {
        let target = first + (b.len() - first) * k / parts;
        let comma = target + b[target..].iter().position(|&c| c == b',')?;
        let open = skip_ws(b, comma + 1);
        if open > *cuts.last()? && b.get(open) == Some(&b'{') {
            cuts.push(open);
        }
    }
    let pieces: Vec<(usize, Option<usize>)> =
        cuts.iter().enumerate().map(|(k, &from)| (from, cuts.get(k + 1).copied())).collect();
    let mut parsed = par_map(pieces, |(from, to)| read_elements(json, from, to)).into_iter();
    let (mut pool, mut end) = parsed.next()??;
    for piece in parsed {
        let (more, piece_end) = piece?;
        pool.extend(more);
        end = piece_end;
    }
    Some((pool, end))
}

/// Elements `{"code": "...", "stratum": "..."}` (keys in either order)
/// separated by commas from `json[from]`: up to `to`, which must follow a
/// comma, or else to the array's closing `]`. Returns them and the index
/// where they stop (`to`, or just after the `]`).
fn read_elements(json: &str, from: usize, to: Option<usize>) -> Option<(Vec<PoolEntry>, usize)> {
    let b = &json.as_bytes()[..to.unwrap_or(json.len())];
    let mut pool = Vec::with_capacity((b.len() - from) / 40);
    let mut i = skip_ws(b, from);
    loop {
        if b.get(i) != Some(&b'{') {
            return None;
        }
        let (mut code, mut stratum) = (None, None);
        for field in 0..2 {
            let (key, after) = plain_string(b, skip_ws(b, i + 1))?;
            i = skip_ws(b, after);
            if b.get(i) != Some(&b':') {
                return None;
            }
            let value_start = skip_ws(b, i + 1);
            let (value, after) = plain_string(b, value_start)?;
            // The value's bytes as a &str: it starts and ends next to an ASCII quote.
            let value = &json[value_start + 1..value_start + 1 + value.len()];
            let slot = match key {
                b"code" => &mut code,
                b"stratum" => &mut stratum,
                _ => return None,
            };
            if slot.replace(value.to_string()).is_some() {
                return None;
            }
            i = skip_ws(b, after);
            let close = if field == 0 { b',' } else { b'}' };
            if b.get(i) != Some(&close) {
                return None;
            }
        }
        pool.push(PoolEntry { code: code?, stratum: stratum? });
        i = skip_ws(b, i + 1);
        match (b.get(i), to) {
            (Some(b','), _) => {
                i = skip_ws(b, i + 1);
                if Some(i) == to {
                    return Some((pool, i));
                }
            }
            (Some(b']'), None) => return Some((pool, i + 1)),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Doc {
        pool: Vec<PoolEntry>,
    }

    /// The pool as the fast path reads it, if it applies: the rest must read
    /// as a document too (else the caller uses serde for the whole).
    fn fast(json: &str) -> Option<Vec<PoolEntry>> {
        let (rest, pool) = split_pool(json)?;
        let doc: Doc = serde_json::from_str(&rest).ok()?;
        assert!(doc.pool.is_empty());
        let rest: serde_json::Value = serde_json::from_str(&rest).unwrap();
        let mut whole: serde_json::Value = serde_json::from_str(json).unwrap();
        whole["pool"] = serde_json::json!([]);
        assert_eq!(rest, whole, "{json}");
        Some(pool)
    }

    #[test]
    fn reads_what_serde_reads_or_declines() {
        let many: String = (0..30_000)
            .map(|i| format!("{{\"code\":\"c{i}\",\"stratum\":\"S\"}}"))
            .collect::<Vec<_>>()
            .join(",\n ");
        let docs = [
            r#"{"pool": [], "x": 1}"#.to_string(),
            r#" { "a" : [ {"pool": 1} , "]" ], "pool" : [ { "code" : "A1" , "stratum" : "S" } ] } "#
                .to_string(),
            r#"{"pool":[{"stratum":"S","code":"}, {"}]}"#.to_string(),
            format!(r#"{{"task_id": "t", "pool": [{many}], "z": "\"pool\""}}"#),
            // Declined: serde would refuse, or read something the strict parser does not.
            r#"{"pool": [{"code": "A\n1", "stratum": "S"}]}"#.to_string(),
            r#"{"pool": [{"code": "A\"1", "stratum": "S"}]}"#.to_string(),
            r#"{"pool": [{"code": "A1", "stratum": "S", "name": "x"}]}"#.to_string(),
            r#"{"pool": [{"code": "A1", "code": "A2", "stratum": "S"}]}"#.to_string(),
            r#"{"pool": [{"code": "A1", "stratum": "S"},]}"#.to_string(),
            r#"{"pool": [], "pool": []}"#.to_string(),
            r#"{"p\u006fol": []}"#.to_string(),
            r#"{"pool": [{"code": "A1"}]}"#.to_string(),
            r#"{"pool": [{"code": 1, "stratum": "S"}]}"#.to_string(),
            r#"{"pool": [{"code": "A1", "stratum": "S"}] "x": 1}"#.to_string(),
        ];
        for (k, doc) in docs.iter().enumerate() {
            match fast(doc) {
                Some(pool) => {
                    assert!(k < 4, "{doc}");
                    let whole: Doc = serde_json::from_str(doc).unwrap();
                    assert_eq!(pool, whole.pool, "{doc}");
                }
                None => assert!(k >= 4, "{doc}"),
            }
        }
    }

    #[test]
    fn a_long_pool_is_cut_between_elements() {
        let pool: Vec<PoolEntry> =
            (0..60_000).map(|i| PoolEntry { code: format!("{i}}}x"), stratum: "S".into() }).collect();
        let doc = serde_json::to_string_pretty(&serde_json::json!({ "pool": pool })).unwrap();
        assert!(doc.len() > 1 << 21);
        assert_eq!(fast(&doc), Some(pool));
        // Codes holding `,{`: a cut may fall inside a string, and then the fast path declines.
        let pool: Vec<PoolEntry> =
            (0..60_000).map(|i| PoolEntry { code: format!("{i},{{x}}"), stratum: "S".into() }).collect();
        let doc = serde_json::to_string(&serde_json::json!({ "pool": pool })).unwrap();
        if let Some(ours) = fast(&doc) {
            assert_eq!(ours, pool);
        }
    }
}

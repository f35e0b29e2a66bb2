//! The portal's verifier: the DR1 engine compiled to a small WebAssembly module for
//! the public pages, which ship no other WASM.
//!
//! No generated bindings: the page's script (`public/portal-verify.js`) calls
//! [`alloc`], copies the UTF-8 JSON in, calls [`verify`] (a whole manifest) or
//! [`verify_public`] (the public summary of a draw with several strata), and reads
//! the report, `{"ok":…,"error":…,"checks":[{name,ok,expected,found}]}`, at the
//! returned address (high 32 bits) and length (low 32 bits), then frees both.

use dr1::{Check, InputError};

/// Reserves `len` bytes for the caller to fill; freed by [`dealloc`].
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees what [`alloc`] reserved or a report returned.
///
/// # Safety
/// `ptr` and `len` must come from [`alloc`] or a report, and be freed once.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1)));
}

/// Verifies a whole manifest; see the crate documentation for the calling convention.
///
/// # Safety
/// `ptr..ptr+len` must be memory from [`alloc`] holding the JSON.
#[no_mangle]
pub unsafe extern "C" fn verify(ptr: *const u8, len: usize) -> u64 {
    respond(dr1::verify_manifest(input(ptr, len)))
}

/// Verifies a public summary ([`dr1::public::PublicDraw`]).
///
/// # Safety
/// As for [`verify`].
#[no_mangle]
pub unsafe extern "C" fn verify_public(ptr: *const u8, len: usize) -> u64 {
    respond(dr1::public::verify_public(input(ptr, len)))
}

unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a str {
    let bytes = std::slice::from_raw_parts(ptr, len);
    // Not UTF-8 becomes a parse error naming the place, like any malformed JSON.
    std::str::from_utf8(bytes).unwrap_or("\u{0}")
}

/// The report as JSON, `{"checks":[{"expected","found","name","ok"}…],"error","ok"}`
/// (the keys in the order `serde_json::json!` writes them), written out directly:
/// no JSON value or serialiser for it built first, so less code in the module.
pub fn report(result: Result<Vec<Check>, InputError>) -> String {
    use std::fmt::Write;
    // A JSON string literal; serialising a string cannot fail.
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let (checks, error, ok) = match result {
        Ok(checks) => {
            let ok = checks.iter().all(|c| c.ok);
            (checks, "null".to_string(), ok)
        }
        Err(e) => (Vec::new(), text(&e.to_string()), false),
    };
    let mut out = String::from("{\"checks\":[");
    for (i, c) in checks.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let (name, expected, found) = (text(&c.name), text(&c.expected), text(&c.found));
        let _ =
            write!(out, r#"{comma}{{"expected":{expected},"found":{found},"name":{name},"ok":{}}}"#, c.ok);
    }
    let _ = write!(out, r#"],"error":{error},"ok":{ok}}}"#);
    out
}

fn respond(result: Result<Vec<Check>, InputError>) -> u64 {
    let mut bytes = report(result).into_bytes();
    bytes.shrink_to_fit();
    let (ptr, len) = (bytes.as_mut_ptr(), bytes.len());
    std::mem::forget(bytes);
    ((ptr as usize as u64) << 32) | len as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_pass_fail_and_errors_as_json() {
        let manifest = include_str!("../../spec/vectors/basic.json");
        let ok: serde_json::Value = serde_json::from_str(&report(dr1::verify_manifest(manifest))).unwrap();
        assert_eq!(ok["ok"], true);
        assert!(ok["checks"].as_array().unwrap().len() > 5);
        let tampered = manifest.replacen("\"public_entropy\": \"", "\"public_entropy\": \"x", 1);
        assert_ne!(tampered, manifest);
        let bad: serde_json::Value = serde_json::from_str(&report(dr1::verify_manifest(&tampered))).unwrap();
        assert_eq!(bad["ok"], false);
        let err: serde_json::Value = serde_json::from_str(&report(dr1::verify_manifest("nope"))).unwrap();
        assert!(err["error"].as_str().unwrap().contains("malformed"));
        // The same report as a JSON value of the checks would give, quotes and all.
        let odd = manifest.replacen("\"public_entropy\": \"", "\"public_entropy\": \"\\\"<x>\u{2028}", 1);
        for text in [manifest, &tampered, &odd, "nope"] {
            let expected = match dr1::verify_manifest(text) {
                Ok(checks) => {
                    serde_json::json!({ "ok": checks.iter().all(|c| c.ok), "error": null, "checks": checks })
                }
                Err(e) => serde_json::json!({ "ok": false, "error": e.to_string(), "checks": [] }),
            };
            assert_eq!(report(dr1::verify_manifest(text)), expected.to_string());
        }
    }
}

//! Password hashes (argon2id, the OWASP parameters) and checking them with bounded
//! memory: at most [`CONCURRENT_PASSWORD_CHECKS`] at once, each in reused memory.

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Password checks running at once: each holds 19 MiB, so this bounds the memory that
/// sign-ins can take whatever arrives.
pub const CONCURRENT_PASSWORD_CHECKS: usize = 4;
/// How long a sign-in waits for a free check before it is told to try again (503).
const PASSWORD_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Hashes a password with argon2id (OWASP parameters are the crate's defaults).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// [`verify_password`] with argon2's working memory (19 MiB for our parameters) given by
/// the caller, so that a few buffers serve every sign-in: allocating afresh for each
/// check left freed megabytes with the allocator's per-thread arenas, and 150 sign-ins at
/// once grew the process by 900 MB even with four checks at a time.
pub fn verify_password_in(stored: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::password_hash::Output;
    use argon2::{Algorithm, Params, Version};
    let Ok(h) = PasswordHash::new(stored) else { return false };
    let Ok(algorithm) = Algorithm::try_from(h.algorithm) else { return false };
    let version = match h.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&h) else { return false };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let ok = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok();
    // `Output`'s equality is constant-time.
    ok && Output::new(&out).is_ok_and(|o| o == expected)
}

/// The working memories of the password checks in progress, reused (see
/// [`verify_password_in`]); never more than [`CONCURRENT_PASSWORD_CHECKS`] exist.
static CHECK_MEMORY: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());

/// Checks a password on a blocking thread, one of at most [`CONCURRENT_PASSWORD_CHECKS`]
/// at a time, with reused memory; `None` when no check came free within
/// [`PASSWORD_CHECK_WAIT`].
pub(super) async fn check_password(stored: String, password: String) -> Result<Option<bool>, AppError> {
    let Ok(Ok(_permit)) = tokio::time::timeout(PASSWORD_CHECK_WAIT, PASSWORD_CHECKS.acquire()).await else {
        return Ok(None);
    };
    let mut memory = CHECK_MEMORY.lock().map(|mut m| m.pop()).unwrap_or_default().unwrap_or_default();
    let (ok, memory) = tokio::task::spawn_blocking(move || {
        let ok = verify_password_in(&stored, &password, &mut memory);
        (ok, memory)
    })
    .await
    .map_err(AppError::internal)?;
    if let Ok(mut pool) = CHECK_MEMORY.lock() {
        pool.push(memory);
    }
    Ok(Some(ok))
}

/// A PHC string nobody's password matches, verified against when the account does not
/// exist so that an unknown name takes as long as a wrong password.
pub(super) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that is never accepted").unwrap_or_default())
}

/// Password checks in progress (see [`CONCURRENT_PASSWORD_CHECKS`]).
static PASSWORD_CHECKS: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(CONCURRENT_PASSWORD_CHECKS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
        // The same answers with reused memory, whatever the memory held before.
        let mut memory = Vec::new();
        for _ in 0..2 {
            assert!(verify_password_in(&h, "correct horse battery", &mut memory));
            assert!(!verify_password_in(&h, "wrong horse battery", &mut memory));
        }
        assert!(!verify_password_in("not a hash", "x", &mut memory));
    }
}

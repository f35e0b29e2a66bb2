//! Signing in and out: each attempt counted before its password is checked, failures
//! answered with a growing wait per account and address instead of a lockout, and the
//! administrator's clearing of an account's failures.

use super::guard::token_hash;
use super::passwords::{check_password, decoy_hash};
use crate::domain::audit::Actor;
use crate::domain::auth::SessionUser;
use crate::error::AppError;
use crate::ssr::clock::now_unix;
use crate::ssr::db::{audit, sessions};
use sqlx::AnyPool;

/// Failed sign-ins are counted over this window.
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// Failures of one account from one address before each further try has to wait…
pub const FREE_FAILURES_PER_PAIR: i64 = 5;
/// …first this long, doubling with every further failure…
pub const BACKOFF_BASE_SECS: i64 = 30;
/// …up to this.
pub const MAX_BACKOFF_SECS: i64 = THROTTLE_WINDOW_SECS;
/// Failures from one address (over any names) in the window before it waits.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// Failures of one account from all addresses together in the window before every
/// address waits (guessing spread over many addresses); an administrator can clear them.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
/// Longest user name and password a sign-in reads.
const MAX_SIGN_IN_CHARS: usize = 256;
/// How long a sign-in must wait, in seconds, given the failures in the window: of this
/// account from this address (`pair`), from this address (`address`) and of this account
/// from anywhere (`account`), each as (count, Unix time of the newest). `None`: it may go on.
///
/// One address guessing one account gets [`FREE_FAILURES_PER_PAIR`] tries, then waits
/// [`BACKOFF_BASE_SECS`], doubling with each failure, up to [`MAX_BACKOFF_SECS`]: the owner
/// signing in from another address is not locked out by it. An address failing over many
/// names, and an account failing from many addresses, wait a whole window.
pub fn throttle_wait(pair: (i64, i64), address: (i64, i64), account: (i64, i64), now: i64) -> Option<i64> {
    let mut wait = 0;
    if pair.0 >= FREE_FAILURES_PER_PAIR {
        let doublings = u32::try_from(pair.0 - FREE_FAILURES_PER_PAIR).unwrap_or(u32::MAX).min(20);
        let backoff = BACKOFF_BASE_SECS.saturating_mul(1 << doublings).min(MAX_BACKOFF_SECS);
        wait = wait.max(pair.1 + backoff - now);
    }
    if address.0 >= MAX_FAILURES_PER_ADDRESS {
        wait = wait.max(address.1 + THROTTLE_WINDOW_SECS - now);
    }
    if account.0 >= MAX_FAILURES_PER_ACCOUNT {
        wait = wait.max(account.1 + THROTTLE_WINDOW_SECS - now);
    }
    (wait > 0).then_some(wait)
}

/// "请 N 秒后再试" / "请 N 分钟后再试".
fn wait_words(secs: i64) -> String {
    if secs < 120 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", (secs + 59) / 60)
    }
}

/// Checks the password, throttling failures per account and address (see
/// [`throttle_wait`]); on success opens a new session and returns the user and the
/// session token. Every attempt is recorded, as a failure, *before* its password is
/// checked, under the database's write lock: however many arrive at once, each sees the
/// ones before it, and a success then marks its own row. A success is also audited.
pub async fn sign_in(
    db: &AnyPool,
    username: &str,
    password: &str,
    address: &str,
) -> Result<(SessionUser, String), AppError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::invalid("username", "请输入用户名"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "请输入密码"));
    }
    if username.chars().count() > MAX_SIGN_IN_CHARS || password.chars().count() > MAX_SIGN_IN_CHARS {
        return Err(AppError::invalid("password", "用户名或密码不正确，或账号已停用"));
    }
    let now = now_unix();

    let mut tx = crate::ssr::db::begin_write(db).await?;
    let f = sessions::failures(&mut tx, username, address, now - THROTTLE_WINDOW_SECS).await?;
    let newest = |(n, at): (i64, Option<i64>)| (n, at.unwrap_or(now));
    if let Some(wait) = throttle_wait(newest(f.pair), newest(f.address), newest(f.account), now) {
        return Err(AppError::Throttled(format!("登录失败次数过多，请 {}后再试", wait_words(wait))));
    }
    let attempt = sessions::record_attempt(&mut tx, username, address, now).await?;
    let row = sessions::password_of(&mut tx, username).await?;
    tx.commit().await?;

    let stored = row.as_ref().map(|(h, _)| h.clone()).unwrap_or_else(|| decoy_hash().to_owned());
    let Some(matches) = check_password(stored, password.to_owned()).await? else {
        // Not checked: the attempt does not count against anyone.
        sessions::forget_attempt(db, attempt).await?;
        return Err(AppError::Unavailable("登录请求过多，请稍后再试".into()));
    };
    if !(matches && row.as_ref().is_some_and(|(_, active)| active.0)) {
        return Err(AppError::invalid("password", "用户名或密码不正确，或账号已停用"));
    }

    let mut tx = crate::ssr::db::begin_write(db).await?;
    sessions::attempt_succeeded(&mut tx, attempt, username, address, now).await?;
    let user = sessions::user_named(&mut tx, username)
        .await?
        .ok_or_else(|| AppError::internal("an account vanished or has an unknown role"))?;
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(AppError::internal)?;
    let token = hex::encode(raw);
    sessions::insert(&mut tx, &token_hash(&token), user.id, now, address).await?;
    audit::append(
        &mut tx,
        audit::Change {
            actor: &user.username,
            role: user.role.code(),
            action: "auth.sign_in",
            entity_type: "user",
            entity_id: &user.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((user, token))
}

/// An administrator clears an account's failed sign-ins (解除登录限制); they stay on record
/// with the time they were cleared. Returns how many were cleared.
pub async fn clear_failures(db: &AnyPool, username: &str, actor: Actor<'_>) -> Result<i64, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let (id, cleared) = sessions::clear_failures(&mut tx, username, now_unix()).await?;
    let id = id.ok_or_else(|| AppError::NotFound(format!("没有账号“{username}”")))?;
    audit::append(
        &mut tx,
        audit::Change {
            actor: actor.name,
            role: actor.role,
            action: "auth.unlock",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "username": username, "cleared_failures": cleared })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(cleared)
}

/// Ends one session.
pub async fn sign_out(db: &AnyPool, token: &str) -> Result<(), AppError> {
    sessions::delete(db, &super::guard::token_hash(token)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_per_account_and_address_instead_of_locking_the_account() {
        let now = 1_000_000;
        let none = (0, now);
        assert_eq!(throttle_wait((4, now), none, (4, now), now), None, "four failures cost nothing");
        assert_eq!(throttle_wait((5, now), none, (5, now), now), Some(30));
        assert_eq!(throttle_wait((5, now - 30), none, (5, now - 30), now), None, "waited long enough");
        assert_eq!(throttle_wait((7, now), none, (7, now), now), Some(120), "doubling");
        assert_eq!(throttle_wait((40, now), none, (40, now), now), Some(MAX_BACKOFF_SECS), "capped");
        // The same account from another address is not held back by those failures…
        assert_eq!(throttle_wait(none, none, (40, now), now), None);
        // …until the whole account has failed from many addresses.
        assert_eq!(throttle_wait(none, none, (50, now - 60), now), Some(THROTTLE_WINDOW_SECS - 60));
        assert_eq!(throttle_wait(none, (20, now), none, now), Some(THROTTLE_WINDOW_SECS));
        assert_eq!(wait_words(30), "30 秒");
        assert_eq!(wait_words(900), "15 分钟");
    }
}

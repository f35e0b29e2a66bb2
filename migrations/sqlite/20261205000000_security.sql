-- Security findings of the 2026-12 probe.

-- An administrator may clear an account's failed sign-ins (解除登录限制): they stay on
-- record, marked with when they were cleared, and no longer count for throttling.
ALTER TABLE sign_in_attempts ADD COLUMN cleared_at INTEGER;     -- Unix seconds
CREATE INDEX ix_sign_in_pair ON sign_in_attempts(username, address, at);

-- A random salt per stratum of a draw, as a JSON object {stratum: 64 hex}: the public
-- stratum digest is H(salt + "\n" + the stratum's lines), so a guessed membership can no
-- longer be tested against it. Shown only to those who may read the whole manifest.
ALTER TABLE draws ADD COLUMN stratum_salts TEXT;

-- Refused freeze/draw attempts in a burst from one account are counted on the burst's
-- last recorded row instead of each writing a row and an audit entry.
ALTER TABLE draw_attempts ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
ALTER TABLE draw_attempts ADD COLUMN last_at TEXT;
CREATE INDEX ix_attempt_actor ON draw_attempts(actor, id);

-- 避免检查过多、执法扰民, and more for those people complain about (实施方案 二(三)).
-- A task may leave out enterprises already inspected for one of its items within a period
-- (this calendar year, or the last 12 months): the excluded are part of the frozen record.
-- A task may give 重点关注 enterprises their own, higher ratio: they form their own stratum.
ALTER TABLE tasks ADD COLUMN repeat_exclusion TEXT NOT NULL DEFAULT 'none'
    CHECK (repeat_exclusion IN ('none', 'calendar_year', 'last_12_months'));
ALTER TABLE tasks ADD COLUMN watch_ratio_bp INTEGER CHECK (watch_ratio_bp BETWEEN 0 AND 10000);

-- Who a freeze left out of the pool, and why (the pool digest covers the rest).
CREATE TABLE draw_exclusions (
    draw_id        INTEGER NOT NULL REFERENCES draws(id),
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    code           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    PRIMARY KEY (draw_id, enterprise_id)
);

-- 举报投诉, imported from the complaints system (credit code, date, channel, summary).
CREATE TABLE complaints (
    id             INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    received_on    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    UNIQUE (enterprise_id, received_on, channel, summary)
);
CREATE INDEX ix_complaints_received ON complaints(received_on, enterprise_id);

-- 重点关注 put there by staff with a reason (and taken off with a reason); enterprises whose
-- complaints in the last 12 months reach the threshold setting are on the list too.
CREATE TABLE watchlist (
    id             INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    reason         TEXT NOT NULL CHECK (length(reason) > 0),
    added_by       TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    removed_at     TEXT,
    removed_by     TEXT,
    remove_reason  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX uq_watch_active ON watchlist(enterprise_id) WHERE removed_at IS NULL;
INSERT INTO settings (key, value) VALUES ('watch_complaints_threshold', '3');

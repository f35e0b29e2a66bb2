-- Corrections (更正) of a published penalty, as of a published result: only the office
-- head, with a reason, as a new version. The penalty row holds the current version; each
-- earlier one is kept whole in penalty_versions (and in the audit trail), and the portal
-- shows 已更正 with the date and the reason.
ALTER TABLE penalties ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE penalties ADD COLUMN corrected_on TEXT;
ALTER TABLE penalties ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE penalty_versions (
    id            INTEGER PRIMARY KEY,
    penalty_id    INTEGER NOT NULL REFERENCES penalties(id),
    version       INTEGER NOT NULL,
    content       TEXT NOT NULL,  -- JSON: the penalty as it was
    replaced_at   TEXT NOT NULL,
    replaced_by   TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (length(reason) > 0),
    UNIQUE (penalty_id, version)
);

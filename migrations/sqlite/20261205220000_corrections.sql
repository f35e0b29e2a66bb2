-- Corrections (更正): a published result is corrected only by the office head, with a
-- reason, as a new version. The result row holds the current version; each earlier one is
-- kept whole in result_versions (and in the audit trail), and the public sees 已更正 with
-- the date and the reason.
ALTER TABLE inspection_results ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE inspection_results ADD COLUMN corrected_at TEXT;
ALTER TABLE inspection_results ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE result_versions (
    id            INTEGER PRIMARY KEY,
    result_id     INTEGER NOT NULL REFERENCES inspection_results(id),
    version       INTEGER NOT NULL,
    content       TEXT NOT NULL,  -- JSON: the result as it was (the draft, when and by whom published)
    replaced_at   TEXT NOT NULL,
    replaced_by   TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (length(reason) > 0),
    UNIQUE (result_id, version)
);

-- 现场检查 (issue 20): each inspection item's check points (检查要点), the answers a result
-- gives them, the evidence attached to a result (photos and documents, in the database so
-- every server sharing it and every backup has them), and the phone form's idempotency
-- keys (a double tap gives one result).
CREATE TABLE check_points (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES inspection_items(id),
    position     INTEGER NOT NULL DEFAULT 0,
    text         TEXT NOT NULL CHECK (length(text) > 0),
    legal_basis  TEXT NOT NULL DEFAULT '',
    -- conformity: 符合 / 不符合 / 不涉及; number; text
    answer_kind  TEXT NOT NULL CHECK (answer_kind IN ('conformity', 'number', 'text')),
    -- 1: a demo example for the bureau to edit
    example      INTEGER NOT NULL DEFAULT 0 CHECK (example IN (0, 1))
);
CREATE INDEX ix_check_points_item ON check_points(item_id, position);

CREATE TABLE result_answers (
    result_id  INTEGER NOT NULL REFERENCES inspection_results(id),
    point_id   INTEGER NOT NULL REFERENCES check_points(id),
    answer     TEXT NOT NULL,
    problem    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (result_id, point_id)
);

CREATE TABLE result_files (
    id           INTEGER PRIMARY KEY,
    result_id    INTEGER NOT NULL REFERENCES inspection_results(id),
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    file_name    TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX ix_result_files_result ON result_files(result_id);

CREATE TABLE result_submissions (
    idempotency_key  TEXT PRIMARY KEY,
    result_id        INTEGER NOT NULL REFERENCES inspection_results(id),
    submitted_by     TEXT NOT NULL,
    submitted_at     TEXT NOT NULL
);

-- The live draw ceremony: which step the room's screen is on (so a reopened screen
-- resumes there) and the entropy being typed, before the draw stores the final one.
ALTER TABLE draws ADD COLUMN ceremony_step INTEGER NOT NULL DEFAULT 0 CHECK (ceremony_step BETWEEN 0 AND 5);
ALTER TABLE draws ADD COLUMN entropy_draft TEXT NOT NULL DEFAULT '';

-- 抽取后回避: a conflict declared after the draw. Applied (DR1 derived field 9) once approved;
-- the replacement is then on the team and in the manifest's post_recusals.
CREATE TABLE post_recusals (
    id                INTEGER PRIMARY KEY,
    draw_id           INTEGER NOT NULL REFERENCES draws(id),
    code              TEXT NOT NULL,
    inspector_id      INTEGER NOT NULL REFERENCES inspectors(id),
    reason            TEXT NOT NULL CHECK (reason IN ('近亲属', '曾任职', '经济往来', '其他')),
    note              TEXT NOT NULL DEFAULT '',
    declared_by       TEXT NOT NULL,
    declared_at       TEXT NOT NULL,
    approved_by       TEXT,
    approved_at       TEXT,
    replacement_id    INTEGER REFERENCES inspectors(id),
    position          INTEGER                 -- order among applied recusals (DR1 input order)
);
CREATE INDEX ix_post_recusal_draw ON post_recusals(draw_id, position);

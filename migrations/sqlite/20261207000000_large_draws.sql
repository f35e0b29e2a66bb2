-- A province-size draw (a pool of 10^6, 25,000 selected, 50,000 team places), stored
-- within seconds. The frozen pool, the selections and the teams are written only by the
-- freeze and the draw, under the draw's own row in the same transaction: the pool by one
-- INSERT … SELECT from `enterprises` (each row's enterprise exists by construction), the
-- selections and teams from the pool and `inspectors`, then checked in one query that each
-- names an existing enterprise and inspector (`draws::check_references`). Nothing deletes
-- a draw, an enterprise or an inspector. Their foreign keys, checked row by row, go (as on
-- PostgreSQL, where they cost most of the freeze); SQLite drops a foreign key by
-- rebuilding the table. Nothing refers to these three tables.
CREATE TABLE draw_pool_new (
    draw_id        INTEGER NOT NULL,
    enterprise_id  INTEGER NOT NULL,
    code           TEXT NOT NULL,
    stratum        TEXT NOT NULL,
    PRIMARY KEY (draw_id, code)
) WITHOUT ROWID;
INSERT INTO draw_pool_new (draw_id, enterprise_id, code, stratum)
    SELECT draw_id, enterprise_id, code, stratum FROM draw_pool;
DROP TABLE draw_pool;
ALTER TABLE draw_pool_new RENAME TO draw_pool;
CREATE INDEX ix_pool_code ON draw_pool(code);

CREATE TABLE draw_selections_new (
    draw_id        INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    enterprise_id  INTEGER NOT NULL,
    code           TEXT NOT NULL,
    stratum        TEXT NOT NULL,
    key            TEXT NOT NULL,
    cap_lifted     INTEGER NOT NULL CHECK (cap_lifted IN (0, 1)),
    PRIMARY KEY (draw_id, position)
);
INSERT INTO draw_selections_new (draw_id, position, enterprise_id, code, stratum, key, cap_lifted)
    SELECT draw_id, position, enterprise_id, code, stratum, key, cap_lifted FROM draw_selections;
DROP TABLE draw_selections;
ALTER TABLE draw_selections_new RENAME TO draw_selections;
CREATE INDEX ix_selection_enterprise ON draw_selections(enterprise_id);

CREATE TABLE draw_team_members_new (
    draw_id       INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    inspector_id  INTEGER NOT NULL,
    PRIMARY KEY (draw_id, position, seq)
);
INSERT INTO draw_team_members_new (draw_id, position, seq, inspector_id)
    SELECT draw_id, position, seq, inspector_id FROM draw_team_members;
DROP TABLE draw_team_members;
ALTER TABLE draw_team_members_new RENAME TO draw_team_members;
CREATE INDEX ix_team_inspector ON draw_team_members(inspector_id);

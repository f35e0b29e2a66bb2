-- A province-size draw (a pool of 10^6, 25,000 selected, 50,000 team places), stored
-- within seconds.
--
-- 1. The frozen pool, the selections and the teams are written only by the freeze and the
--    draw, under the draw's own row in the same transaction: the pool by one INSERT …
--    SELECT from `enterprises` (each row's enterprise exists by construction), the
--    selections and teams from the pool and `inspectors`, then checked in one query that
--    each names an existing enterprise and inspector (`draws::check_references`). Nothing
--    deletes a draw, an enterprise or an inspector. A foreign key checked row by row cost more than the rest of the freeze:
--    PostgreSQL locks the referenced row for each new row (FOR KEY SHARE, which writes to
--    every enterprise of the pool), 7.6 s of the 11.1 s insert of a 920,655-row pool, and
--    0.9 s of the 1.1 s of a draw's selections and teams.
ALTER TABLE draw_pool
    DROP CONSTRAINT draw_pool_draw_id_fkey,
    DROP CONSTRAINT draw_pool_enterprise_id_fkey;
ALTER TABLE draw_selections
    DROP CONSTRAINT draw_selections_draw_id_fkey,
    DROP CONSTRAINT draw_selections_enterprise_id_fkey;
ALTER TABLE draw_team_members
    DROP CONSTRAINT draw_team_members_draw_id_fkey,
    DROP CONSTRAINT draw_team_members_inspector_id_fkey;

-- 2. Its manifest is about 80 MB of JSON. The default compression (pglz) takes about
--    1.2 s to store it; lz4 half that, for a similar size. A server built without lz4
--    keeps pglz.
DO $$
BEGIN
    ALTER TABLE draws ALTER COLUMN manifest SET COMPRESSION lz4;
    ALTER TABLE draws ALTER COLUMN frozen_input SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available: large values keep pglz';
END
$$;

-- PostgreSQL twin of migrations/sqlite/20261128100000_portal.sql: the same two indexes.
-- The public portal: an enterprise's draws by its credit code ("was I drawn?") and the
-- newest published results first.
CREATE INDEX ix_pool_code ON draw_pool(code);
CREATE INDEX ix_result_published ON inspection_results(published_at);

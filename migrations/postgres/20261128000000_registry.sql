-- PostgreSQL twin of migrations/sqlite/20261128000000_registry.sql. What differs: name
-- search. SQLite keeps an FTS5 trigram table, `enterprise_names`, in step with
-- `enterprises` by three triggers; PostgreSQL's pg_trgm extension indexes the column
-- itself (a GIN trigram index answers `name LIKE '%…%'` and `ILIKE`, three characters or
-- more, as FTS5's trigram tokenizer does), so there is no extra table and no trigger.
-- pg_trgm is a trusted extension: the database's owner may create it. The other indexes
-- are the same.
-- 一单两库 at scale: finding any enterprise by name or code in a registry of a million.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_enterprise_name_trigram ON enterprises USING gin (name gin_trgm_ops);

-- The registry table's filters. Region first (every office looks at its own districts),
-- then the equality filters, then the filing date; it covers the table's count, so a
-- count of thousands reads only this index. It supersedes ix_enterprise_region.
DROP INDEX ix_enterprise_region;
CREATE INDEX ix_enterprise_filter ON enterprises(region_code, category, risk_class, status, filed_on);
-- Sorting by filing date, and filing-date ranges without other filters.
CREATE INDEX ix_enterprise_filed ON enterprises(filed_on);
-- One district's enterprises by name, the table's default view for a district office.
-- Names begin with the district's name, so reading the name index alone would pass most
-- of the other districts first.
CREATE INDEX ix_enterprise_region_name ON enterprises(region_code, name);

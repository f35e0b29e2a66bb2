-- 一单两库 at scale: finding any enterprise by name or code in a registry of a million.

-- Name search: a trigram index answers "contains these 3+ characters" without reading
-- every row. External content: the names stay in `enterprises`; triggers keep it in step.
CREATE VIRTUAL TABLE enterprise_names USING fts5(
    name, content = 'enterprises', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO enterprise_names (enterprise_names) VALUES ('rebuild');

CREATE TRIGGER enterprise_names_insert AFTER INSERT ON enterprises BEGIN
    INSERT INTO enterprise_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER enterprise_names_delete AFTER DELETE ON enterprises BEGIN
    INSERT INTO enterprise_names (enterprise_names, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER enterprise_names_update AFTER UPDATE OF name ON enterprises BEGIN
    INSERT INTO enterprise_names (enterprise_names, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO enterprise_names (rowid, name) VALUES (new.id, new.name);
END;

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

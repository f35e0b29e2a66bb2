-- A large import writes the trigram index of its new enterprises in one statement after
-- the rows, instead of one row at a time from the trigger (each statement of a
-- transaction flushes the pending index into a new segment, which then has to be merged).
-- The importer holds a row here for the length of its own transaction, so no other
-- connection ever sees one; every other insert keeps the trigger.
CREATE TABLE enterprise_names_deferred (
    -- The largest enterprise id before the import: the index is written for those above.
    since_id INTEGER NOT NULL
);

DROP TRIGGER enterprise_names_insert;
CREATE TRIGGER enterprise_names_insert AFTER INSERT ON enterprises
WHEN NOT EXISTS (SELECT 1 FROM enterprise_names_deferred) BEGIN
    INSERT INTO enterprise_names (rowid, name) VALUES (new.id, new.name);
END;

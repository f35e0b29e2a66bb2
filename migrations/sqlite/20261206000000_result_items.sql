-- One verdict per enterprise and inspection item (分事项检查结果): the national publication
-- (GSXT) lists each enterprise's result per item of the task. The result row keeps the
-- enterprise's inspection (date, method, team, handling, review, publication) and, in
-- categories and problems, the summary of its items' verdicts; result_items holds each
-- item's own. A result entered before this migration gave one verdict for the whole task:
-- it becomes the verdict of each of the task's items.
CREATE TABLE result_items (
    result_id   INTEGER NOT NULL REFERENCES inspection_results(id),
    item_id     INTEGER NOT NULL REFERENCES inspection_items(id),
    categories  TEXT NOT NULL,  -- JSON array of standard 检查结果 values
    problems    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (result_id, item_id)
);
CREATE INDEX ix_result_items_item ON result_items(item_id);

INSERT INTO result_items (result_id, item_id, categories, problems)
SELECT r.id, ti.item_id, r.categories, r.problems
FROM inspection_results r JOIN draws d ON d.id = r.draw_id JOIN task_items ti ON ti.task_id = d.task_id;

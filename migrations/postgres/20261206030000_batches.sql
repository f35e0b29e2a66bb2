-- 分几个时间段: a task may be drawn in 2–12 batches, each in its own window inside the
-- task's. Each batch becomes a task of its own when it is frozen (parent_task_id, batch_no;
-- task number `003 号/2`, DR1 id `…-003-2`), drawn, consented, filed and inspected like
-- any task; the task itself keeps its place in the plan and is not drawn.
ALTER TABLE tasks ADD COLUMN parent_task_id BIGINT REFERENCES tasks(id);
ALTER TABLE tasks ADD COLUMN batch_no BIGINT;

CREATE TABLE task_batches (
    task_id      BIGINT NOT NULL REFERENCES tasks(id),
    batch_no     BIGINT NOT NULL,
    start_month  BIGINT NOT NULL CHECK (start_month BETWEEN 1 AND 12),
    end_month    BIGINT NOT NULL CHECK (end_month BETWEEN start_month AND 12),
    PRIMARY KEY (task_id, batch_no)
);

-- The order the founding notice sets (实施方案 二(二)3): the responsible office draws, the
-- drawn list goes to the bureau's principal leader (主要领导) for consent and is filed with
-- the order office (秩序处备案), and only then does anyone inspect. Before the draw a task
-- is put into the plan by the principal leader (列入计划); the old pre-draw filing is gone.
-- Also: the task's source (年度计划 / 专项检查 / 上级部署), the notice's scope filters
-- (行业、性质、经营规模), several joint departments, recorded plan changes (计划调整), and
-- draws that can be abandoned (作废) and drawn again.
--
-- SQLite cannot change a CHECK or drop a UNIQUE in place, so `users`, `tasks` and `draws`
-- are rebuilt: copied aside, dropped, created anew and filled. Their children keep
-- referring to them by name; with foreign keys deferred, the rows the drop orphans are
-- found again when the same ids are inserted, before the migration commits.
PRAGMA defer_foreign_keys = ON;

-- users: the principal leader's role.
CREATE TABLE users_old AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN
                     ('clerk', 'office_head', 'leader', 'principal_leader', 'order_office', 'inspector',
                      'observer', 'admin')),
    department_id  TEXT REFERENCES departments(id),
    inspector_id   INTEGER REFERENCES inspectors(id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO users (id, username, display_name, password_hash, role, department_id, inspector_id, active, created_at)
    SELECT id, username, display_name, password_hash, role, department_id, inspector_id, active, created_at
    FROM users_old;
DROP TABLE users_old;

-- tasks: the new statuses, the source, the notice's filters; joint departments move out.
CREATE TABLE tasks_old AS SELECT * FROM tasks;
DROP TABLE tasks;
CREATE TABLE tasks (
    id                         INTEGER PRIMARY KEY,
    annual_plan_id             INTEGER NOT NULL REFERENCES annual_plans(id),
    plan_no                    TEXT NOT NULL,
    plan_name                  TEXT NOT NULL,
    task_no                    TEXT NOT NULL,
    task_name                  TEXT NOT NULL,
    kind                       TEXT NOT NULL CHECK (kind IN ('targeted', 'general')),
    ratio_bp                   INTEGER NOT NULL CHECK (ratio_bp BETWEEN 0 AND 10000),
    -- per-risk-class ratios as JSON {"A":200,...}; NULL = ratio_bp for every class
    risk_ratios_bp             TEXT,
    scope_text                 TEXT NOT NULL,
    scope_category             TEXT,
    scope_filed_before         TEXT,
    scope_regions              TEXT,   -- JSON array of division codes; NULL = all
    scope_risk_classes         TEXT,   -- JSON array of classes; NULL = all
    initiating_department_id   TEXT NOT NULL REFERENCES departments(id),
    window_year                INTEGER NOT NULL,
    window_start_month         INTEGER NOT NULL CHECK (window_start_month BETWEEN 1 AND 12),
    window_end_month           INTEGER NOT NULL CHECK (window_end_month BETWEEN window_start_month AND 12),
    team_size                  INTEGER NOT NULL DEFAULT 2 CHECK (team_size >= 2),
    max_per_inspector          INTEGER NOT NULL DEFAULT 0 CHECK (max_per_inspector >= 0),
    status                     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                                 ('draft', 'submitted', 'planned', 'frozen', 'drawn', 'list_submitted',
                                  'list_consented', 'list_filed', 'inspecting', 'results_entered', 'reviewed',
                                  'published', 'closed')),
    position                   INTEGER NOT NULL DEFAULT 0,
    scope_industries           TEXT,   -- 行业、企业性质、经营规模: JSON arrays; NULL = all
    scope_natures              TEXT,
    scope_scales               TEXT,
    -- 任务来源: the annual plan's table, the bureau's own special inspection, or a higher
    -- office's assignment (who assigned it and the document's number).
    source                     TEXT NOT NULL DEFAULT 'plan' CHECK (source IN ('plan', 'special', 'assigned')),
    assigned_by                TEXT NOT NULL DEFAULT '',
    assigned_doc_no            TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_no, task_no)
);
INSERT INTO tasks (id, annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, risk_ratios_bp,
                   scope_text, scope_category, scope_filed_before, scope_regions, scope_risk_classes,
                   initiating_department_id, window_year, window_start_month, window_end_month, team_size,
                   max_per_inspector, status, position)
    SELECT id, annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, risk_ratios_bp,
           scope_text, scope_category, scope_filed_before, scope_regions, scope_risk_classes,
           initiating_department_id, window_year, window_start_month, window_end_month, team_size,
           max_per_inspector,
           CASE status WHEN 'approved' THEN 'planned' WHEN 'filed' THEN 'planned' ELSE status END, position
    FROM tasks_old;
CREATE INDEX ix_task_plan ON tasks(annual_plan_id, position);

-- 联合部门: a task may name several.
CREATE TABLE task_joint_departments (
    task_id        INTEGER NOT NULL REFERENCES tasks(id),
    department_id  TEXT NOT NULL REFERENCES departments(id),
    position       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, department_id)
);
INSERT INTO task_joint_departments (task_id, department_id, position)
    SELECT id, joint_department_id, 0 FROM tasks_old WHERE joint_department_id IS NOT NULL;
DROP TABLE tasks_old;

-- The history keeps its steps under the new names: the leader's approval was the task's
-- listing in the plan; a pre-draw filing is noted as such (the audit log keeps the rest).
UPDATE task_events SET from_status = 'planned' WHERE from_status IN ('approved', 'filed');
UPDATE task_events SET comment = '（旧流程：抽取前备案）' || comment WHERE to_status = 'filed';
UPDATE task_events SET to_status = 'planned' WHERE to_status IN ('approved', 'filed');

-- draws: a task may be drawn again after its draw is abandoned (作废); one live draw each.
CREATE TABLE draws_old AS SELECT * FROM draws;
DROP TABLE draws;
CREATE TABLE draws (
    id              INTEGER PRIMARY KEY,
    task_id         INTEGER NOT NULL REFERENCES tasks(id),
    dr1_task_id     TEXT NOT NULL,
    pool_count      INTEGER NOT NULL,
    pool_digest     TEXT NOT NULL CHECK (length(pool_digest) = 64),
    commitment      TEXT NOT NULL CHECK (length(commitment) = 64),
    secret          TEXT NOT NULL CHECK (length(secret) = 64),
    frozen_input    TEXT NOT NULL,  -- DR1 inputs less secret and entropy, as JSON
    frozen_at       TEXT NOT NULL,
    frozen_by       TEXT NOT NULL,
    public_entropy  TEXT,
    seed            TEXT,
    manifest        TEXT,           -- the manifest exactly as `shuangsui verify` reads it
    drawn_at        TEXT,
    drawn_by        TEXT,
    place           TEXT NOT NULL DEFAULT '',
    ceremony_step   INTEGER NOT NULL DEFAULT 0 CHECK (ceremony_step BETWEEN 0 AND 5),
    entropy_draft   TEXT NOT NULL DEFAULT '',
    stratum_salts   TEXT,
    -- 纪检监督: whom the draw invited to watch, and who came.
    observers_invited  TEXT NOT NULL DEFAULT '',
    observers_present  TEXT NOT NULL DEFAULT '',
    -- 作废: when, by whom and why; the draw that took this one's place names it.
    abandoned_at    TEXT,
    abandoned_by    TEXT,
    abandon_reason  TEXT NOT NULL DEFAULT '',
    replaces_draw_id INTEGER REFERENCES draws(id)
);
INSERT INTO draws (id, task_id, dr1_task_id, pool_count, pool_digest, commitment, secret, frozen_input, frozen_at,
                   frozen_by, public_entropy, seed, manifest, drawn_at, drawn_by, place, ceremony_step,
                   entropy_draft, stratum_salts)
    SELECT id, task_id, dr1_task_id, pool_count, pool_digest, commitment, secret, frozen_input, frozen_at,
           frozen_by, public_entropy, seed, manifest, drawn_at, drawn_by, place, ceremony_step,
           entropy_draft, stratum_salts
    FROM draws_old;
DROP TABLE draws_old;
CREATE UNIQUE INDEX uq_draw_live ON draws(task_id) WHERE abandoned_at IS NULL;

-- 计划调整: a task's window moved, with a reason, consented by the principal leader.
CREATE TABLE plan_changes (
    id                 INTEGER PRIMARY KEY,
    task_id            INTEGER NOT NULL REFERENCES tasks(id),
    from_year          INTEGER NOT NULL,
    from_start_month   INTEGER NOT NULL,
    from_end_month     INTEGER NOT NULL,
    to_year            INTEGER NOT NULL,
    to_start_month     INTEGER NOT NULL CHECK (to_start_month BETWEEN 1 AND 12),
    to_end_month       INTEGER NOT NULL CHECK (to_end_month BETWEEN to_start_month AND 12),
    reason             TEXT NOT NULL CHECK (length(reason) > 0),
    requested_by       TEXT NOT NULL,
    requested_at       TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'consented', 'refused')),
    decided_by         TEXT,
    decided_at         TEXT,
    decision_comment   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_plan_change_task ON plan_changes(task_id, id);

-- Shuangsui schema: 一单两库, plans and tasks, draws, results, and the audit trail.
-- Dates are ISO-8601 text (YYYY-MM-DD), times are RFC 3339 UTC text.

CREATE TABLE departments (
    id          TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^!-~]*'),
    name        TEXT NOT NULL UNIQUE,
    short_name  TEXT NOT NULL
);

CREATE TABLE regions (
    code  TEXT PRIMARY KEY CHECK (length(code) = 6),
    name  TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN
                     ('clerk', 'office_head', 'leader', 'order_office', 'inspector', 'observer', 'admin')),
    department_id  TEXT REFERENCES departments(id),
    inspector_id   INTEGER REFERENCES inspectors(id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- 检查对象名录库
CREATE TABLE enterprises (
    id               INTEGER PRIMARY KEY,
    credit_code      TEXT NOT NULL CHECK (length(credit_code) = 18),
    name             TEXT NOT NULL CHECK (length(name) > 0),
    category         TEXT NOT NULL,
    industry         TEXT NOT NULL DEFAULT '',
    nature           TEXT NOT NULL DEFAULT '',
    scale            TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL REFERENCES regions(code),
    filed_on         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deregistered')),
    risk_class       TEXT NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
    complaint_count  INTEGER NOT NULL DEFAULT 0 CHECK (complaint_count >= 0),
    address          TEXT NOT NULL DEFAULT '',
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX uq_enterprise_code ON enterprises(credit_code);
-- The pool query: category + status, filed before a date, by region and risk class.
CREATE INDEX ix_enterprise_pool ON enterprises(category, status, filed_on, region_code, risk_class);
CREATE INDEX ix_enterprise_region ON enterprises(region_code, category);
CREATE INDEX ix_enterprise_name ON enterprises(name);

-- 执法检查人员名录库
CREATE TABLE inspectors (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    department_id   TEXT NOT NULL REFERENCES departments(id),
    certificate_no  TEXT NOT NULL CHECK (length(certificate_no) BETWEEN 1 AND 64
                                         AND certificate_no NOT GLOB '*[^!-~]*'),
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    phone           TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (valid_from <= valid_to)
);
CREATE UNIQUE INDEX uq_inspector_certificate ON inspectors(certificate_no);
CREATE INDEX ix_inspector_department ON inspectors(department_id, active, valid_to);

-- 回避: conflicts of interest declared before a draw
CREATE TABLE conflicts (
    id             INTEGER PRIMARY KEY,
    inspector_id   INTEGER NOT NULL REFERENCES inspectors(id),
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    reason         TEXT NOT NULL CHECK (reason IN ('近亲属', '曾任职', '经济往来', '其他')),
    note           TEXT NOT NULL DEFAULT '',
    declared_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    withdrawn_at   TEXT
);
CREATE UNIQUE INDEX uq_conflict_open ON conflicts(inspector_id, enterprise_id) WHERE withdrawn_at IS NULL;
CREATE INDEX ix_conflict_enterprise ON conflicts(enterprise_id);

-- 抽查事项清单
CREATE TABLE inspection_items (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    content        TEXT NOT NULL DEFAULT '',
    legal_basis    TEXT NOT NULL DEFAULT '',
    department_id  TEXT NOT NULL REFERENCES departments(id),
    frequency      TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- 年度抽查计划
CREATE TABLE annual_plans (
    id       INTEGER PRIMARY KEY,
    year     INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    title    TEXT NOT NULL,
    remarks  TEXT NOT NULL DEFAULT ''
);

-- 抽查任务: one row of the plan table
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
    joint_department_id        TEXT REFERENCES departments(id),
    window_year                INTEGER NOT NULL,
    window_start_month         INTEGER NOT NULL CHECK (window_start_month BETWEEN 1 AND 12),
    window_end_month           INTEGER NOT NULL CHECK (window_end_month BETWEEN window_start_month AND 12),
    team_size                  INTEGER NOT NULL DEFAULT 2 CHECK (team_size >= 2),
    max_per_inspector          INTEGER NOT NULL DEFAULT 0 CHECK (max_per_inspector >= 0),
    status                     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                                 ('draft', 'submitted', 'approved', 'filed', 'frozen', 'drawn', 'inspecting',
                                  'results_entered', 'reviewed', 'published', 'closed')),
    position                   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_no, task_no)
);
CREATE INDEX ix_task_plan ON tasks(annual_plan_id, position);

CREATE TABLE task_items (
    task_id  INTEGER NOT NULL REFERENCES tasks(id),
    item_id  INTEGER NOT NULL REFERENCES inspection_items(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, item_id)
);

-- Workflow steps: who moved a task, when, with what comment.
CREATE TABLE task_events (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES tasks(id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL
);
CREATE INDEX ix_task_event_task ON task_events(task_id, id);

-- 抽取: one per task at most. The secret stays here until the reveal.
CREATE TABLE draws (
    id              INTEGER PRIMARY KEY,
    task_id         INTEGER NOT NULL UNIQUE REFERENCES tasks(id),
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
    place           TEXT NOT NULL DEFAULT ''
);

-- 抽查对象名单: the frozen pool, one row per enterprise.
CREATE TABLE draw_pool (
    draw_id        INTEGER NOT NULL REFERENCES draws(id),
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    code           TEXT NOT NULL,
    stratum        TEXT NOT NULL,
    PRIMARY KEY (draw_id, code)
) WITHOUT ROWID;

CREATE TABLE draw_selections (
    draw_id        INTEGER NOT NULL REFERENCES draws(id),
    position       INTEGER NOT NULL,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
    code           TEXT NOT NULL,
    stratum        TEXT NOT NULL,
    key            TEXT NOT NULL,
    cap_lifted     INTEGER NOT NULL CHECK (cap_lifted IN (0, 1)),
    PRIMARY KEY (draw_id, position)
);
CREATE INDEX ix_selection_enterprise ON draw_selections(enterprise_id);

CREATE TABLE draw_team_members (
    draw_id       INTEGER NOT NULL REFERENCES draws(id),
    position      INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    inspector_id  INTEGER NOT NULL REFERENCES inspectors(id),
    PRIMARY KEY (draw_id, position, seq)
);
CREATE INDEX ix_team_inspector ON draw_team_members(inspector_id);

-- Every attempt to freeze or draw, refused or not.
CREATE TABLE draw_attempts (
    id        INTEGER PRIMARY KEY,
    task_id   INTEGER NOT NULL REFERENCES tasks(id),
    action    TEXT NOT NULL CHECK (action IN ('freeze', 'draw')),
    outcome   TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
    reason    TEXT NOT NULL DEFAULT '',
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX ix_attempt_task ON draw_attempts(task_id, id);

-- 抽查结果
CREATE TABLE inspection_results (
    id                      INTEGER PRIMARY KEY,
    draw_id                 INTEGER NOT NULL REFERENCES draws(id),
    enterprise_id           INTEGER NOT NULL REFERENCES enterprises(id),
    inspected_on            TEXT NOT NULL,
    method                  TEXT NOT NULL CHECK (method IN ('现场检查', '书面检查', '网络监测', '其他')),
    attended                TEXT NOT NULL,  -- JSON array of inspector ids, at least two
    categories              TEXT NOT NULL,  -- JSON array of standard result categories
    problems                TEXT NOT NULL DEFAULT '',
    handling                TEXT NOT NULL DEFAULT '',
    referral_department     TEXT NOT NULL DEFAULT '',
    entered_by              TEXT NOT NULL,
    entered_at              TEXT NOT NULL,
    review_status           TEXT NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending', 'passed', 'returned')),
    review_comment          TEXT NOT NULL DEFAULT '',
    reviewed_by             TEXT,
    reviewed_at             TEXT,
    published_at            TEXT,
    UNIQUE (draw_id, enterprise_id)
);
CREATE INDEX ix_result_enterprise ON inspection_results(enterprise_id);

-- 全程留痕: append-only, each entry chained to the previous by SHA-256.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    role         TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
);
CREATE INDEX ix_audit_entity ON audit_log(entity_type, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

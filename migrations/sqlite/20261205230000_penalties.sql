-- 行政处罚信息公示: a decided penalty is published on the portal with the fields the
-- disclosure rules list, for a period set by its severity (settings: 3 months for 通报批评
-- or a small fine, 3 years otherwise, as SAMR's 2021 rules set for market regulation; a
-- bureau may set its own), after which the portal stops showing it; the record stays for
-- staff. An early end (信用修复) needs a reason and is audited.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('penalty_months_minor', '3'), ('penalty_months_general', '36');

CREATE TABLE penalties (
    id              INTEGER PRIMARY KEY,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises(id),
    follow_up_id    INTEGER REFERENCES follow_ups(id),
    decision_no     TEXT NOT NULL UNIQUE,      -- 行政处罚决定书文号
    party_name      TEXT NOT NULL,             -- 当事人名称
    party_code      TEXT NOT NULL,             -- 统一社会信用代码
    violation_type  TEXT NOT NULL,             -- 违法行为类型
    facts           TEXT NOT NULL,             -- 违法事实
    basis           TEXT NOT NULL,             -- 处罚依据
    content         TEXT NOT NULL,             -- 处罚内容
    fine_fen        INTEGER NOT NULL DEFAULT 0 CHECK (fine_fen >= 0),  -- 罚款金额, in fen
    authority       TEXT NOT NULL,             -- 处罚机关
    decided_on      TEXT NOT NULL,             -- 处罚决定日期
    severity        TEXT NOT NULL CHECK (severity IN ('minor', 'general')),
    published_on    TEXT NOT NULL,             -- 公示日期
    publish_until   TEXT NOT NULL,             -- 公示截止日期
    ended_on        TEXT,                      -- 提前终止公示 (信用修复)
    end_reason      TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX ix_penalty_public ON penalties(publish_until, published_on);

-- 后续处置 to the end: each handling chosen on a published result (责令改正, 立案查处, 移送,
-- 移送司法机关, 抄告相关部门, 其他) is a follow-up, 未完结 until its outcome is recorded
-- (复查 for an order to correct, the 行政处罚决定 for a case, the receiving department and
-- its receipt for a referral) and it is marked 已完结 with its date. The fields a kind does
-- not use stay empty.
CREATE TABLE follow_ups (
    id            INTEGER PRIMARY KEY,
    result_id     INTEGER NOT NULL REFERENCES inspection_results(id),
    kind          TEXT NOT NULL CHECK (kind IN ('责令改正', '立案查处', '移送', '移送司法机关', '抄告相关部门', '其他')),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    deadline      TEXT NOT NULL DEFAULT '',  -- 责令改正: 改正期限
    recheck_on    TEXT NOT NULL DEFAULT '',  -- 责令改正: 复查日期
    outcome       TEXT NOT NULL DEFAULT '',  -- 复查结果 or what came of it
    case_no       TEXT NOT NULL DEFAULT '',  -- 立案查处: 案件编号
    decision_no   TEXT NOT NULL DEFAULT '',  -- 行政处罚决定书文号
    decided_on    TEXT NOT NULL DEFAULT '',  -- 处罚决定日期
    penalty       TEXT NOT NULL DEFAULT '',  -- 处罚内容
    referred_to   TEXT NOT NULL DEFAULT '',  -- 移送 / 抄告: the receiving department or 司法机关
    referred_on   TEXT NOT NULL DEFAULT '',
    receipt       TEXT NOT NULL DEFAULT '',  -- 回执 (number or note)
    note          TEXT NOT NULL DEFAULT '',
    finished_on   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (result_id, kind)
);
CREATE INDEX ix_follow_up_status ON follow_ups(status, result_id);

-- Results already published with a handling get their follow-ups, open.
INSERT INTO follow_ups (result_id, kind, referred_to, created_at, updated_at, updated_by)
SELECT r.id, j.value, CASE WHEN j.value = '移送' THEN r.referral_department ELSE '' END,
       coalesce(r.published_at, r.entered_at), coalesce(r.published_at, r.entered_at), 'system'
FROM inspection_results r, json_each(CASE WHEN r.handling LIKE '[%' THEN r.handling ELSE '[]' END) j
WHERE r.review_status = 'passed' AND r.handling LIKE '[%';

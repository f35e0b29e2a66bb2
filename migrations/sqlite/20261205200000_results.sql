-- Results in the national publication's words (GSXT): the standard 检查结果 values and the
-- six 核查方式. Earlier values that the standard list does not have are mapped:
--   检查方式 现场检查 → 实地核查; 其他 → 实地核查, with a note in the problems;
--   检查结果 未按规定公示应当公示的信息, 公示信息隐瞒真实情况、弄虚作假 and 其他 →
--   发现问题待后续处理 (an earlier 其他 without problems written gets a note saying so).
-- domain::result::REPLACED_CATEGORIES lists the same mapping; the PostgreSQL twin does the
-- same in place. SQLite cannot change a CHECK in place, so the table is rebuilt in
-- PostgreSQL's column order.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE inspection_results_old AS SELECT * FROM inspection_results;
DROP TABLE inspection_results;
CREATE TABLE inspection_results (
    id                      INTEGER PRIMARY KEY,
    draw_id                 INTEGER NOT NULL REFERENCES draws(id),
    enterprise_id           INTEGER NOT NULL REFERENCES enterprises(id),
    inspected_on            TEXT NOT NULL,
    method                  TEXT NOT NULL CHECK (method IN ('实地核查', '书面检查', '网络监测', '检验检测',
                                                            '委托专业机构', '行政部门意见')),
    attended                TEXT NOT NULL,  -- JSON array of inspector ids, at least two
    categories              TEXT NOT NULL,  -- JSON array of standard 检查结果 values
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
    updated_at              TEXT,
    reviewed_role           TEXT,
    UNIQUE (draw_id, enterprise_id)
);
INSERT INTO inspection_results (id, draw_id, enterprise_id, inspected_on, method, attended, categories, problems,
    handling, referral_department, entered_by, entered_at, review_status, review_comment, reviewed_by,
    reviewed_at, published_at, updated_at, reviewed_role)
SELECT o.id, o.draw_id, o.enterprise_id, o.inspected_on,
    CASE o.method WHEN '现场检查' THEN '实地核查' WHEN '其他' THEN '实地核查' ELSE o.method END,
    o.attended,
    (SELECT json_group_array(v) FROM (
        SELECT CASE j.value WHEN '未按规定公示应当公示的信息' THEN '发现问题待后续处理'
                            WHEN '公示信息隐瞒真实情况、弄虚作假' THEN '发现问题待后续处理'
                            WHEN '其他' THEN '发现问题待后续处理' ELSE j.value END AS v, min(j.key) AS k
        FROM json_each(o.categories) j GROUP BY 1 ORDER BY k)),
    CASE WHEN o.problems = '' AND EXISTS (SELECT 1 FROM json_each(o.categories) j WHERE j.value = '其他')
         THEN '（迁移前检查结果为“其他”，未写明问题）' ELSE o.problems END
      || CASE WHEN o.method = '其他' THEN '（迁移前核查方式为“其他”）' ELSE '' END,
    o.handling, o.referral_department, o.entered_by, o.entered_at, o.review_status, o.review_comment,
    o.reviewed_by, o.reviewed_at, o.published_at, o.updated_at, o.reviewed_role
FROM inspection_results_old o;
DROP TABLE inspection_results_old;
CREATE INDEX ix_result_enterprise ON inspection_results(enterprise_id);
CREATE INDEX ix_result_published ON inspection_results(published_at);

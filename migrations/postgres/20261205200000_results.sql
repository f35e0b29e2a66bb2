-- Results in the national publication's words (GSXT): the standard 检查结果 values and the
-- six 核查方式. Earlier values that the standard list does not have are mapped:
--   检查方式 现场检查 → 实地核查; 其他 → 实地核查, with a note in the problems;
--   检查结果 未按规定公示应当公示的信息, 公示信息隐瞒真实情况、弄虚作假 and 其他 →
--   发现问题待后续处理 (an earlier 其他 without problems written gets a note saying so).
-- domain::result::REPLACED_CATEGORIES lists the same mapping; the SQLite twin rebuilds the
-- table to the same effect.
ALTER TABLE inspection_results DROP CONSTRAINT inspection_results_method_check;

UPDATE inspection_results o SET
    problems = CASE WHEN o.problems = '' AND EXISTS (
                        SELECT 1 FROM json_array_elements_text(o.categories::json) j(value) WHERE j.value = '其他')
                    THEN '（迁移前检查结果为“其他”，未写明问题）' ELSE o.problems END
               || CASE WHEN o.method = '其他' THEN '（迁移前核查方式为“其他”）' ELSE '' END,
    method = CASE o.method WHEN '现场检查' THEN '实地核查' WHEN '其他' THEN '实地核查' ELSE o.method END,
    categories = (SELECT coalesce(json_agg(v ORDER BY k)::text, '[]') FROM (
        SELECT CASE j.value WHEN '未按规定公示应当公示的信息' THEN '发现问题待后续处理'
                            WHEN '公示信息隐瞒真实情况、弄虚作假' THEN '发现问题待后续处理'
                            WHEN '其他' THEN '发现问题待后续处理' ELSE j.value END AS v, min(j.k) AS k
        FROM json_array_elements_text(o.categories::json) WITH ORDINALITY AS j(value, k) GROUP BY 1) m);

ALTER TABLE inspection_results ADD CONSTRAINT inspection_results_method_check
    CHECK (method IN ('实地核查', '书面检查', '网络监测', '检验检测', '委托专业机构', '行政部门意见'));

"""Tests for docs/dr1_verify.py, the independent DR1 re-verifier (stdlib unittest only).

Run from the repository root:  python3 -m unittest discover -s tests/python -v
"""
import copy
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "docs" / "dr1_verify.py"
VECTORS = REPO / "spec" / "vectors"
MANIFESTS = ["basic", "joint", "post-recusal", "edge"]


def load(name):
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def run_text(text):
    """Run the verifier on a manifest given as JSON text; return (exit code, stdout line)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, str(SCRIPT), str(path)],
                              capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout.strip()


def run(manifest):
    return run_text(json.dumps(manifest, ensure_ascii=False, indent=1))


class VectorsAreValid(unittest.TestCase):
    def test_script_is_under_80_lines(self):
        self.assertLess(len(SCRIPT.read_text(encoding="utf-8").splitlines()), 80)

    def test_every_vector_manifest_is_valid(self):
        for name in MANIFESTS:
            with self.subTest(name):
                self.assertEqual(run_text((VECTORS / f"{name}.json").read_text(encoding="utf-8")), (0, "valid"))

    def test_pool_order_and_extra_fields_do_not_matter(self):
        m = load("post-recusal")
        m["pool"].reverse()
        m["inspectors"].reverse()
        m["draw_time"] = "2023-05-10T09:30:00+08:00"
        m["selected"][0]["name"] = "某某食品有限公司"
        self.assertEqual(run(m), (0, "valid"))


class RefusalsAreRefused(unittest.TestCase):
    def test_every_refusal_vector_exits_2(self):
        cases = json.loads((VECTORS / "refusals.json").read_text(encoding="utf-8"))
        self.assertGreater(len(cases), 0)
        for case in cases:
            with self.subTest(case["why"]):
                code, out = run(case["input"])
                self.assertEqual(code, 2, out)
                self.assertTrue(out.startswith("refused: "), out)

    def assertRefused(self, manifest_or_text):
        if isinstance(manifest_or_text, str):
            code, out = run_text(manifest_or_text)
        else:
            code, out = run(manifest_or_text)
        self.assertEqual(code, 2, out)
        self.assertTrue(out.startswith("refused: "), out)

    def test_malformed_json(self):
        self.assertRefused('{"task_id": "2023001-001", ')
        self.assertRefused("[]")
        self.assertRefused('"DR1"')

    def test_duplicate_json_key(self):
        text = (VECTORS / "basic.json").read_text(encoding="utf-8")
        self.assertRefused(text.replace('"team_size": 2,', '"team_size": 2, "team_size": 3,', 1))

    def test_numbers_must_be_plain_integers(self):
        for field, value in [("team_size", 2.0), ("team_size", True), ("max_per_inspector", False),
                             ("max_per_inspector", "0"), ("team_size", None)]:
            with self.subTest(field=field, value=value):
                m = load("basic")
                m[field] = value
                self.assertRefused(m)
        m = load("basic")
        m["ratios_bp"]["ALL"] = 200.0
        self.assertRefused(m)
        self.assertRefused((VECTORS / "basic.json").read_text(encoding="utf-8")
                           .replace('"max_per_inspector": 0', '"max_per_inspector": NaN'))

    def test_missing_input_field(self):
        m = load("joint")
        del m["inspectors"]
        self.assertRefused(m)

    def test_tampered_commitment_is_refused(self):
        m = load("joint")
        m["commitment"] = m["commitment"][:-1] + ("0" if m["commitment"][-1] != "0" else "1")
        self.assertRefused(m)

    def test_identifier_rules(self):
        for bad in ["", "x" * 65, "中文", "a b"]:
            with self.subTest(bad=bad):
                m = load("basic")
                m["inspectors"][0]["department"] = bad
                self.assertRefused(m)
        m = load("basic")
        m["inspectors"].append(dict(m["inspectors"][0]))
        self.assertRefused(m)

    def test_too_many_departments_and_long_entropy(self):
        m = load("basic")
        m["departments"] = ["a", "b", "c"]
        self.assertRefused(m)
        m = load("basic")
        m["public_entropy"] = "1" * 257
        self.assertRefused(m)

    def test_post_recusal_that_cannot_be_refilled(self):
        m = load("basic")  # the entity conflicts with all but its two team members: no one can replace them
        entity, team = m["selected"][0]["code"], m["selected"][0]["inspectors"]
        m["conflicts"] = [{"entity": entity, "inspector": i["id"]} for i in m["inspectors"] if i["id"] not in team]
        m["post_recusals"] = [{"entity": entity, "inspector": team[0], "reason": "其他"}]
        self.assertRefused(m)


class TamperingIsNamed(unittest.TestCase):
    def assertInvalid(self, manifest, field):
        self.assertEqual(run(manifest), (1, f"invalid: {field}"))

    def test_swap_an_inspector_in_a_team(self):
        for name in MANIFESTS:
            with self.subTest(name):
                m = load(name)
                team = m["selected"][1]["inspectors"]
                outsider = next(i["id"] for i in m["inspectors"] if i["id"] not in team)
                team[0] = outsider
                self.assertInvalid(m, "selected[1].inspectors")

    def test_reorder_a_team(self):
        m = load("joint")
        m["selected"][2]["inspectors"].reverse()
        self.assertInvalid(m, "selected[2].inspectors")

    def test_add_a_code_to_the_pool(self):
        for name in MANIFESTS:
            with self.subTest(name):
                m = load(name)
                m["pool"].append({"code": "91130499999999999X", "stratum": m["pool"][0]["stratum"]})
                self.assertInvalid(m, "pool_digest")

    def test_drop_a_code_from_the_pool(self):
        m = load("joint")
        del m["pool"][5]
        self.assertInvalid(m, "pool_digest")

    def test_change_one_entropy_character(self):
        for name in MANIFESTS:
            with self.subTest(name):
                m = load(name)
                e = m["public_entropy"]
                pos = next(k for k, ch in enumerate(e) if ch.isdigit())
                m["public_entropy"] = e[:pos] + ("7" if e[pos] != "7" else "8") + e[pos + 1:]
                self.assertInvalid(m, "seed")

    def test_whitespace_in_entropy_does_not_matter(self):
        m = load("basic")
        m["public_entropy"] = "\r\n" + m["public_entropy"].replace(" ", "\t") + "  "
        self.assertEqual(run(m), (0, "valid"))

    def test_reorder_selected(self):
        m = load("joint")
        m["selected"][0], m["selected"][1] = m["selected"][1], m["selected"][0]
        self.assertInvalid(m, "selected[0].code")

    def test_drop_a_selected_entity(self):
        m = load("basic")
        m["selected"].pop()
        self.assertInvalid(m, "selected")

    def test_flip_cap_lifted(self):
        m = load("joint")
        m["selected"][3]["cap_lifted"] = not m["selected"][3]["cap_lifted"]
        self.assertInvalid(m, "selected[3].cap_lifted")
        m = load("joint")
        m["selected"][3]["cap_lifted"] = int(m["selected"][3]["cap_lifted"])
        self.assertInvalid(m, "selected[3].cap_lifted")

    def test_change_a_key(self):
        m = load("edge")
        m["selected"][4]["key"] = m["selected"][4]["key"].upper()
        self.assertInvalid(m, "selected[4].key")

    def test_recusal_records(self):
        m = load("joint")
        m["recusals"][0]["stage"] = "post"
        self.assertInvalid(m, "recusals[0].stage")
        m = load("joint")
        m["recusals"] = []
        self.assertInvalid(m, "recusals")

    def test_recused_list(self):
        m = load("post-recusal")
        del m["selected"][0]["recused"]
        self.assertInvalid(m, "selected[0].recused")

    def test_post_recusal_removed(self):
        m = load("post-recusal")
        del m["post_recusals"][2]
        self.assertInvalid(m, "selected[0].inspectors")

    def test_changed_ratio(self):
        m = load("joint")
        m["ratios_bp"]["D"] = 2500
        self.assertInvalid(m, "selected")

    def test_empty_recused_list_is_accepted(self):
        m = load("joint")
        for entry in m["selected"]:
            entry["recused"] = []
        self.assertEqual(run(m), (0, "valid"))

    def test_inputs_without_derived_fields(self):
        m = load("basic")
        for field in ["protocol", "pool_digest", "seed", "selected", "recusals"]:
            del m[field]
        self.assertInvalid(m, "protocol")

    def test_wrong_protocol(self):
        m = load("basic")
        m["protocol"] = "DR2"
        self.assertInvalid(m, "protocol")


if __name__ == "__main__":
    unittest.main()

"""No two files of app/, server/ or dr1/ import each other, directly or round a ring
(scripts/module_graph.py), and the checker does find a ring when there is one."""
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(REPO, "scripts", "module_graph.py")


def run(*srcs):
    return subprocess.run([sys.executable, SCRIPT, *srcs], cwd=REPO, capture_output=True, text=True)


class ModuleGraph(unittest.TestCase):
    def test_the_crates_have_no_import_rings(self):
        out = run()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("app/src:", out.stdout)
        self.assertNotIn("ring:", out.stdout)

    def test_a_ring_is_found_through_use_trees_super_and_paths(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "src")
            os.makedirs(os.path.join(src, "db"))
            files = {
                "lib.rs": "pub mod db;\npub mod portal;\n",
                "db/mod.rs": "pub mod audit;\npub mod draws;\n",
                # audit -> portal through a path in code; a comment and a string do not count.
                "db/audit.rs": '// crate::db::draws\nfn f() { let _ = "crate::db::draws"; crate::portal::changed(); }\n',
                "db/draws.rs": "use super::{audit::append, Flag};\n",
                "portal.rs": "use crate::db::{draws::freeze};\n#[cfg(test)]\nmod tests { use crate::db::audit; }\n",
            }
            for name, text in files.items():
                with open(os.path.join(src, name), "w") as f:
                    f.write(text)
            out = run(src)
            self.assertEqual(out.returncode, 1, out.stdout)
            ring = [l for l in out.stdout.splitlines() if "ring:" in l]
            self.assertEqual(len(ring), 1, out.stdout)
            for name in ("db/audit.rs", "db/draws.rs", "portal.rs"):
                self.assertIn(name, ring[0])


if __name__ == "__main__":
    unittest.main()

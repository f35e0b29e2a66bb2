"""Adds synthetic published results to a demo database, for scripts/bench-portal.sh.

    python3 scripts/bench_portal_data.py DB_FILE [TASKS] [PER_TASK]

A 2021 plan (every name marked 压测) of TASKS published tasks (default 40), each copied
from the demo's finished 2022 task with its own drawn draw, PER_TASK (default 500)
selections of the synthetic registry and one published result per selection, its
findings copied in turn from the demo's published results. The draws have no manifest
(they are not verifiable draws, only rows the portal's search reads), so the draw pages
of these tasks say "not drawn yet"; nothing else of the demo changes.

Idempotent: does nothing when the 2021 plan is already there. Prints what it did.
"""

import sqlite3
import sys

YEAR = 2021
MARK = "（压测）"


def main():
    path = sys.argv[1]
    n_tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    per_task = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("SELECT 1 FROM annual_plans WHERE year = ?", (YEAR,)).fetchone():
        n = db.execute(
            "SELECT count(*) FROM inspection_results WHERE published_at IS NOT NULL"
        ).fetchone()[0]
        print(f"synthetic results already present ({n} published results)")
        return

    # The demo's finished task: the one published task with a drawn draw.
    src = db.execute(
        "SELECT t.id, d.id FROM tasks t JOIN draws d ON d.task_id = t.id "
        "WHERE t.status IN ('published', 'closed') AND d.manifest IS NOT NULL ORDER BY t.id LIMIT 1"
    ).fetchone()
    if not src:
        sys.exit("no published demo task to copy (load the demo data first)")
    src_task, src_draw = src
    findings = db.execute(
        "SELECT method, attended, categories, problems, handling, referral_department, entered_by, "
        "review_status, review_comment, reviewed_by, reviewed_role "
        "FROM inspection_results WHERE draw_id = ? AND published_at IS NOT NULL ORDER BY id",
        (src_draw,),
    ).fetchall()
    if not findings:
        sys.exit("the demo's published task has no published results")

    def columns(table):
        return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]

    def copy_row(table, where_id, overrides):
        """Inserts a copy of one row of `table` with some columns replaced; returns its id."""
        cols = [c for c in columns(table) if c != "id"]
        select = ", ".join("?" if c in overrides else c for c in cols)
        args = [overrides[c] for c in cols if c in overrides]
        cur = db.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {table} WHERE id = ?",
            (*args, where_id),
        )
        return cur.lastrowid

    # Enterprises of the bulk registry (serials from 10^7; the demo's are 1..648), spread over
    # its whole range.
    first_bulk = db.execute(
        "SELECT min(id) FROM enterprises WHERE name LIKE '%（演示1_______）'"
    ).fetchone()[0]
    total = db.execute("SELECT count(*) FROM enterprises WHERE id >= ?", (first_bulk or 0,)).fetchone()[0]
    need = n_tasks * per_task
    if not first_bulk or total < need:
        sys.exit(f"need {need} synthetic enterprises, the registry has {total}")
    step = total // need

    with db:
        plan = db.execute(
            "INSERT INTO annual_plans (year, title, remarks) VALUES (?, ?, ?)",
            (YEAR, f"{YEAR} 年度随机抽查工作计划{MARK}", "压测用合成数据"),
        ).lastrowid
        for k in range(n_tasks):
            month = 1 + k % 12
            task = copy_row(
                "tasks",
                src_task,
                {
                    "annual_plan_id": plan,
                    "plan_no": f"YC{YEAR}",
                    "task_no": f"{k + 1:03d}",
                    "task_name": f"{YEAR} 年第 {k + 1} 批随机抽查{MARK}",
                    "window_year": YEAR,
                    "window_start_month": month,
                    "window_end_month": month,
                    "status": "published",
                    "position": k,
                },
            )
            db.execute(
                "INSERT INTO task_items (task_id, item_id, position) "
                "SELECT ?, item_id, position FROM task_items WHERE task_id = ?",
                (task, src_task),
            )
            day = f"{YEAR}-{month:02d}-05"
            draw = copy_row(
                "draws",
                src_draw,
                {
                    "task_id": task,
                    "dr1_task_id": f"YC{YEAR}-{k + 1:03d}",
                    "frozen_at": f"{day}T01:00:00Z",
                    "drawn_at": f"{day}T02:00:00Z",
                    "manifest": None,
                },
            )
            rows = db.execute(
                "SELECT id, credit_code, risk_class FROM enterprises WHERE id >= ? "
                "AND (id - ?) % ? = 0 ORDER BY id LIMIT ? OFFSET ?",
                (first_bulk, first_bulk, step, per_task, k * per_task),
            ).fetchall()
            db.executemany(
                "INSERT INTO draw_selections (draw_id, position, enterprise_id, code, stratum, key, cap_lifted) "
                "VALUES (?, ?, ?, ?, ?, lower(hex(randomblob(32))), 0)",
                [(draw, i, e, code, risk) for i, (e, code, risk) in enumerate(rows)],
            )
            results = []
            for i, (e, _code, _risk) in enumerate(rows):
                f = findings[(k + i) % len(findings)]
                inspected = f"{YEAR}-{month:02d}-{10 + i % 15:02d}"
                # Published within the month after the window, one result a minute.
                pub_day = f"{YEAR + (month == 12)}-{month % 12 + 1:02d}-{1 + i // 60 % 20:02d}"
                published = f"{pub_day}T{i // 60 % 10:02d}:{i % 60:02d}:00Z"
                results.append(
                    (draw, e, inspected, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f"{inspected}T09:00:00Z",
                     f[7], f[8], f[9], f"{inspected}T12:00:00Z", f[10], published)
                )
            db.executemany(
                "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, "
                "categories, problems, handling, referral_department, entered_by, entered_at, review_status, "
                "review_comment, reviewed_by, reviewed_at, reviewed_role, published_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                results,
            )
    # Fresh statistics, as `shuangsui demo` leaves them for the registry.
    db.execute("PRAGMA analysis_limit = 1000")
    db.execute("ANALYZE")
    db.commit()
    n = db.execute("SELECT count(*) FROM inspection_results WHERE published_at IS NOT NULL").fetchone()[0]
    print(f"added {n_tasks} published tasks with {need} results; {n} published results in all")
    db.close()


if __name__ == "__main__":
    main()

"""The console's enquiry list at 1,000 and at 1,000,000 enquiries, side by side.

Run with the project's venv: `.venv/bin/python bench/console.py` (SQLite) or
`.venv/bin/python bench/console.py --postgres` (a throwaway PostgreSQL cluster, as the tests
start one). Two databases are filled (executemany on SQLite, generate_series on
PostgreSQL), then the same requests go to each through the whole Flask stack (test client,
signed-in staff operator, audit entry written): the first page, the 500th page (keyset:
`before` = the id that page starts after), a search by e-mail address, and on PostgreSQL
a text search of the messages. The target: each costs at most 1.5 times as much at
1,000,000 as at 1,000; the text search stays under
half a second. Figures go into docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qb import create_app  # noqa: E402
from qb.extensions import db  # noqa: E402
from tests.console_helpers import CONSOLE_SETTINGS, signed_in_client  # noqa: E402
from tests.site import test_settings  # noqa: E402

TARGET = 1.5
INTERACTIVE = 0.5  # seconds: the text search on PostgreSQL, whatever the ratio
PAGE = 50
SEARCHED = "person-777@example.kz"


def fill_sqlite(app, rows):
    with app.app_context():
        db.create_all()
        conn = db.engine.raw_connection()
        cur = conn.cursor()
        batch = []
        for i in range(1, rows + 1):
            email = f"person-{i}@example.kz"
            batch.append(
                (
                    f"k{i}",
                    "Асел Нурланқызы",
                    email,
                    email,
                    None,
                    f"Message number {i} about an offer",
                    "kk",
                    "handled" if i % 3 == 0 else "new",
                    f"2026-01-01 00:{i % 60:02d}:00",
                )
            )
            if len(batch) == 50_000:
                cur.executemany(INSERT, batch)
                batch.clear()
        if batch:
            cur.executemany(INSERT, batch)
        conn.commit()
        cur.execute("ANALYZE")
        conn.close()


INSERT = (
    "INSERT INTO enquiry (submission_key, name, email, mailbox_key, phone, message, language,"
    " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def fill_postgres(app, rows):
    with app.app_context():
        upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO enquiry (submission_key, name, email, mailbox_key, phone, message,"
                " language, status, created_at) SELECT 'k' || i, 'Асел Нурланқызы',"
                " 'person-' || i || '@example.kz', 'person-' || i || '@example.kz', NULL,"
                " 'Message number ' || i || ' about an offer', 'kk',"
                " CASE WHEN mod(i, 3) = 0 THEN 'handled' ELSE 'new' END,"
                " timestamp '2026-01-01' + mod(i, 60) * interval '1 minute'"
                f" FROM generate_series(1, {rows}) AS i"
            )
            conn.exec_driver_sql("ANALYZE enquiry")


def page_500_cursor(app, rows):
    """The `before` of the 500th page; with fewer rows, of the last full page (the same
    request: a full page after a cursor)."""
    with app.app_context():
        return db.session.scalar(
            sa.text("SELECT id FROM enquiry ORDER BY id DESC LIMIT 1 OFFSET :n"),
            {"n": min(499 * PAGE, rows - PAGE) - 1},
        )


def timed_side_by_side(pairs, repeat):
    """Median seconds of each (client, path), the two measured in turn, so that a busy
    moment of the machine weighs on both alike."""
    for client, path in pairs:
        for _ in range(3):
            client.get(path)
    samples = [[] for _ in pairs]
    for _ in range(repeat):
        for (client, path), found in zip(pairs, samples, strict=True):
            start = time.perf_counter()
            response = client.get(path)
            found.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    return [statistics.median(found) for found in samples]


def requests(app, rows, postgres):
    cursor = page_500_cursor(app, rows)
    found = {
        "first page": "/console/enquiries/",
        "500th page": f"/console/enquiries/?before={cursor}",
        "search by e-mail": f"/console/enquiries/?q={SEARCHED}",
    }
    if postgres:
        found["text search"] = "/console/enquiries/?q=number%20777%20about"
    return found


def build(workdir, uri, rows, postgres):
    settings = test_settings(Path(workdir), SQLALCHEMY_DATABASE_URI=uri, **CONSOLE_SETTINGS)
    app = create_app(settings)
    (fill_postgres if postgres else fill_sqlite)(app, rows)
    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="qb-console-bench-"))
        apps = {}
        for label, rows in (("small", args.small), ("large", args.large)):
            start = time.perf_counter()
            if args.postgres:
                from tests.fixtures.postgres import PostgresServer, throwaway_cluster

                if "server" not in apps:
                    apps["server"] = PostgresServer(stack.enter_context(throwaway_cluster()))
                uri = apps["server"].create_database()
            else:
                uri = f"sqlite:///{os.path.join(workdir, label)}.sqlite3"
            apps[label] = (build(workdir, uri, rows, args.postgres), rows)
            print(f"{rows:>9,} enquiries filled in {time.perf_counter() - start:.1f} s")
        clients, paths = {}, {}
        for label in ("small", "large"):
            app, rows = apps[label]
            clients[label], _ = signed_in_client(app, "staff", email=f"bench-{label}@example.kz")
            paths[label] = requests(app, rows, args.postgres)
        results = {}
        for name in paths["small"]:
            pairs = [(clients[label], paths[label][name]) for label in ("small", "large")]
            small, large = timed_side_by_side(pairs, args.repeat)
            results[name] = {"small": small, "large": large}
        for label in ("small", "large"):
            with apps[label][0].app_context():
                db.engine.dispose()
        print(f"{'request':<18}{'1,000 ms':>10}{'1,000,000 ms':>14}{'ratio':>8}")
        failed = False
        for name, times in results.items():
            ratio = times["large"] / times["small"]
            # The text search has its own target: interactive (under INTERACTIVE seconds).
            over = times["large"] > INTERACTIVE if name == "text search" else ratio > TARGET
            failed |= over
            print(
                f"{name:<18}{times['small'] * 1000:>10.2f}{times['large'] * 1000:>14.2f}"
                f"{ratio:>8.2f}{'  over target' if ratio > TARGET else ''}"
            )
        print("target met" if not failed else f"target missed: ratio above {TARGET}")


if __name__ == "__main__":
    main()

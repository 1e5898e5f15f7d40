"""gunicorn (gthread, gunicorn.conf.py) against granian (WSGI) on the same pages, in one run.

    .venv/bin/python bench/server_choice.py            # 3 rounds of 10 s per page and server
    .venv/bin/python bench/server_choice.py -r 1 -d 5  # a quick look

Both serve the site with the same settings and two worker processes on 127.0.0.1; wrk
(-t2 -c32) loads each page of each server in turn, the servers alternating within a round
so that a busy moment of the machine hurts both alike. Prints per page and server the
median requests/s, p50 and p99, errors, and the ratio granian/gunicorn.
"""

import argparse
import statistics
import subprocess
import sys

from load import run_wrk
from servers import BenchError, run_main, running_servers, start_granian, start_site

PAGES = ("/", "/ru/politika", "/en/contact")


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--rounds", type=int, default=3)
    parser.add_argument("-d", "--duration", type=int, default=10)
    parser.add_argument("-c", "--connections", type=int, default=32)
    return parser.parse_args(argv)


def versions():
    done = subprocess.run(
        [sys.executable, "-m", "granian", "--version"], capture_output=True, text=True, check=False
    )
    import gunicorn

    return f"gunicorn {gunicorn.__version__}, {done.stdout.strip()}"


def main(argv=None):
    args = parse(argv)
    print(
        f"server choice: {versions()}; wrk -t2 -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} round(s)",
        flush=True,
    )
    runs = {}
    with running_servers("qb-servers-", start_site, start_granian) as servers:
        names = {"site": "gunicorn", "granian": "granian"}
        for server in servers:  # warm up every page
            for page in PAGES:
                run_wrk(server.url + page, 2, args.connections, 2)
        for n in range(args.rounds):
            order = servers if n % 2 == 0 else list(reversed(servers))
            for page in PAGES:
                for server in order:
                    result = run_wrk(server.url + page, 2, args.connections, args.duration)
                    runs.setdefault((page, names[server.name]), []).append(result)
    print(f"{'page':<14}{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    ratios = []
    for page in PAGES:
        medians = {}
        for server in ("gunicorn", "granian"):
            rs = runs[(page, server)]
            medians[server] = rps = statistics.median(r["rps"] for r in rs)
            p50 = statistics.median(r["p50_ms"] for r in rs)
            p99 = statistics.median(r["p99_ms"] for r in rs)
            errors = sum(r["non_2xx"] + r["socket_errors"] for r in rs)
            print(f"{page:<14}{server:<10}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{errors:>8}")
        ratios.append(medians["granian"] / medians["gunicorn"])
        print(f"{'':<14}granian/gunicorn = {ratios[-1]:.2f}")
    print(f"geometric mean granian/gunicorn = {statistics.geometric_mean(ratios):.2f}")
    return 0


if __name__ == "__main__":
    run_main(main, "server choice could not run")
    assert BenchError

"""Mixed traffic through the production front (nginx from deploy/, then gunicorn) for 60 s
at 64 connections, on SQLite or on PostgreSQL with Redis.

    .venv/bin/python bench/load_mixed.py --database sqlite
    .venv/bin/python bench/load_mixed.py --database postgres          # with Redis
    .venv/bin/python bench/load_mixed.py --database postgres --hosts 2 --senders 2

64 visitors (threads in 4 client processes), each on its own kept-alive TLS connection
with its own cookies, pick one thing after another: a page in one of the three languages,
the home page, a static file, the contact form (GET, then POST with its CSRF and form
tokens), a consent choice, the newsletter form (GET, then POST), and /my-data where the
site has it. It prints per kind of request the count, requests/s, p50 and p99 latency,
server errors (5xx), other unexpected statuses and socket errors, then checks the
database: every enquiry the site accepted (303) stored exactly once.

`--hosts 2` starts two site instances behind the one nginx (as two hosts would be), both on
the one PostgreSQL and Redis; `--senders 2` runs that many `flask outbox worker`s into an
SMTP sink meanwhile, and afterwards checks every queued mail arrived once (no Message-ID
twice, none missing) and that the rate-limit counters are one count in Redis.
The client shares the machine's cores with the servers: figures are whole-machine figures.
"""

import argparse
import multiprocessing
import sys
import time

from front import FrontError, running_front
from mixed_checks import check_database, check_mail, check_rate_count, summarize
from mixed_client import KINDS, run_visitors
from smtp_sink import Sink

PROCESSES = 4


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("-d", "--duration", type=float, default=60.0)
    parser.add_argument("-c", "--connections", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--hosts", type=int, default=1, help="site instances behind nginx")
    parser.add_argument("--senders", type=int, default=0, help="outbox workers during the run")
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    return parser.parse_args(argv)


def drive(front, args, duration, tag):
    """Run the visitors in PROCESSES processes; their merged results."""
    per_process = [args.connections // PROCESSES] * PROCESSES
    for n in range(args.connections % PROCESSES):
        per_process[n] += 1
    jobs = [
        (front.front.https_port, str(front.ca), n, count, duration, f"{tag}{n}")
        for n, count in enumerate(per_process)
    ]
    # Spawned, not forked: a forked client would hold the SMTP server's listening socket.
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        return pool.starmap(run_visitors, jobs)


def main(argv=None):
    args = parse(argv)
    redis = args.database == "postgres"
    sink = Sink().start() if args.senders else None
    settings = {}
    if sink:
        settings.update(sink.settings(), OUTBOX_BACKGROUND=True)
    print(
        f"mixed load: {args.database}{' + Redis' if redis else ''}, {args.hosts} site "
        f"instance(s) x {args.server} 2 workers x 4 threads, {args.connections} connections, "
        f"{args.duration:.0f} s, {args.senders} outbox worker(s)",
        flush=True,
    )
    try:
        with running_front(
            database=args.database, redis=redis, sites=args.hosts, settings=settings
        ) as front:
            senders = [front_worker(front, n) for n in range(args.senders)]
            try:
                warm = drive(front, args, args.warmup, "warm") if args.warmup else []
                started = time.monotonic()
                results = drive(front, args, args.duration, "run")
                elapsed = time.monotonic() - started
                summary = summarize(results, elapsed)
                failures = check_database(front, [*warm, *results])
                if sink:
                    failures += check_mail(front, sink, senders)
                if redis:
                    failures += check_rate_count(front, results, warm)
            finally:
                for sender in senders:
                    sender.stop()
    finally:
        if sink:
            sink.stop()
    print(summary)
    print("FAILURES:" if failures else "all checks passed")
    for failure in failures:
        print(f"  {failure}")
    return 0


def front_worker(front, n):
    """`flask outbox worker` with the site's settings, as qb-outbox.service runs it."""
    from front import Process

    command = [sys.executable, "-m", "flask", "--app", "qb", "outbox", "worker"]
    return Process(f"outbox{n}", command, front.folder, env=front.env)


if __name__ == "__main__":
    assert KINDS
    try:
        sys.exit(main())
    except (FrontError, OSError) as exc:
        print(f"mixed load could not run: {exc}", file=sys.stderr)
        sys.exit(1)

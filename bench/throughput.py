"""Throughput of the site against a minimal Flask app under the same gunicorn setup, and the
weight of the home page with everything it loads.

Run with the project's venv: `make bench`, or `.venv/bin/python bench/throughput.py --help`.
Both servers listen on 127.0.0.1 only and are stopped at the end, whatever happens.
Exit status is non-zero only when the benchmark could not run; missed targets are printed.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import runpy
import shutil
import statistics
import subprocess
import urllib.request
from pathlib import Path

from load import cpu_accounting, cpu_snapshot, disturbed, print_busy, run_wrk, wait_idle
from servers import (
    GUNICORN_CONFIG,
    BenchError,
    raise_on_sigterm,
    run_main,
    running_servers,
    start_minimal,
    start_site,
)
from weight import print_weight

# Targets: the site's home page serves at least this share of the minimal app's requests/s,
# and the home page with all it loads weighs at most this much gzip-compressed (1 KB = 1000 B).
THROUGHPUT_TARGET = 0.8
WEIGHT_TARGET_BYTES = 20_000


def versions():
    found = {"python": platform.python_version()}
    for package in ("flask", "werkzeug", "jinja2", "gunicorn"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "not installed"
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (wrk.stdout or wrk.stderr).strip().splitlines()
    found["wrk"] = first[0].split()[1] if first and len(first[0].split()) > 1 else "?"
    return found


def print_header(args):
    settings = runpy.run_path(str(GUNICORN_CONFIG))
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    print("== qb throughput benchmark ==")
    print(f"date: {now}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}, load average {load}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(
        f"gunicorn: {settings['worker_class']}, {settings['workers']} workers x "
        f"{settings['threads']} threads, keepalive {settings['keepalive']} s "
        f"(gunicorn.conf.py, same for both apps)"
    )
    print(
        f"wrk: -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{args.rounds} rounds after a {args.warmup} s warm-up; wrk shares the CPUs"
    )


def summarize(name, runs):
    rps = [run["rps"] for run in runs]
    errors = sum(run["non_2xx"] for run in runs), sum(run["socket_errors"] for run in runs)
    line = (
        f"{name:<16} median {statistics.median(rps):>8,.0f} req/s   runs "
        + " / ".join(f"{r:,.0f}" for r in rps)
        + f"   p50 {statistics.median(r['p50_ms'] for r in runs):.2f} ms"
        + f"   p99 {statistics.median(r['p99_ms'] for r in runs):.2f} ms"
        + f"   4xx/5xx {errors[0]}   socket errors {errors[1]}"
    )
    print(line)
    for run in runs:
        if run["socket_detail"]:
            print(f"{'':<16} {run['socket_detail']}")
    return statistics.median(rps)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("-c", "--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("-r", "--rounds", type=int, default=3, help="rounds of runs")
    parser.add_argument(
        "--retries",
        type=int,
        default=None,
        help="extra rounds allowed for repeating disturbed ones (default: as many as --rounds)",
    )
    parser.add_argument("-w", "--warmup", type=int, default=2, help="warm-up seconds per URL")
    parser.add_argument(
        "--quick", action="store_true", help="3 s runs, 1 s warm-up (a smoke test, noisier)"
    )
    parser.add_argument(
        "--wait-idle",
        type=int,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be idle (shared machines)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 1
    if args.retries is None:
        args.retries = args.rounds
    if min(args.duration, args.threads, args.connections, args.rounds) < 1:
        parser.error("duration, threads, connections and rounds must be at least 1")
    return args


def measured_run(args, url, server, servers):
    """A wrk run, with the CPU share other programs took and the server's CPU per request."""
    before = cpu_snapshot(servers)
    result = run_wrk(url, args.threads, args.connections, args.duration)
    after = cpu_snapshot(servers)
    result.update(cpu_accounting(before, after, server, result["requests"]))
    return result


def run_rounds(args, targets, servers):
    """args.rounds rounds of one run per target; a round that other programs disturbed is
    repeated, up to args.retries times. Returns the kept rounds (clean ones first)."""
    clean, spoiled = [], []
    for attempt in range(1, args.rounds + args.retries + 1):
        if len(clean) == args.rounds:
            break
        runs = {}
        for name, (server, url) in targets.items():
            run = runs[name] = measured_run(args, url, server, servers)
            note = "" if run["cpu_us"] is None else f"   server CPU {run['cpu_us']:.0f} us/req"
            if run["busiest_worker"] is not None:
                note += f"   busiest worker {run['busiest_worker']:.0%}"
            if run["other_cpu"] is not None:
                note += f"   other programs' CPU {run['other_cpu']:.0%}"
            print(f"  round {attempt} {name:<9} {run['rps']:>8,.0f} req/s{note}", flush=True)
        reasons = [f"{name}: {disturbed(run)}" for name, run in runs.items() if disturbed(run)]
        if reasons:
            spoiled.append(runs)
            print(f"  round {attempt} not counted ({'; '.join(reasons)})")
        else:
            clean.append(runs)
    return clean + spoiled[: args.rounds - len(clean)]


def benchmark(args, site, minimal):
    targets = {
        "home": (site, site.url + "/"),
        "minimal": (minimal, minimal.url + "/"),
        "politika": (site, site.url + "/politika"),
    }
    for _server, url in targets.values():
        with urllib.request.urlopen(url, timeout=10) as response:
            if response.status != 200:
                raise BenchError(f"{url} answered {response.status}")
        if args.warmup:
            run_wrk(url, args.threads, args.connections, args.warmup)
    rounds = run_rounds(args, targets, (site, minimal))
    runs = {name: [r[name] for r in rounds] for name in targets}
    print(f"\n== Throughput (requests/s), {len(rounds)} rounds ==")
    medians = {name: summarize(name, runs[name]) for name in targets}
    ratios = {
        "home": medians["home"] / medians["minimal"],
        "politika": medians["politika"] / medians["minimal"],
    }
    per_round = [r["home"]["rps"] / r["minimal"]["rps"] for r in rounds]
    print(
        f"ratio home/minimal     {ratios['home']:.2f}  (per round "
        + " / ".join(f"{r:.2f}" for r in per_round)
        + ")"
    )
    print(f"ratio politika/minimal {ratios['politika']:.2f}")
    cpu = {name: statistics.median(r["cpu_us"] or 0 for r in v) for name, v in runs.items()}
    if all(cpu.values()):
        print(
            "server CPU per request (median): "
            + ", ".join(f"{name} {us:.0f} us" for name, us in cpu.items())
            + f"; minimal/home {cpu['minimal'] / cpu['home']:.2f}"
            + f", minimal/politika {cpu['minimal'] / cpu['politika']:.2f}"
        )
    clean = all(r["non_2xx"] == 0 and r["socket_errors"] == 0 for v in runs.values() for r in v)
    spoiled = sum(1 for r in rounds if any(disturbed(run) for run in r.values()))
    met = ratios["home"] >= THROUGHPUT_TARGET and clean
    verdict = "MET" if met else "MISSED"
    if spoiled:
        verdict = f"INCONCLUSIVE ({verdict.lower()}, but {spoiled} of {len(rounds)} rounds "
        verdict += "were disturbed: rerun, on an idle machine)"
    print(
        f"TARGET home throughput >= {THROUGHPUT_TARGET} x minimal: {verdict} "
        f"({ratios['home']:.2f}{'' if clean else ', with errors'})"
    )
    return {
        "runs": runs,
        "medians": medians,
        "ratios": ratios,
        "server_cpu_us": cpu,
        "throughput_met": met,
        "disturbed_rounds": spoiled,
    }


def main(argv=None):
    args = parse_args(argv)
    raise_on_sigterm()
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    print_header(args)
    if args.wait_idle and not wait_idle(args.wait_idle):
        print(f"the machine did not become idle within {args.wait_idle} s; running anyway")
    print_busy("before the servers start")
    with running_servers("qb-bench-", start_site, start_minimal) as servers:
        site, minimal = servers
        print(f"site {site.url}, minimal app {minimal.url}\n")
        results = benchmark(args, site, minimal)
        results["weight"] = [
            print_weight(site.url, "/", WEIGHT_TARGET_BYTES),
            print_weight(site.url, "/politika"),
        ]
        for server in servers:
            if "Traceback" in server.log_tail(200):
                print(f"\nwarning: {server.name} logged errors:\n{server.log_tail()}")
    print_busy("after the servers stopped")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    run_main(main, "benchmark failed")

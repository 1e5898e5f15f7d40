"""Lighthouse scores of the home page and /politika (or the pages --path names), served by gunicorn.

Run with the project's venv: `.venv/bin/python bench/lighthouse.py` (after `npm ci`).
The site is started as in throughput.py (production gunicorn config, 127.0.0.1 only) and
stopped at the end. Lighthouse uses its default mobile preset and Debian's Chromium.
Exit status is non-zero only when the audit could not run; missed targets are printed.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
from pathlib import Path

from servers import ROOT, BenchError, raise_on_sigterm, run_main, running_servers, start_site

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
# Headless and no-sandbox are required (root, no display: without either, Lighthouse cannot
# connect to Chrome); the rest keep Chromium from talking to anything but the page.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
PATHS = ("/", "/politika")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
RUN_TIMEOUT_S = 240
RETRIES = 2
NPM_TIMEOUT_S = 600


def find_lighthouse(explicit=None):
    """The lighthouse executable; runs `npm ci` once if the project's copy is missing."""
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise BenchError(f"not an executable: {explicit}")
        return Path(explicit)
    if not LIGHTHOUSE.exists():
        if not (ROOT / "package.json").exists() or shutil.which("npm") is None:
            raise BenchError(
                "node_modules/.bin/lighthouse is missing and `npm ci` cannot run here "
                "(needs package.json pinning lighthouse@12.2.3 and npm); "
                "or pass --lighthouse PATH"
            )
        print("node_modules/.bin/lighthouse is missing: running npm ci", flush=True)
        try:
            subprocess.run(
                ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=ROOT,
                check=True,
                timeout=NPM_TIMEOUT_S,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise BenchError(f"npm ci failed: {exc}") from exc
        if not LIGHTHOUSE.exists():
            raise BenchError("npm ci did not install lighthouse: is it in package.json?")
    return LIGHTHOUSE


def lighthouse_version(executable):
    done = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip() or "?"


def run_lighthouse(executable, url, report_path, chrome):
    """One Lighthouse run (mobile preset) writing its JSON report; returns the parsed report."""
    command = [
        str(executable),
        url,
        "--output=json",
        f"--output-path={report_path}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    env = dict(os.environ, CHROME_PATH=chrome)
    proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        # SIGINT lets Lighthouse close the Chromium it launched before it exits.
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        raise BenchError(f"lighthouse took over {RUN_TIMEOUT_S} s on {url}") from exc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.returncode != 0:
        raise BenchError(f"lighthouse failed ({proc.returncode}) on {url}")
    return json.loads(Path(report_path).read_text(encoding="utf-8"))


def run_with_retries(executable, url, report_path, chrome, retries=RETRIES):
    """run_lighthouse, repeated when Lighthouse itself fails (e.g. NO_NAVSTART, a known
    intermittent trace error), at most `retries` more times."""
    for attempt in range(retries + 1):
        try:
            return run_lighthouse(executable, url, report_path, chrome)
        except BenchError as exc:
            if attempt == retries:
                raise
            print(f"{exc}; trying again", flush=True)
    raise AssertionError("unreachable")


def scores(report):
    """Category id -> score 0-100 (None when Lighthouse could not score it)."""
    return {
        cid: None if cat["score"] is None else round(cat["score"] * 100)
        for cid, cat in report["categories"].items()
    }


def failing_audits(report, category):
    """(id, title, score, weight, explanation) of a category's scored audits below 1."""
    failing = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
            continue
        if audit.get("score") is not None and audit["score"] < 1:
            why = audit.get("explanation") or audit.get("errorMessage") or ""
            failing.append((ref["id"], audit["title"], audit["score"], ref.get("weight", 0), why))
    return sorted(failing, key=lambda row: (-row[3], row[2]))


def print_report(path, reports):
    """Scores (median over runs), metrics, verdicts and failing audits of one URL."""
    per_run = [scores(report) for report in reports]
    median = {}
    for cid in TARGETS:
        values = [run[cid] for run in per_run if run.get(cid) is not None]
        median[cid] = statistics.median(values) if values else None
    print(f"\n== {path} ==")
    for cid, target in TARGETS.items():
        runs = " / ".join(str(run.get(cid)) for run in per_run)
        met = median[cid] is not None and median[cid] >= target
        shown = "n/a" if median[cid] is None else f"{median[cid]:g}"
        print(
            f"{cid:<15} {shown:>4}  (runs {runs})  target >= {target}: {'MET' if met else 'MISSED'}"
        )
    last = reports[-1]
    print(
        "metrics (last run): "
        + ", ".join(
            f"{m} {last['audits'][m].get('displayValue', '?')}"
            for m in METRICS
            if m in last["audits"]
        )
    )
    for warning in last.get("runWarnings", []):
        print(f"run warning: {warning}")
    all_met = True
    for cid, target in TARGETS.items():
        if median[cid] is not None and median[cid] >= target:
            continue
        all_met = False
        print(f"failing audits in {cid} (last run):")
        for audit_id, title, score, weight, why in failing_audits(last, cid):
            print(f"  {audit_id:<28} score {score:<4g} weight {weight:<3g} {title}")
            if why:
                print(f"  {'':<28} {why}")
    return all_met


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per URL (median is judged)")
    parser.add_argument(
        "--lighthouse", help="a lighthouse executable instead of node_modules/.bin/lighthouse"
    )
    parser.add_argument(
        "--path",
        action="append",
        dest="paths",
        help=f"a page to audit; repeat for more (default: {' and '.join(PATHS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "out" / "lighthouse",
        help="folder for the JSON reports (default: bench/out/lighthouse, git-ignored)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if any(not path.startswith("/") for path in args.paths or ()):
        parser.error("--path must start with /")
    args.paths = tuple(args.paths or PATHS)
    return args


def main(argv=None):
    args = parse_args(argv)
    raise_on_sigterm()
    chrome = shutil.which("chromium")
    if chrome is None:
        raise BenchError("chromium is not installed (Debian: apt-get install chromium)")
    executable = find_lighthouse(args.lighthouse)
    version = lighthouse_version(executable)
    print(f"lighthouse {version} (mobile preset), chrome {chrome}")
    if version != LIGHTHOUSE_VERSION:
        print(f"warning: expected lighthouse {LIGHTHOUSE_VERSION}; scores may differ")
    args.out.mkdir(parents=True, exist_ok=True)
    all_met = True
    with running_servers("qb-lighthouse-", start_site) as (site,):
        for path in args.paths:
            site.wait_until_up(path)  # renders the page once, as a warm server would
        print(f"site {site.url}")
        for path in args.paths:
            name = "home" if path == "/" else path.strip("/").replace("/", "-")
            reports = [
                run_with_retries(
                    executable, site.url + path, args.out / f"{name}-{run}.json", chrome
                )
                for run in range(1, args.runs + 1)
            ]
            all_met &= print_report(path, reports)
    print(f"\nreports: {args.out}")
    print(f"ALL TARGETS {'MET' if all_met else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    run_main(main, "lighthouse run failed")

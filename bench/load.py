"""Load generation with wrk and the CPU accounting that tells whether a run can be trusted."""

import os
import re
import resource
import subprocess
import time
from urllib.parse import urlsplit

from servers import BenchError

# A round is repeated when, during one of its runs, other programs took more than this
# share of the CPUs, or one gunicorn worker did more than this share of the server's work.
BUSY_WARNING = 0.10
UNBALANCED = 0.85

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value, unit):
    return float(value) * _UNITS[unit]


def parse_wrk(text):
    """Requests/s, p50/p99 latency (ms), request count and error counts from `wrk --latency`."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    total = re.search(r"^\s+(\d+) requests in", text, re.M)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not parse wrk output:\n{text}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _ms(*p50.groups()),
        "p99_ms": _ms(*p99.groups()),
        "requests": int(total.group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in sock.groups()) if sock else 0,
        "socket_detail": sock.group(0) if sock else "",
    }


def proc_stat():
    """(busy, total) CPU time of the whole machine so far, in clock ticks (Linux /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        # user nice system idle iowait irq softirq steal (guest time is already in user)
        fields = [int(x) for x in stat.readline().split()[1:9]]
    total = sum(fields)
    return total - fields[3] - fields[4], total


TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_ticks(pgids):
    """{pid: (process group, CPU ticks so far)} of the live processes in the given groups."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        pgid = int(rest[2])  # fields after the command: state ppid pgrp ... utime(11) stime(12)
        if pgid in pgids:
            found[int(entry.name)] = (pgid, int(rest[11]) + int(rest[12]))
    return found


def cpu_snapshot(servers):
    """Machine, per-process and finished-children (wrk) CPU time so far; None without /proc."""
    try:
        busy, total = proc_stat()
        procs = process_cpu_ticks({server.proc.pid for server in servers})
    except (OSError, ValueError, IndexError):
        return None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk = (children.ru_utime + children.ru_stime) * TICKS_PER_S
    return {"busy": busy, "total": total, "procs": procs, "children": wrk}


def cpu_accounting(before, after, server, requests):
    """What the CPUs did during one run against `server`.

    other_cpu: the share other programs took. wrk and the servers share the cores, so other
    load (a test suite, a browser) lowers requests/s; such runs are repeated.
    cpu_us: the server's CPU microseconds per request, hardly affected by other load.
    busiest_worker: the busiest worker's share of the server's CPU. Workers accept
    connections as they come, and now and then one of them takes all of wrk's keep-alive
    connections while the other idles, which halves throughput; such runs are repeated too.
    """
    if before is None or after is None or after["total"] <= before["total"]:
        return {"other_cpu": None, "cpu_us": None, "busiest_worker": None}
    used = {}  # pid -> (process group, ticks during the run)
    for pid, (pgid, ticks) in after["procs"].items():
        used[pid] = (pgid, ticks - before["procs"].get(pid, (pgid, 0))[1])
    ours = sum(ticks for _, ticks in used.values()) + after["children"] - before["children"]
    other = (after["busy"] - before["busy"] - ours) / (after["total"] - before["total"])
    master = server.proc.pid
    workers = [ticks for pid, (pgid, ticks) in used.items() if pgid == master and pid != master]
    server_ticks = sum(ticks for pgid, ticks in used.values() if pgid == master)
    busiest = max(workers) / sum(workers) if len(workers) > 1 and sum(workers) else None
    return {
        "other_cpu": max(0.0, other),
        "cpu_us": server_ticks / TICKS_PER_S / requests * 1e6 if requests else None,
        "busiest_worker": busiest,
    }


def run_wrk(url, threads, connections, duration):
    """One bounded wrk run against a 127.0.0.1 URL."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise BenchError(f"refusing to load anything but 127.0.0.1: {url}")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        url,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 30, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish: {' '.join(command)}") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def disturbed(run):
    """Why a run cannot be trusted, or "" when it can."""
    if (run["other_cpu"] or 0) > BUSY_WARNING:
        return f"other programs took {run['other_cpu']:.0%} of the CPUs"
    if (run["busiest_worker"] or 0) > UNBALANCED:
        return f"one worker did {run['busiest_worker']:.0%} of the work"
    return ""


def cpu_busy(seconds=2.0):
    """Share of all CPUs busy over a short sample (None where /proc is unavailable)."""
    try:
        busy0, total0 = proc_stat()
        time.sleep(seconds)
        busy1, total1 = proc_stat()
    except (OSError, ValueError, IndexError):
        return None
    return (busy1 - busy0) / (total1 - total0) if total1 > total0 else None


def wait_idle(limit_s):
    """Wait (at most limit_s seconds) until other programs leave the CPUs nearly idle."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        busy = cpu_busy()
        if busy is None or busy <= BUSY_WARNING:
            return True
        print(f"waiting for an idle machine (CPU use {busy:.0%})", flush=True)
        time.sleep(min(10.0, max(0.0, deadline - time.monotonic())))
    return False


def print_busy(when):
    busy = cpu_busy()
    if busy is None:
        return
    print(f"CPU use by other programs {when}: {busy:.0%}")
    if busy > BUSY_WARNING:
        print("warning: the machine is not idle; throughput figures will be low and noisy")

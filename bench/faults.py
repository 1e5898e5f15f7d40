"""Faults during mixed load through the production front, on PostgreSQL with Redis.

    .venv/bin/python bench/faults.py

While 64 visitors keep going (bench/mixed_client.py), one fault after another:
kill -9 of a gunicorn worker; PostgreSQL restarted; Redis stopped for 20 s (the limits
fail open); the SMTP server down, answering 4xx, answering 5xx (those messages are marked
failed and put back with `flask outbox retry --all-failed`, as docs/mail.md tells the operator),
hanging; the outbox worker killed (-9) in the middle of a batch and started again (as
systemd's Restart=always does). Then the load stops, the SMTP server works, and it checks:
every accepted enquiry stored once, every mail delivered once (no Message-ID twice, none
missing). It prints the failed requests seen during each fault (and its 5 s after).
A script, not a test: exit status non-zero only when it could not run.
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

from front import FrontError, Process, restart_postgres, running_front
from mixed_checks import check_database, check_mail, merge
from mixed_client import run_visitors
from smtp_sink import DEFER, HANG, OK, REFUSE, Sink

CONNECTIONS = 64
PROCESSES = 4
RECOVERY_S = 5
# Quick retries, so that the run ends soon after the faults do; as many more attempts as
# the retries are quicker than production's (30 s doubling to an hour, 10 attempts).
SETTINGS = {
    "OUTBOX_MAX_ATTEMPTS": 40,
    "OUTBOX_BACKGROUND": True,
    "OUTBOX_RETRY_BASE_SECONDS": 2,
    "OUTBOX_RETRY_MAX_SECONDS": 8,
    "OUTBOX_POLL_SECONDS": 2,
    "OUTBOX_CLAIM_SECONDS": 20,
}


def workers_of(master_pid):
    """The pids of the children of a gunicorn master."""
    children = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == master_pid:
                        children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return children


def flask(env, *args):
    command = [sys.executable, "-m", "flask", "--app", "qb", *args]
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )


class Faults:
    def __init__(self, front, sink):
        self.front, self.sink = front, sink
        self.windows = []  # (name, start, end) in wall-clock time
        self.notes = []
        self.sender = self.start_sender()

    def start_sender(self):
        command = [sys.executable, "-m", "flask", "--app", "qb", "outbox", "worker"]
        return Process("outbox", command, self.front.folder, env=self.front.env)

    def window(self, name, action, hold=0.0, undo=None):
        start = time.time()
        action()
        time.sleep(hold)
        if undo:
            undo()
        self.windows.append((name, start, time.time() + RECOVERY_S))
        time.sleep(RECOVERY_S + 3)

    def kill_gunicorn_worker(self):
        victim = workers_of(self.front.sites[0].process.proc.pid)[0]
        os.kill(victim, signal.SIGKILL)

    def retry_failed(self):
        done = flask(self.front.env, "outbox", "retry", "--all-failed")
        self.notes.append(
            f"after the 5xx: flask outbox retry --all-failed -> {done.stdout.split(':')[0]}"
        )

    def kill_sender_mid_batch(self):
        # A backlog first (the server hangs), then the worker is killed once it sends again.
        self.sink.mode = HANG
        time.sleep(8)
        self.sink.mode = OK
        time.sleep(0.3)
        os.killpg(self.sender.proc.pid, signal.SIGKILL)
        self.sender.proc.wait()

    def restart_sender(self):
        time.sleep(2)  # RestartSec
        self.sender = self.start_sender()

    def run(self):
        time.sleep(10)  # a calm start
        self.window("kill -9 a gunicorn worker", self.kill_gunicorn_worker)
        self.window("PostgreSQL restart", lambda: restart_postgres(self.front.database_uri))
        self.window("Redis stopped 20 s", self.front.redis.stop, 20, self.front.redis.start)
        self.window("SMTP down 10 s", self.sink.stop, 10, self.sink.start)
        self.window(
            "SMTP 4xx 10 s",
            lambda: setattr(self.sink, "mode", DEFER),
            10,
            lambda: setattr(self.sink, "mode", OK),
        )
        self.window(
            "SMTP 5xx 10 s", lambda: setattr(self.sink, "mode", REFUSE), 10, self._end_refusals
        )
        self.window(
            "SMTP hanging 10 s",
            lambda: setattr(self.sink, "mode", HANG),
            10,
            lambda: setattr(self.sink, "mode", OK),
        )
        self.window(
            "outbox worker kill -9 mid-batch", self.kill_sender_mid_batch, 0, self.restart_sender
        )

    def _end_refusals(self):
        self.sink.mode = OK
        self.retry_failed()


def drive(port, ca, duration):
    per = [CONNECTIONS // PROCESSES] * PROCESSES
    jobs = [(port, ca, n, count, duration, f"fault{n}") for n, count in enumerate(per)]
    # Spawned, not forked: a forked client would hold the SMTP server's listening socket.
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        return pool.starmap(run_visitors, jobs)


def report(faults, results, elapsed):
    _, statuses, sockets, _ = merge(results)
    total = sum(sum(c.values()) for c in statuses.values()) + sum(sockets.values())
    failures = [f for part in results for f in part["failures"]]
    print(f"{total} requests in {elapsed:.0f} s; {len(failures)} failed in all")
    print(f"{'fault':<34}{'failed':>7}  what")
    counted = set()
    for name, start, end in faults.windows:
        inside = [f for f in failures if start <= f[0] <= end]
        counted.update(id(f) for f in inside)
        what = Counter(f"{kind} {status}" for _, kind, status in inside)
        print(f"{name:<34}{len(inside):>7}  {dict(what.most_common(6))}")
    outside = [f for f in failures if id(f) not in counted]
    print(
        f"{'outside every fault':<34}{len(outside):>7}  "
        f"{dict(Counter(f'{k} {s}' for _, k, s in outside).most_common(6))}"
    )
    for note in faults.notes:
        print(note)


def duplicates_by_fault(faults, sink):
    """The fault each message that arrived twice was first sent in (the last one begun)."""
    for times in sink.times.values():
        if len(times) > 1:
            later = times[1]
            before = [name for name, start, _ in faults.windows if start <= times[0]]
            after = f"after '{before[-1]}'" if before else "before any fault"
            print(
                f"a message arrived {len(times)} times; second copy {later - times[0]:.1f} s "
                f"after the first, {after}"
            )


def main():
    sink = Sink().start()
    try:
        settings = {**SETTINGS, **sink.settings()}
        with running_front(database="postgres", redis=True, settings=settings) as front:
            faults = Faults(front, sink)
            try:
                schedule = threading.Thread(target=faults.run)
                started = time.monotonic()
                box = {}
                load = threading.Thread(
                    target=lambda: box.update(r=drive(front.front.https_port, str(front.ca), 160))
                )
                load.start()
                schedule.start()
                schedule.join()
                load.join()
                elapsed = time.monotonic() - started
                results = box["r"]
                if sink.mode != OK:
                    sink.mode = OK
                report(faults, results, elapsed)
                failures = check_database(front, results)
                failures += check_mail(front, sink, [faults.sender])
                duplicates_by_fault(faults, sink)
            finally:
                faults.sender.stop()
    finally:
        sink.stop()
    print(
        "FAILURES:"
        if failures
        else "all checks passed: 0 enquiries lost, 0 mails lost or duplicated"
    )
    for failure in failures:
        print(f"  {failure}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (FrontError, OSError, subprocess.SubprocessError) as exc:
        print(f"faults could not run: {exc}", file=sys.stderr)
        sys.exit(1)

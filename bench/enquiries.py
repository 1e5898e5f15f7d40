"""Enquiries per second through the real HTTP stack while the SMTP server is down, then the
time to drain the outbox into a local SMTP server.

Run with the project's venv: `.venv/bin/python bench/enquiries.py --help`. The site runs under
the production gunicorn setup on 127.0.0.1 with SQLite in a temporary folder; its SMTP server
is a closed local port until the drain, which goes to an aiosmtpd sink in this process.
Exit status is non-zero only when the benchmark could not run; missed targets are printed.
"""

import argparse
import datetime
import http.client
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller
from load import TICKS_PER_S, cpu_accounting, cpu_snapshot, wait_idle
from servers import ROOT, BenchError, Server, free_port, raise_on_sigterm, run_main
from servers import site_environment as base_environment

ENQUIRY_TARGET = 200  # enquiries/s into SQLite, none lost
DRAIN_TARGET = 50  # messages/s into a local SMTP server
PATH = "/en/contact"
TOKENS = re.compile(rb'name="(csrf_token|form_token)" value="([^"]*)"')


def site_environment(port, workdir, smtp_port):
    """The bench site: production settings, no rate limit or fill time, SMTP on a closed port."""
    env = base_environment(port, workdir)
    env.update(
        QB_RATELIMIT_ENABLED="false",
        QB_CONTACT_MIN_FILL_SECONDS="0",
        QB_MAIL_SERVER="127.0.0.1",
        QB_MAIL_PORT=str(smtp_port),
        QB_MAIL_USE_TLS="false",
        QB_MAIL_USE_SSL="false",
        QB_MAIL_TIMEOUT="5",
    )
    return env


def flask(env, *args, timeout=600):
    """Run `flask --app qb …` with the bench environment; its output, or BenchError."""
    command = [sys.executable, "-m", "flask", "--app", "qb", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def client(port, count, number):
    """Visitors one after another, each as a browser would: its own connection (kept alive
    for its two requests) and session, GET the form, POST it.

    Returns (enquiries answered 303, other statuses seen).
    """
    ok, other = 0, {}
    for n in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", PATH)
        response = conn.getresponse()
        page = response.read()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        fields = {k.decode(): v.decode() for k, v in TOKENS.findall(page)}
        fields.update(
            name="Әсел Нұрланқызы",
            email=f"visitor{number}-{n}@example.kz",
            phone="+7 701 123 45 67",
            message="Сәлеметсіз бе! Курс туралы сұрағым бар.\nӘғқңөұүһі.",
            consent="yes",
        )
        conn.request(
            "POST",
            PATH,
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status == 303:
            ok += 1
        else:
            other[response.status] = other.get(response.status, 0) + 1
    return ok, other


class Sink:
    """aiosmtpd handler that counts what it receives."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def settle(database, timeout=15):
    deadline = time.monotonic() + timeout
    while count_rows(database, "outbox_message", "where status = 'sending'"):
        if time.monotonic() > deadline:
            print("warning: mail still being claimed when the site was stopped")
            return
        time.sleep(0.2)


def count_rows(database, table, where=""):
    with sqlite3.connect(database) as conn:
        return conn.execute(f"select count(*) from {table} {where}").fetchone()[0]


def run(args):
    print("== qb enquiry benchmark ==")
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}")
    total = args.clients * args.per_client
    with tempfile.TemporaryDirectory(prefix="qb-enquiries-") as workdir:
        port, smtp_port = free_port(), free_port()
        env = site_environment(port, workdir, smtp_port)
        database = Path(workdir) / "bench.sqlite3"
        flask(env, "db", "upgrade")
        server = Server("site", "wsgi:app", port, env, ROOT, workdir)
        try:
            server.wait_until_up(PATH)
            # Warm-up (not counted): each worker renders and imports what it needs once.
            client(port, 10, -1)
            warm = count_rows(database, "enquiry")
            print(
                f"load: {args.clients} client processes x {args.per_client} visitors "
                f"(GET {PATH} + POST with CSRF token), SMTP down (127.0.0.1:{smtp_port} closed)"
            )
            before = cpu_snapshot([server])
            started = time.perf_counter()
            with ProcessPoolExecutor(args.clients) as pool:
                futures = [
                    pool.submit(client, port, args.per_client, n) for n in range(args.clients)
                ]
                results = [f.result() for f in futures]
            elapsed = time.perf_counter() - started
            after = cpu_snapshot([server])
            cpu = cpu_accounting(before, after, server, total)
            # Let the workers' background senders finish a pass rather than stop them
            # mid-claim (with the SMTP server down they claim nothing, so this is quick).
            settle(database)
        finally:
            server.stop()
        answered = sum(ok for ok, _ in results)
        other = {}
        for _, seen in results:
            for status, n in seen.items():
                other[status] = other.get(status, 0) + n
        stored = count_rows(database, "enquiry") - warm
        queued = count_rows(database, "outbox_message", "where status != 'sent'")
        rate = total / elapsed
        print(f"submitted {total}, answered 303: {answered}, other: {other or 'none'}")
        print(f"stored enquiries: {stored} (lost: {total - stored}); mails queued: {queued}")
        if cpu["cpu_us"] is not None:
            busy = (after["busy"] - before["busy"]) / (after["total"] - before["total"])
            clients_ms = (after["children"] - before["children"]) / TICKS_PER_S / total * 1000
            print(
                f"server CPU per enquiry (GET + POST): {cpu['cpu_us'] / 1000:.2f} ms, "
                f"clients' {clients_ms:.2f} ms; CPUs busy {busy:.0%}, other programs "
                f"{cpu['other_cpu']:.0%}, busiest worker {cpu['busiest_worker'] or 0:.0%}"
            )
        print(
            f"enquiries/s: {rate:.0f} ({elapsed:.2f} s)  target >= {ENQUIRY_TARGET}: "
            f"{'met' if rate >= ENQUIRY_TARGET and stored == total else 'MISSED'}"
        )

        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            started = time.perf_counter()
            output = flask(env, "outbox", "send", "--now")
            drained = time.perf_counter() - started
        finally:
            controller.stop()
        left = count_rows(database, "outbox_message", "where status != 'sent'")
        drain_rate = sink.count / drained
        print(
            f"drain: `flask outbox send --now` -> {output.strip()}; received {sink.count} "
            f"of {queued}, still queued {left}"
        )
        print(
            f"messages/s: {drain_rate:.0f} ({drained:.2f} s including the command's start)  "
            f"target >= {DRAIN_TARGET}: "
            f"{'met' if drain_rate >= DRAIN_TARGET and sink.count == queued else 'MISSED'}"
        )
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--clients", type=int, default=8, help="client processes")
    parser.add_argument("-n", "--per-client", type=int, default=250, help="enquiries each")
    parser.add_argument(
        "--wait-idle", type=float, default=0, metavar="S", help="first wait up to S s for idle CPUs"
    )
    args = parser.parse_args()
    raise_on_sigterm()
    if args.wait_idle and not wait_idle(args.wait_idle):
        print("the machine stayed busy: figures will be low")
    return run(args)


if __name__ == "__main__":
    run_main(main, "enquiry benchmark could not run")

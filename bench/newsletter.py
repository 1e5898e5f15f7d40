"""A campaign to 10,000 confirmed subscribers: queueing rate, drain rate into a local SMTP
server, duplicates, how long an enquiry's notification waits during the drain, and the
subscription page's weight.

Run with the project's venv: `.venv/bin/python bench/newsletter.py --help`. Everything runs on
127.0.0.1 with SQLite in a temporary folder: the queueing in this process, the drain as
`flask outbox send` in a child process into an aiosmtpd sink in this one, the page weight
against the site under the production gunicorn setup. Exit status is non-zero only when the
benchmark could not run; missed targets are printed.
"""

import argparse
import collections
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from servers import ROOT, BenchError, free_port, raise_on_sigterm, run_main, start_site
from servers import site_environment as base_environment
from weight import print_weight

sys.path.insert(0, str(ROOT))

QUEUE_TARGET = 2_000  # subscribers queued per second
DRAIN_TARGET = 100  # messages per second into a local SMTP server
WAIT_TARGET = 5.0  # seconds an enquiry's notification may wait during the drain
PAGE_TARGET = 20_000  # bytes gzip, the subscription page with everything it loads
CAMPAIGN = "first-aid-for-teams"
OPERATOR = "operator@bench.example"


class Sink:
    """Counts what arrives: recipients, Message-IDs, and when the operator's mail came."""

    def __init__(self):
        self.recipients = collections.Counter()
        self.message_ids = collections.Counter()
        self.first = self.last = None
        self.operator_at = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        now = time.monotonic()
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        message_id = next(
            (line for line in head.split(b"\r\n") if line.lower().startswith(b"message-id:")),
            b"",
        )
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.recipients[rcpt] += 1
                if rcpt == OPERATOR and self.operator_at is None:
                    self.operator_at = now
            self.message_ids[message_id] += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"


def environment(workdir, smtp_port):
    env = base_environment(free_port(), workdir)
    env.update(
        QB_MAIL_SERVER="127.0.0.1",
        QB_MAIL_PORT=str(smtp_port),
        QB_MAIL_USE_TLS="false",
        QB_MAIL_USE_SSL="false",
        QB_OPERATOR_EMAIL=OPERATOR,
        QB_OUTBOX_BULK_PER_SECOND="0",  # the drain as fast as the server takes it
        QB_OUTBOX_BACKGROUND="false",
        QB_OUTBOX_EML_DIR=str(Path(workdir) / "mail"),
    )
    return env


def flask(env, *args, timeout=900):
    command = [sys.executable, "-m", "flask", "--app", "qb", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def add_subscribers(database, count):
    """`count` confirmed subscribers, the three languages in turn (rows made directly: the
    subscription itself is not what is measured)."""
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO newsletter_subscriber (email, mailbox_key, name, language, status,"
            " created_at, confirmed_at) VALUES (?, ?, ?, ?, 'confirmed', datetime('now'),"
            " datetime('now'))",
            [
                (
                    f"s{n}@bench.example",
                    f"s{n}@bench.example",
                    "Әсел" if n % 2 else None,
                    ("kk", "ru", "en")[n % 3],
                )
                for n in range(count)
            ],
        )


def app_from(env):
    """The site built in this process from the bench environment's QB_* settings."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("QB_")})
    from qb import create_app

    return create_app()


def queue(app, count):
    from qb.newsletter.campaigns import load_campaign, queue_campaign

    with app.app_context():
        campaign = load_campaign(CAMPAIGN)
        start = time.perf_counter()
        added = queue_campaign(campaign)
        elapsed = time.perf_counter() - start
    if added != count:
        raise BenchError(f"queued {added} copies, expected {count}")
    rate = count / elapsed
    print(f"queued {count} copies in {elapsed:.2f} s: {rate:,.0f} subscribers/s")
    verdict = "MET" if rate >= QUEUE_TARGET else "MISSED"
    print(f"TARGET queue >= {QUEUE_TARGET:,} subscribers/s: {verdict} ({rate:,.0f})")


def drain(app, env, sink, count, enquiry_after):
    """`flask outbox send` in a child; an enquiry submitted once `enquiry_after` arrived."""
    from qb.contact.services import new_submission_key, submit_enquiry

    # Its log (a line per message) goes to a file: a pipe nobody reads would stall it.
    log = open(Path(env["QB_OUTBOX_EML_DIR"]).parent / "drain.log", "w+", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "qb", "outbox", "send"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 600
        while sum(sink.recipients.values()) < enquiry_after:
            if child.poll() is not None or time.monotonic() > deadline:
                raise BenchError("the drain stopped before the enquiry could be sent")
            time.sleep(0.01)
        with app.app_context():
            submit_enquiry(
                key=new_submission_key(),
                name="Әсел Бенч",
                email="v@bench.example",
                phone=None,
                message="Сәлем",
                language="kk",
                newsletter=False,
            )
        committed = time.monotonic()
        child.wait(timeout=900)
    finally:
        if child.poll() is None:
            child.kill()
        log.seek(0)
        output = log.read()
        log.close()
    if child.returncode != 0:
        raise BenchError(f"flask outbox send failed:\n{output[-3000:]}")
    campaign = {r: n for r, n in sink.recipients.items() if r.endswith("@bench.example")}
    received = sum(1 for r in campaign if r.startswith("s"))
    duplicates = sum(n - 1 for n in campaign.values()) + sum(
        n - 1 for n in sink.message_ids.values()
    )
    rate = received / (sink.last - sink.first)
    print(
        f"drained {received} of {count} copies at {rate:,.0f} messages/s; {duplicates} duplicates"
    )
    met = rate >= DRAIN_TARGET and received == count and duplicates == 0
    print(
        f"TARGET drain >= {DRAIN_TARGET} messages/s, {count} of {count}, 0 duplicates: "
        f"{'MET' if met else 'MISSED'}"
    )
    if sink.operator_at is None:
        print("TARGET enquiry notification waits <= 5 s: MISSED (it never arrived)")
        return
    waited = sink.operator_at - committed
    print(
        f"enquiry committed after {enquiry_after} copies; its notification arrived "
        f"{waited:.2f} s later"
    )
    verdict = "MET" if waited <= WAIT_TARGET else "MISSED"
    print(f"TARGET enquiry notification waits <= {WAIT_TARGET:g} s: {verdict} ({waited:.2f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    raise_on_sigterm()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="qb-bench-newsletter-") as workdir:
            env = environment(workdir, controller.port)
            flask(env, "db", "upgrade")
            add_subscribers(Path(workdir) / "bench.sqlite3", args.subscribers)
            app = app_from(env)
            print(f"== A campaign to {args.subscribers:,} confirmed subscribers ==")
            queue(app, args.subscribers)
            drain(app, env, sink, args.subscribers, enquiry_after=args.subscribers // 2)
            site = start_site(workdir)
            try:
                site.wait_until_up()
                print_weight(site.url, "/newsletter", PAGE_TARGET)
            finally:
                site.stop()
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    run_main(main, "bench/newsletter.py could not run")

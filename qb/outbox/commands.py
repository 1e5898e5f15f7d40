"""`flask --app qb outbox …`: deliver now, run the production worker, inspect and requeue."""

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import services
from .sender import next_due_in, send_due

log = logging.getLogger(__name__)


outbox = AppGroup("outbox", help="Outgoing mail: delivery, status and retries.")


@outbox.command("send")
@click.option("--now", is_flag=True, help="Also send messages still waiting out a retry delay.")
def send_command(now):
    """Deliver every due message once, then exit."""
    result = send_due(current_app.config, ignore_backoff=now)
    click.echo(f"sent {result.sent}, deferred {result.deferred}, failed {result.failed}")


@outbox.command("worker")
def worker_command():
    """Deliver mail until stopped (SIGTERM or Ctrl-C): the production sender."""
    config = current_app.config
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    poll = float(config["OUTBOX_POLL_SECONDS"])
    click.echo("outbox worker running; stop with SIGTERM or Ctrl-C")
    while not stopping.is_set():
        try:
            result = send_due(config, stop=stopping.is_set)
            due_in = next_due_in(config)
        except SQLAlchemyError as exc:
            # The database restarting must not end the worker; mail waits in it meanwhile.
            log.error("outbox worker: database unavailable (%s)", type(exc).__name__)
            db.session.remove()
            stopping.wait(poll)
            continue
        if result.handled:
            click.echo(f"sent {result.sent}, deferred {result.deferred}, failed {result.failed}")
        if result.unreachable or due_in is None:
            # Unreachable: rows queued meanwhile are due at once, but trying again every half
            # second would only fight the web processes for the database.
            stopping.wait(poll)
        else:
            stopping.wait(min(max(due_in, 0.5), poll))
    click.echo("outbox worker stopped")


@outbox.command("status")
def status_command():
    """Count messages by state and list every failed one (no personal data)."""
    counts = services.status_counts()
    click.echo("  ".join(f"{name}: {count}" for name, count in counts.items()))
    if oldest := services.oldest_pending():
        click.echo(f"oldest pending since {oldest:%Y-%m-%d %H:%M:%S} UTC")
    failed = services.failed_messages()
    if failed:
        click.echo("failed messages (requeue with `flask outbox retry ID…` or `--all-failed`):")
        click.echo(f"{'id':>8}  {'kind':<24} {'attempts':>8}  {'created (UTC)':<19}  last error")
    for msg in failed:
        created = f"{msg.created_at:%Y-%m-%d %H:%M:%S}"
        click.echo(
            f"{msg.id:>8}  {msg.kind:<24} {msg.attempts:>8}  {created}  {msg.last_error or '-'}"
        )


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option("--all-failed", is_flag=True, help="Requeue every failed message.")
def retry_command(ids, all_failed):
    """Put failed messages back in the queue, due now."""
    if bool(ids) == all_failed:
        raise click.UsageError("Give message ids or --all-failed (one of the two).")
    requeued = services.retry_failed(None if all_failed else list(ids))
    missing = sorted(set(ids) - set(requeued))
    click.echo(f"requeued {len(requeued)}: {' '.join(map(str, requeued)) or '-'}")
    if missing:
        raise click.ClickException(f"not failed or not found: {' '.join(map(str, missing))}")

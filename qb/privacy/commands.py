"""`flask --app qb privacy …`: the processing register, and erasures made again after a restore."""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from .restore import reapply

privacy = AppGroup("privacy", help="Personal data: the processing register, erasures.")


def _moment(_ctx, _param, value):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError as error:
        raise click.BadParameter("a UTC time such as 2026-12-01T03:00:00") from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None)


@privacy.command("reapply")
@click.option(
    "--since",
    callback=_moment,
    help="Every erasure after this UTC time (default: those the database does not carry).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
def reapply_command(since, dry_run):
    """After restoring a backup: erase again what was erased since (run before serving)."""
    done = reapply(since=since, dry_run=dry_run)
    verb = "would reapply" if dry_run else "reapplied"
    for entry in done:
        counts = ", ".join(f"{t}: {n}" for t, n in sorted(entry.counts.items())) or "nothing left"
        click.echo(f"{entry.at} {entry.action} {entry.id}: {counts}")
    click.echo(f"{verb} {len(done)} journal entries")

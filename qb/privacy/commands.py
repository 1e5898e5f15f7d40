"""`flask --app qb privacy …`: the processing register, and erasures made again after a restore."""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from . import register
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


@privacy.command("register")
@click.option("--format", "form", type=click.Choice(["md", "csv"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="A file.")
@click.option("--docs", is_flag=True, help="Rewrite docs/processing-register.md and privacy.md.")
def register_command(form, output, docs):
    """The processing register: personal data, purposes, periods, recipients, transfers."""
    if docs:
        register.write_docs()
        click.echo(f"wrote {register.REGISTER_DOC.name} and {register.PRIVACY_DOC.name}")
        return
    text = register.as_csv() if form == "csv" else register.as_markdown()
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        click.echo(f"register written to {output}", err=True)
    else:
        click.echo(text, nl=False)

"""`flask --app qb privacy …`: one person's data (export, block, depersonalise, destroy), the
processing register, and erasures made again after a restore."""

import json
import os
import re
from datetime import UTC, datetime

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from ..extensions import db
from ..mailbox import mailbox_key
from . import register, services
from .restore import reapply

SUBJECT = re.compile(r"[a-z]+:[1-9][0-9]{0,18}")

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
        _write(output, text)
        click.echo(f"register written to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _write(output, text):
    """Write `text` to the file `output`, readable by its owner only if it is new (an export
    holds personal data); a file that cannot be written is a clear error, not a trace."""
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error


def _key(_ctx, _param, value):
    """The mailbox key of --email, checked as the forms check addresses; never echoed."""
    if value is None:
        return None
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise click.BadParameter("not an e-mail address such as name@example.kz") from error
    return mailbox_key(result.ascii_email or result.normalized)


def _subjects(_ctx, _param, values):
    for value in values:
        if not SUBJECT.fullmatch(value):
            raise click.BadParameter("a subject is a kind and a number, such as enquiry:12")
    return list(values)


def person_options(command):
    command = click.argument("subjects", nargs=-1, callback=_subjects)(command)
    return click.option("--email", "key", callback=_key, help="Every row of this mailbox.")(command)


def _run(verb, key, subjects, **kwargs):
    """Run an engine verb for the person, commit, and print its counts (never any data)."""
    if key is None and not subjects:
        raise click.UsageError("Name the person: --email ADDRESS and/or SUBJECTS (enquiry:12).")
    try:
        counts = verb(key, subjects, actor=services.CLI, **kwargs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"{verb.__name__}: {counts}")


@privacy.command("export")
@click.option("--email", "key", callback=_key, required=True, help="The person's mailbox.")
@click.option("--include-blocked", is_flag=True, help="Also blocked records, marked so.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="A file.")
def export_command(key, include_blocked, output):
    """Everything held about one mailbox, as JSON (an access request; personal data: keep
    the file safe and delete it once sent)."""
    data = services.person_data(key, include_blocked=include_blocked)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        _write(output, text)
        click.echo(f"export written to {output}", err=True)
    else:
        click.echo(text, nl=False)


@privacy.command("block")
@person_options
def block_command(key, subjects):
    """Suspend processing of a person's data (no mail, campaign or export) until unblocked."""
    _run(services.block, key, subjects)


@privacy.command("unblock")
@person_options
def unblock_command(key, subjects):
    """Lift a block: the data takes part again and held mail goes out."""
    _run(services.unblock, key, subjects)


@privacy.command("depersonalise")
@person_options
@click.confirmation_option(prompt="Depersonalising cannot be undone. Go on?")
def depersonalise_command(key, subjects):
    """Irreversibly depersonalise a person's data; statistics stay (journaled)."""
    _run(services.depersonalise, key, subjects)


@privacy.command("destroy")
@person_options
@click.confirmation_option(prompt="Destroying cannot be undone. Go on?")
def destroy_command(key, subjects):
    """Destroy everything held about a person; consent records stay, unlinked (journaled)."""
    _run(services.destroy, key, subjects)

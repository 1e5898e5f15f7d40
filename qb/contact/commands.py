"""`flask --app qb contact …`: destroy enquiries past their retention period, or on request."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from .retention import RetentionError, UnknownEnquiries, forget, purge_expired, retention_days


class EnquiryId(click.IntRange):
    """A positive whole number that fits the database's integer (SQLite's is 64-bit)."""

    name = "enquiry id"

    def __init__(self):
        super().__init__(1, 2**63 - 1)


contact = AppGroup("contact", help="Enquiries from the contact form.")


@contact.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be destroyed; change nothing.")
def purge_command(dry_run):
    """Destroy enquiries older than ENQUIRY_RETENTION_DAYS, with their mails (run daily)."""
    try:
        days = retention_days()
        purged = purge_expired(dry_run=dry_run)
    except RetentionError as error:
        raise click.ClickException(str(error)) from error
    _report(purged, dry_run, f"older than {days} days", "without the enquiry link")


def _email(_ctx, _param, value):
    # Checked as the form checks it, so any address the form stored can be typed back.
    if value is None:
        return None
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        # The message never repeats the value: what the operator typed stays out of logs.
        raise click.BadParameter("not an e-mail address such as name@example.kz") from error
    return result.ascii_email or result.normalized


@contact.command("forget")
@click.argument("ids", nargs=-1, type=EnquiryId())
@click.option("--email", callback=_email, help="Also every enquiry sent from this mailbox.")
@click.option("--dry-run", is_flag=True, help="Count what would be destroyed; change nothing.")
def forget_command(ids, email, dry_run):
    """Destroy enquiries IDS (and/or those from --email) on withdrawal or deletion request."""
    if not ids and email is None:
        raise click.UsageError("Name the enquiries: one or more IDS, or --email ADDRESS.")
    try:
        forgotten = forget(ids, email, dry_run=dry_run)
    except UnknownEnquiries as error:
        unknown = " ".join(map(str, error.ids))
        raise click.ClickException(
            f"no stored enquiry has the id {unknown} (destroyed already, or a typo); "
            "nothing was destroyed"
        ) from error
    _report(forgotten, dry_run, "on request", "marked withdrawn")


def _report(destroyed, dry_run, which, consents_note):
    """What a purge or a forget destroyed (or would): counts and ids, nothing personal."""
    verb = "would destroy" if dry_run else "destroyed"
    ids = " ".join(map(str, destroyed.enquiry_ids)) or "-"
    click.echo(f"{verb} {len(destroyed.enquiry_ids)} enquiries {which}: {ids}")
    click.echo(f"{verb} {destroyed.mails} mails")
    kept = "would keep" if dry_run else "kept"
    click.echo(f"{kept} {destroyed.consents} consent records as proof, {consents_note}")

"""`flask --app qb contact …`: destroy enquiries whose retention period has ended."""

import click
from flask.cli import with_appcontext

from .retention import RetentionError, purge_expired, retention_days


@click.group()
def contact():
    """Enquiries from the contact form."""


@contact.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be destroyed; change nothing.")
@with_appcontext
def purge_command(dry_run):
    """Destroy enquiries older than ENQUIRY_RETENTION_DAYS, with their mails (run daily)."""
    try:
        days = retention_days()
        purged = purge_expired(dry_run=dry_run)
    except RetentionError as error:
        raise click.ClickException(str(error)) from error
    verb = "would destroy" if dry_run else "destroyed"
    ids = " ".join(map(str, purged.enquiry_ids)) or "-"
    click.echo(f"{verb} {len(purged.enquiry_ids)} enquiries older than {days} days: {ids}")
    click.echo(f"{verb} {purged.mails} mails")
    kept = "would keep" if dry_run else "kept"
    click.echo(f"{kept} {purged.consents} consent records as proof, without the enquiry link")

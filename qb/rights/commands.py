"""`flask --app qb rights …`: housekeeping of the "my data" links and sessions."""

import click
from flask.cli import AppGroup

from . import services

rights = AppGroup("rights", help='The "my data" pages: links and sessions.')


@rights.command("purge")
def purge_command():
    """Delete sessions past their time and links older than a day (run daily; each request
    for a link does it too)."""
    services.purge_now()
    click.echo("expired sessions and old links deleted")

"""`flask --app qb policy …`: publishing a new revision of the policy in one step."""

import click
from flask.cli import AppGroup

from ..content_check import ContentCheck
from . import archive

policy = AppGroup("policy", help="The personal data policy and its revisions.")


@policy.command("publish")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--effective", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
def publish_command(folder, effective):
    """Put the new texts in FOLDER (kk.txt, ru.txt, en.txt and changes.toml saying what
    changed, one line per language) in force from --effective; the texts in force are kept
    as the previous revision, readable at /politika/<number>."""
    try:
        number = archive.publish(folder, effective.date())
    except archive.PublishError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"revision {number} in force from {effective.date().isoformat()}")
    problems = ContentCheck().run()
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException("flask content check found problems: fix them before deploying")

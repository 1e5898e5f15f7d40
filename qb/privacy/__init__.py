"""Personal data as one declaration acts on it: export, block, depersonalise, destroy.

A shared service (no URL), layered above the consent and outbox services it uses: its
verbs (services.py) work from the declaration in qb/personal_data.py, every erasure is
journaled (journal.py) so `flask privacy reapply` can make it again after a restore, and
`flask privacy register` writes the processing register from the same declaration.
"""

from . import journal  # noqa: F401 - registers the journal's commit hooks
from .commands import privacy as privacy_cli


def init_app(app):
    """Register `flask privacy …`."""
    app.cli.add_command(privacy_cli)

"""The operator's processing register (Law 94-V Art. 25), written from the declaration.

The list of personal data, per table and column, with its purpose, legal ground, period,
recipients and cross-border transfers, as Markdown (docs/processing-register.md, and the
summary inside docs/privacy.md) or CSV. Periods and the mailbox provider come from the
configuration, so the register states what this installation does.
"""

import csv
import io
import re
from dataclasses import dataclass

from flask import current_app

from ..config import ROOT
from ..consent.services import HOME_COUNTRY
from ..extensions import db
from ..operator import mailbox_provider
from ..personal_data import GROUNDS, PURPOSES, RECIPIENTS, RETENTION, personal_columns

DOCS = ROOT / "docs"
REGISTER_DOC = DOCS / "processing-register.md"
PRIVACY_DOC = DOCS / "privacy.md"
BEGIN, END = "<!-- register:begin -->", "<!-- register:end -->"
CSV_HEADER = [
    "table",
    "column",
    "category",
    "purpose",
    "ground",
    "retention",
    "recipients",
    "cross_border_country",
    "depersonalised_as",
]


@dataclass(frozen=True)
class Entry:
    """One personal column in the register."""

    table: str
    column: str
    category: str
    purpose: str
    ground: str
    retention: str
    recipients: str
    cross_border: str
    depersonalised_as: str


def entries():
    """Every personal column of every table, in table order."""
    config = current_app.config
    found = []
    for table in db.metadata.sorted_tables:
        for name, declared in personal_columns(table):
            countries = [_country(r, config) for r in declared.recipients]
            abroad = sorted({c for c in countries if c and c != HOME_COUNTRY})
            found.append(
                Entry(
                    table.name,
                    name,
                    declared.category,
                    PURPOSES[declared.purpose],
                    GROUNDS[declared.ground],
                    _period(declared.retention, config),
                    "; ".join(_recipient(r, config) for r in declared.recipients) or "none",
                    ", ".join(abroad) or "none",
                    "erased" if declared.depersonalise == "erase" else f"«{declared.replacement}»",
                )
            )
    return found


def _period(key, config):
    return re.sub(r"\{([A-Z_]+)\}", lambda m: str(config[m.group(1)]), RETENTION[key])


def _country(recipient, config):
    return config["OPERATOR_MAILBOX_COUNTRY"] if recipient == "operator-mailbox" else None


def _recipient(recipient, config):
    if recipient == "operator-mailbox":
        country = config["OPERATOR_MAILBOX_COUNTRY"]
        return f"{mailbox_provider('en')} ({country}): the operator's mailbox"
    return RECIPIENTS[recipient]


def as_csv():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for entry in entries():
        writer.writerow(list(entry.__dict__.values()))
    return out.getvalue()


def summary_table():
    """The table of personal data (one row per column): the register's core."""
    lines = [
        "| table | column | data | purpose | period | recipients | abroad | depersonalised |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for e in entries():
        lines.append(
            f"| `{e.table}` | `{e.column}` | {e.category} | {e.purpose} | {e.retention} "
            f"| {e.recipients} | {e.cross_border} | {e.depersonalised_as} |"
        )
    return "\n".join(lines) + "\n"


def as_markdown():
    """The whole register as a Markdown page."""
    config = current_app.config
    grounds = {}
    for e in entries():
        grounds.setdefault(e.purpose, set()).add(e.ground)
    purposes = "\n".join(
        f"- **{purpose}**: {'; '.join(sorted(found))}" for purpose, found in grounds.items()
    )
    provider = mailbox_provider("en")
    country = config["OPERATOR_MAILBOX_COUNTRY"]
    return f"""# Processing register

The operator's list of personal data (Law 94-V Art. 25(2)(1)) with the purpose, legal
ground, period, recipients and cross-border transfers of each item, and what
depersonalising leaves of it. Generated from the declaration next to each model
(`qb/personal_data.py`) by `flask --app qb privacy register --docs`; a test fails when it
no longer matches, so edit the declaration, not this page.

**Where the data is stored:** the site's own database, on a server in Kazakhstan
(Law 94-V Art. 12(2)). **Third party and cross-border transfer:** the notification of
each enquiry reaches the operator's mailbox, hosted by {provider} in {country}
(`OPERATOR_MAILBOX_PROVIDER`, `OPERATOR_MAILBOX_COUNTRY`); the consent texts name both.
Mail to a person goes to the mailbox provider they chose. Nothing is published.

## Purposes and legal grounds

{purposes}

## Personal data

{summary_table()}
Not personal: every other column (ids, statuses, times, languages, hashes of tokens,
consent records once unlinked, mailbox pseudonyms in the erasure journal). The test
`tests/test_personal_data_declaration.py` fails when a column is declared neither way.
"""


def write_docs():
    """docs/processing-register.md anew, and the summary inside docs/privacy.md."""
    REGISTER_DOC.write_text(as_markdown(), encoding="utf-8")
    text = PRIVACY_DOC.read_text(encoding="utf-8")
    PRIVACY_DOC.write_text(with_summary(text), encoding="utf-8")


def with_summary(text):
    """`text` (docs/privacy.md) with the summary between its markers replaced."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + summary_table() + text[end:]

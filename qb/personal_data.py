"""The personal-data declaration: every column of every model says what it holds.

Each column carries `info=personal(...)` (it holds personal data: its category, purpose,
legal ground, retention and what depersonalising does to it) or `info=NOT_PERSONAL`. A model
that holds data about a person also names how its rows are found, as a class attribute
`__personal__ = Holder(...)`: by a mailbox key column (the enquiry, the subscription) or by
a subject string such as "enquiry:12" (the outbox's `ref`, the consent record's `subject`).

The privacy engine (qb/privacy) exports, blocks, depersonalises and destroys from this one
declaration, the processing register is generated from it, and a test fails when a column
is declared neither way. The catalogues below keep the words of the register in one place:
a declaration naming a purpose, ground, retention or recipient they lack fails at import.
"""

from dataclasses import dataclass, field

# What depersonalising does to a personal column: "erase" (NULL, or "" where the column
# may not be NULL) or "replace" (a constant; "{id}" in it becomes the row's id, for
# columns that must stay unique). Keeping the value is not depersonalising.
DEPERSONALISE = ("erase", "replace")

PURPOSES = {
    "enquiry": "Answering the enquiry sent with the contact form",
    "newsletter": "Sending news and offers to a subscriber who confirmed",
    "mail": "Delivering the site's mail, and the record of each transfer",
    "cookie-proof": "Proof of the visitor's choice about cookies and analytics",
    "console-access": "Signing the operator's staff in to the console and naming them "
    "in its audit log",
    "my-data": "Proving a person's address before showing or changing their data (my data)",
}
GROUNDS = {
    "consent": "Consent of the person (Law 94-V Art. 7(1), 8)",
    "consent-proof": "The operator's duty to prove consent and log transfers "
    "(Law 94-V Art. 25(2)(5), 22(1)(5))",
    "access-control": "The operator's duty to protect personal data and record who "
    "reached it (Law 94-V Art. 22, 25)",
    "request": "The person's own request about their data (Law 94-V Art. 24, 10(2))",
}
# Periods: {setting} is filled in from the configuration when the register is written.
RETENTION = {
    "enquiry": "{ENQUIRY_RETENTION_DAYS} days after the enquiry arrives "
    "(ENQUIRY_RETENTION_DAYS), or until consent is withdrawn",
    "newsletter": "Until the subscriber unsubscribes; unconfirmed: "
    "{NEWSLETTER_CONFIRM_DAYS} days (NEWSLETTER_CONFIRM_DAYS)",
    "with-subject": "As long as the enquiry or subscription it belongs to",
    "cookie-choice": "As long as the record of the choice is kept (docs/consent.md)",
    "operator-account": "As long as the account exists; a disabled account is kept so that "
    "the audit log's operator ids keep naming one person",
    "my-data": "A link: a day after it was mailed; a session: {RIGHTS_SESSION_MINUTES} "
    "minutes (RIGHTS_SESSION_MINUTES)",
}
# Who else receives the data. The operator's mailbox is hosted by a third party, in a
# country the settings name: the register resolves both from the configuration.
RECIPIENTS = {
    "operator-mailbox": "The provider of the operator's mailbox "
    "(OPERATOR_MAILBOX_PROVIDER, in OPERATOR_MAILBOX_COUNTRY)",
    "recipient-mailbox": "The provider of the person's own mailbox (mail to the person)",
}


class UndeclaredColumn(LookupError):
    """A column with neither personal(...) nor NOT_PERSONAL in its info."""


@dataclass(frozen=True)
class Personal:
    """What one personal column holds, why, on which ground, how long, how it is undone."""

    category: str
    purpose: str
    ground: str
    retention: str
    depersonalise: str
    replacement: str | None = None
    recipients: tuple = ()


def personal(
    category, purpose, ground, retention, depersonalise, *, replacement=None, recipients=()
):
    """`info=` of a column holding personal data."""
    declared = Personal(
        category, purpose, ground, retention, depersonalise, replacement, tuple(recipients)
    )
    _check(declared)
    return {"personal": declared}


def _check(declared):
    if declared.depersonalise not in DEPERSONALISE:
        raise ValueError(f"depersonalise must be one of {DEPERSONALISE}")
    if (declared.depersonalise == "replace") != (declared.replacement is not None):
        raise ValueError('a replacement is given with depersonalise="replace", and only then')
    for value, catalogue in (
        (declared.purpose, PURPOSES),
        (declared.ground, GROUNDS),
        (declared.retention, RETENTION),
        *((recipient, RECIPIENTS) for recipient in declared.recipients),
    ):
        if value not in catalogue:
            raise ValueError(f"{value!r} is not in the declaration's catalogues")


# `info=` of a column holding no personal data (ids, statuses, times, token hashes…).
NOT_PERSONAL = {"personal": None}


@dataclass(frozen=True)
class Holder:
    """How the rows of a model that holds data about a person are found and treated.

    `kind`: the subject prefix of its rows ("enquiry" -> "enquiry:12"). Rows are found by
    `mailbox_column` (a qb.mailbox.mailbox_key) or by `subject_column` (a subject string).
    `on_destroy`: "delete" the row, or "unlink" it (kept as proof: the subject cleared, its
    `destroyed_at`/`destroyed_reason` set). `section`: its name in the access export,
    `export`: the columns the export shows, `derived`: personal columns that only repeat
    another exported one (the mailbox key of the address, the HTML of a text body).
    """

    kind: str
    section: str
    export: tuple
    mailbox_column: str | None = None
    subject_column: str | None = None
    on_destroy: str = "delete"
    derived: tuple = field(default_factory=tuple)

    def __post_init__(self):
        if (self.mailbox_column is None) == (self.subject_column is None):
            raise ValueError("a holder is found by a mailbox column or by a subject column")
        if self.on_destroy not in ("delete", "unlink"):
            raise ValueError("on_destroy is 'delete' or 'unlink'")


def declaration(column):
    """The Personal of a column, or None for NOT_PERSONAL; UndeclaredColumn otherwise."""
    if "personal" not in column.info:
        raise UndeclaredColumn(f"{column.table.name}.{column.name}")
    return column.info["personal"]


def undeclared_columns(metadata):
    """Every "table.column" of `metadata` declared neither personal nor not personal."""
    missing = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if "personal" not in column.info:
                missing.append(f"{table.name}.{column.name}")
    return missing


def personal_columns(table):
    """[(column name, Personal)] of a table's personal columns, in column order."""
    return [(c.name, c.info["personal"]) for c in table.columns if c.info.get("personal")]


def holders(model_base):
    """[(model class, Holder)] of every mapped model that declares `__personal__`."""
    found = []
    for mapper in model_base.registry.mappers:
        holder = mapper.class_.__dict__.get("__personal__")
        if holder is not None:
            found.append((mapper.class_, holder))
    return sorted(found, key=lambda pair: pair[0].__tablename__)

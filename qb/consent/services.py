"""Consent texts as shown, and their records: added with the data, unlinked when it goes.

`new_consent` makes a record that the caller adds to the session next to its own rows, so
the proof is committed exactly when the data it covers is (the outbox's `queue_mail` works
the same way); `unlink` runs inside the caller's destruction, which commits.
"""

import hashlib

import sqlalchemy as sa
from babel import Locale
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from ..clock import utcnow
from ..content import policy_revision
from ..extensions import db
from ..i18n import localized_path
from ..operator import legal_name, mailbox_provider
from .models import PURPOSES, ConsentRecord

# Raise when the wording of a consent text changes in any language (its hash changes anyway).
TEXT_VERSION = 1
HOME_COUNTRY = "KZ"  # where the site's database is (Law 94-V Art. 12(2))


def consent_text(purpose, lang):
    """The consent text for `purpose` in `lang`, as the page shows it (HTML).

    It depends only on settings and the catalogues, so each process renders it once.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"no consent text for {purpose!r}")
    texts = current_app.extensions.setdefault("qb_consent_texts", {})
    if (purpose, lang) not in texts:
        texts[purpose, lang] = _render(purpose, lang)
    return texts[purpose, lang]


def _render(purpose, lang):
    config = current_app.config
    locale = Locale.parse(lang)
    with force_locale(lang):
        html = render_template(
            f"consent/{purpose}.html",
            operator=legal_name(lang),
            operator_bin=config["OPERATOR_BIN"],
            operator_address=config["OPERATOR_ADDRESS"],
            operator_email=config["OPERATOR_EMAIL"],
            provider=mailbox_provider(lang),
            provider_country=locale.territories.get(config["OPERATOR_MAILBOX_COUNTRY"], ""),
            home_country=locale.territories[HOME_COUNTRY],
            days=int(config["ENQUIRY_RETENTION_DAYS"]),
            policy_path=localized_path("/politika", lang),
        )
    return Markup(html.strip())


def text_digest(text):
    """SHA-256 (hex) of a consent text exactly as shown."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def new_consent(*, purpose, status, language, method, subject=None):
    """The record of a consent to `purpose`'s text in `language`, not yet in the session.

    The caller adds and commits it with the data it covers, setting `subject` once that
    has an id.
    """
    return ConsentRecord(
        subject=subject,
        purpose=purpose,
        status=status,
        text_version=TEXT_VERSION,
        text_sha256=text_digest(consent_text(purpose, language)),
        policy_revision=policy_revision().number,
        language=language,
        method=method,
        created_at=utcnow(),
    )


def unlink(subjects, reason, now=None):
    """Clear the subject of every record given with `subjects`; the number of records.

    The records stay as proof that consent was given, naming nobody; the caller destroys
    the subjects themselves and commits.
    """
    result = db.session.execute(
        sa.update(ConsentRecord)
        .where(ConsentRecord.subject.in_(list(subjects)))
        .values(subject=None, destroyed_at=now or utcnow(), destroyed_reason=reason)
    )
    return result.rowcount

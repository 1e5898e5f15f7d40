"""Consent texts as shown, and their records: added with the data, unlinked when it goes.

`new_consent` makes a record that the caller adds to the session next to its own rows, so
the proof is committed exactly when the data it covers is (the outbox's `queue_mail` works
the same way); the privacy engine unlinks records when the data they cover is destroyed.
"""

import hashlib

from babel import Locale
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy.dialects import postgresql, sqlite

from ..clock import utcnow
from ..content import policy_revision
from ..extensions import db
from ..i18n import LANGUAGES
from ..operator import legal_name, mailbox_provider
from .models import PURPOSES, ConsentRecord, ConsentText

HOME_COUNTRY = "KZ"  # where the site's database is (Law 94-V Art. 12(2))


def consent_text(purpose, lang):
    """The consent text for `purpose` in `lang`, as the page shows it (HTML).

    It depends only on settings, the template and the catalogues, so each process renders
    it once (or on every call while PAGE_CACHE is off, so that edits show at once).
    """
    if purpose not in PURPOSES:
        raise ValueError(f"no consent text for {purpose!r}")
    if not current_app.config["PAGE_CACHE"]:
        return _render(purpose, lang)
    texts = current_app.extensions.setdefault("qb_consent_texts", {})
    if (purpose, lang) not in texts:
        texts[purpose, lang] = _render(purpose, lang)
    return texts[purpose, lang]


def text_version(purpose):
    """The version of `purpose`'s consent text: a number that follows its wording.

    The first 28 bits of the SHA-256 of the text in every language, so any change of
    wording, in any language, or of a setting the text states gives a new version by
    itself, and an unchanged text keeps its version across restarts and hosts.
    """
    texts = "\0".join(str(consent_text(purpose, lang)) for lang in LANGUAGES)
    return int(text_digest(texts)[:7], 16)


def _render(purpose, lang):
    config = current_app.config
    locale = Locale.parse(lang)
    country = config["OPERATOR_MAILBOX_COUNTRY"]
    with force_locale(lang):
        html = render_template(
            f"consent/{purpose}.html",
            operator=legal_name(lang),
            operator_bin=config["OPERATOR_BIN"],
            operator_address=config["OPERATOR_ADDRESS"],
            operator_email=config["OPERATOR_EMAIL"],
            provider=mailbox_provider(lang),
            provider_country=locale.territories.get(country, country),
            cross_border=country != HOME_COUNTRY,
            days=int(config["ENQUIRY_RETENTION_DAYS"]),
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
    text = consent_text(purpose, language)
    version, digest = text_version(purpose), text_digest(text)
    archive_text(digest, purpose=purpose, language=language, version=version, text=text)
    return ConsentRecord(
        subject=subject,
        purpose=purpose,
        status=status,
        text_version=version,
        text_sha256=digest,
        policy_revision=policy_revision().number,
        language=language,
        method=method,
        created_at=utcnow(),
    )


def archive_text(digest, *, purpose, language, version, text):
    """Keep `text` in the consent-text archive under its SHA-256, once; the caller commits.

    Runs with every new record, in its transaction, so a record's text is archived exactly
    when the record is; a text already archived keeps its first_shown_at.
    """
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(ConsentText)
    db.session.execute(
        insert.values(
            sha256=digest,
            purpose=purpose,
            language=language,
            version=version,
            text=str(text),
            first_shown_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["sha256"])
    )


def archived_text(text_sha256):
    """(text, language, purpose, version) of an archived consent text, or None.

    Records made before the archive existed (migration 0008) may find none.
    """
    row = db.session.get(ConsentText, text_sha256)
    if row is None:
        return None
    return row.text, row.language, row.purpose, row.version

"""The mails of "my data": the link that proves an address, and the receipt of each change.

Nothing anyone typed goes into a link mail: the address is not proven yet. Receipts name
what was changed (which record, which fields, how many rows), never the values. Neither is
tied to a record (no `ref`): a receipt must go out even when the record it names was
destroyed a moment later. `services.purge` deletes them a day after they were sent.
"""

import secrets

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import localized_path
from ..outbox.services import render_mail
from .models import ACCESS

LINK_KIND = "rights-link"
RECEIPT_KIND = "rights-receipt"
KINDS = (LINK_KIND, RECEIPT_KIND)


def site_url(path, lang):
    """An absolute link to `path` in `lang` (SITE_URL, never the request's host)."""
    return current_app.config["SITE_URL"].rstrip("/") + localized_path(path, lang)


def link_mail(link, token):
    """The mail with a link: to the person's data, or proving a new address."""
    lang = link.language
    access = link.purpose == ACCESS
    path = f"/my-data/open/{token}" if access else f"/my-data/new-email/{token}"
    with force_locale(lang):
        subject = (
            _("Your link to your personal data") if access else _("Confirm your new e-mail address")
        )
    return {
        "kind": LINK_KIND,
        "key": f"rights-link:{link.id}",
        "new_key": True,
        "to": link.email,
        "subject": subject,
        **render_mail(
            "rights_link",
            lang,
            access=access,
            link_url=site_url(path, lang),
            minutes=int(current_app.config["RIGHTS_LINK_MINUTES"]),
        ),
    }


def receipt_mail(session, action, details):
    """The receipt of a change made in a session, to the session's address, in its language."""
    return _receipt(
        f"rights-receipt:{session.id}:{secrets.token_hex(8)}",
        session.email,
        session.language,
        action=action,
        record=details["subject"],
        fields=details.get("fields", ()),
        destroyed=details.get("destroyed", 0),
    )


def new_email_receipt(link):
    """The receipt of a changed address: to the new address, which was just proven."""
    return _receipt(
        f"rights-receipt:link:{link.id}",
        link.email,
        link.language,
        action="new-email",
        record=None,
        fields=("email",),
        destroyed=0,
    )


def _receipt(key, to, lang, **context):
    with force_locale(lang):
        subject = _("Receipt: a change to your personal data")
    return {
        "kind": RECEIPT_KIND,
        "key": key,
        "to": to,
        "subject": subject,
        **render_mail("rights_receipt", lang, **context),
    }

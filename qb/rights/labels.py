"""How "my data" names records and fields to the person, in their language, and how it
shows their values (times in Kazakhstan time)."""

from datetime import datetime

from babel import Locale
from flask_babel import format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..clock import in_kazakhstan
from ..i18n import LANGUAGE_NAMES

ENQUIRY_PREFIX = "enquiry:"
SUBSCRIBER_PREFIX = "subscriber:"

FIELDS = {
    "id": _l("Number"),
    "created_at": _l("Received"),
    "name": _l("Full name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "message": _l("Message"),
    "language": _l("Language"),
    "status": _l("Status"),
    "purpose": _l("Purpose"),
    "method": _l("How it was given"),
    "given_at": _l("Given"),
    "policy_revision": _l("Policy revision"),
    "text_version": _l("Text version"),
    "text_sha256": _l("Text checksum (SHA-256)"),
    "text": _l("The text you agreed to"),
    "kind": _l("Mail"),
    "recipient": _l("To"),
    "sent_at": _l("Sent"),
    "provider": _l("Mail provider"),
    "country": _l("Country"),
    "confirmed_at": _l("Confirmed"),
    "subject": _l("Record"),
    "ref": _l("Record"),
    "recipient_name": _l("Recipient's name"),
    "to": _l("Recipient"),
    "blocked": _l("Blocked"),
}
# The same key meaning something else in one section.
SECTION_FIELDS = {
    ("transfers", "subject"): _l("Subject line"),
    ("consents", "created_at"): _l("Given"),
}


def field_label(name, section=None):
    """The visible name of a field of the person's data (its key if it has none)."""
    return SECTION_FIELDS.get((section, name)) or FIELDS.get(name, name)


def field_labels(names):
    """Several field names, joined for a sentence."""
    return ", ".join(str(field_label(name)) for name in names)


def record_label(subject):
    """ "enquiry:12" as «your enquiry No. 12», "subscriber:5" as the subscription."""
    subject = subject or ""
    if subject.startswith(ENQUIRY_PREFIX):
        return _("your enquiry No. %(number)s", number=subject[len(ENQUIRY_PREFIX) :])
    if subject.startswith(SUBSCRIBER_PREFIX):
        return _("your subscription to news and offers")
    return subject


PURPOSES = {
    "enquiry": _l("Consent to process an enquiry"),
    "newsletter": _l("Consent to news and offers"),
}
TIME_FIELDS = {"created_at", "given_at", "sent_at", "confirmed_at", "withdrawn_at"}
# What the engine counts when it destroys (table: rows), as the person reads it.
DESTROYED = {
    "enquiry": lambda n: ngettext("%(num)s enquiry", "%(num)s enquiries", n),
    "newsletter_subscriber": lambda n: ngettext("%(num)s subscription", "%(num)s subscriptions", n),
    "outbox_message": lambda n: ngettext(
        "%(num)s mail we sent or were about to send",
        "%(num)s mails we sent or were about to send",
        n,
    ),
    "consent_record": lambda n: ngettext(
        "%(num)s consent record unlinked from you", "%(num)s consent records unlinked from you", n
    ),
}


# The codes the data holds, as the person reads them (a code not listed is shown as it is).
VALUES = {
    "status": {
        "new": _l("received"),
        "given": _l("given"),
        "pending": _l("waiting"),
        "withdrawn": _l("withdrawn"),
        "confirmed": _l("confirmed"),
        "sending": _l("being sent"),
        "sent": _l("sent"),
        "failed": _l("not delivered"),
    },
    "method": {
        "contact-form": _l("the contact form"),
        "newsletter-form": _l("the news and offers form"),
        "double-opt-in": _l("the confirmation link"),
        "unsubscribe-link": _l("the unsubscribe link"),
        "operator": _l("the operator"),
    },
    "kind": {
        "contact-operator": _l("your enquiry, to the operator"),
        "contact-acknowledgement": _l("the acknowledgement of your enquiry"),
        "newsletter-confirmation": _l("the request to confirm your subscription"),
        "newsletter": _l("news and offers"),
        "rights-link": _l("a link to your personal data"),
        "rights-receipt": _l("a receipt for a change"),
    },
}


def shown_time(value):
    """A stored time (naive UTC, or ISO text from the engine) in Kazakhstan time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return format_datetime(in_kazakhstan(value), "medium")


def shown_value(key, value, section=None):
    if key in TIME_FIELDS and value:
        return shown_time(value)
    if key == "ref" or (key == "subject" and section == "consents"):
        return record_label(value)
    if key == "to":
        return _("the operator's mailbox") if value == "operator" else _("your own mailbox")
    if key == "purpose":
        return PURPOSES.get(value, value)
    if key == "language":
        return LANGUAGE_NAMES.get(value, value)
    if key == "country" and value:
        return Locale.parse(get_locale()).territories.get(value, value)
    if key in VALUES and isinstance(value, str):
        return VALUES[key].get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def consent_label(consent):
    return PURPOSES.get(consent.get("purpose"), consent.get("purpose") or "")


def consent_html(text):
    """The exact consent text shown, as it was shown (the archive keeps the rendered HTML)."""
    return Markup(text)


def destroyed_label(table, number):
    label = DESTROYED.get(table)
    return label(number) if label else f"{table}: {number}"


def init_app(app):
    for function in (
        record_label,
        field_label,
        field_labels,
        shown_time,
        shown_value,
        consent_label,
        consent_html,
        destroyed_label,
    ):
        app.add_template_global(function)

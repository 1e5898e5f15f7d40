"""The daily reminder to the person responsible for the register: ids, kinds and deadlines
only, never what a request was about or who made it."""

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import format_locale
from ..outbox.services import queue_mail, render_mail
from .labels import KIND_LABELS
from .workdays import local_day

REMINDER_KIND = "requests-reminder"


def responsible_address(config=None):
    """Where reminders go: RESPONSIBLE_EMAIL, or OPERATOR_EMAIL when it is not set."""
    config = config or current_app.config
    return config.get("RESPONSIBLE_EMAIL") or config["OPERATOR_EMAIL"]


def queue_reminder(requests, today, cutoff_day, now):
    """Queue the reminder listing `requests` (due by the end of `cutoff_day`); the caller
    commits. One per day: a second run on the same Kazakhstan day queues nothing new."""
    config = current_app.config
    lang = config["OPERATOR_LANGUAGE"]
    locale = format_locale(lang)
    with force_locale(lang):
        items = [
            {
                "id": request.id,
                "kind": str(KIND_LABELS[request.kind]),
                "due": format_date(local_day(request.due_at), "long", locale=locale),
                "overdue": request.due_at < now,
            }
            for request in requests
        ]
        cutoff = format_date(cutoff_day, "long", locale=locale)
        subject = _("Requests about personal data due by %(date)s", date=cutoff)
    return queue_mail(
        kind=REMINDER_KIND,
        key=f"{REMINDER_KIND}:{today.isoformat()}",
        to=responsible_address(config),
        subject=subject,
        **render_mail("requests_reminder", lang, items=items, cutoff=cutoff),
    )

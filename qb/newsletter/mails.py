"""The newsletter's messages: the confirmation request, and the headers of campaign mail."""

from urllib.parse import quote, urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import localized_path
from ..outbox.services import render_mail
from .tokens import unsubscribe_token

CONFIRMATION_KIND = "newsletter-confirmation"


def subject_of(subscriber_id):
    """How consent records and outbox rows name a subscriber."""
    return f"subscriber:{subscriber_id}"


def site_url(path, lang):
    """An absolute link to `path` in `lang` (SITE_URL, never the request's host)."""
    return current_app.config["SITE_URL"].rstrip("/") + localized_path(path, lang)


def confirmation_mail(subscriber, token):
    """The confirmation request as queue_mail fields: one link, nothing anyone typed.

    Not even the name: the address is not confirmed yet, so whatever the form put into this
    mail could be sent by anyone to a stranger from the operator's domain.
    """
    lang = subscriber.language
    days = int(current_app.config["NEWSLETTER_CONFIRM_DAYS"])
    with force_locale(lang):
        subject = _("Please confirm your subscription to news and offers")
    return {
        "kind": CONFIRMATION_KIND,
        "key": f"{subject_of(subscriber.id)}:confirm:{subscriber.confirm_token_hash[:16]}",
        "to": subscriber.email,
        "subject": subject,
        **render_mail(
            "newsletter_confirmation",
            lang,
            confirm_url=site_url(f"/newsletter/confirm/{token}", lang),
            days=days,
            home_url=site_url("/", lang),
        ),
        "ref": subject_of(subscriber.id),
    }


def unsubscribe_url(subscriber_id, lang):
    """The subscriber's unsubscribe link: the page (GET) and the one-click target (POST)."""
    return site_url(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber_id)}", lang)


def list_id():
    """The List-Id of news and offers (RFC 2919)."""
    config = current_app.config
    host = urlsplit(config["SITE_URL"]).hostname or "localhost"
    return config["NEWSLETTER_LIST_ID"] or f"newsletter.{host}"


def opt_out_subject(lang):
    """The subject line policy §4.2 asks an opt-out by e-mail to carry, in `lang`."""
    with force_locale(lang):
        return _("Opt-out of notifications about new products and services and special offers")


def list_headers(url, lang):
    """List-Unsubscribe (the HTTPS link, then a mailto: to the operator with the policy's
    subject line), List-Unsubscribe-Post for one click (RFC 8058) and List-Id."""
    operator = current_app.config["OPERATOR_EMAIL"]
    mailto = f"mailto:{operator}?subject={quote(opt_out_subject(lang), safe='')}"
    return {
        "List-Unsubscribe": [f"<{url}>", f"<{mailto}>"],
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Qauipsiz Bolashaq news and offers <{list_id()}>",
    }

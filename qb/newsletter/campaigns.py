"""Campaigns: Markdown files per language, rendered once per language, queued per subscriber.

A campaign is `templates/content/<lang>/newsletters/<name>.md`: header lines (`Title:` and
`Description:` as every content file has, for the maintainer, and `Subject:` for the mail), a
blank line, then Markdown, read as the content files are (raw HTML shown as text, script URLs
dropped, site links in the file's language). Each language is rendered
once with placeholders; each subscriber's copy only fills in their unsubscribe link and
name, so queueing costs little per subscriber.
"""

import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape

from ..content import content_path, read_document
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..outbox.models import BULK, PENDING, OutboxMessage
from ..outbox.services import queue_many, render_mail
from .mails import list_headers, subject_of, unsubscribe_url
from .models import CONFIRMED, Subscriber

KIND = "newsletter"
FOLDER = "newsletters"
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
BATCH = 500  # subscribers queued per transaction
_HOLE = "qbhole" + secrets.token_hex(8)
_URL_HOLE, _NAME_HOLE = f"{_HOLE}url", f"{_HOLE}name"
_RELATIVE = re.compile(r'((?:href|src)=")(/(?!/))')
_TEXT_LINK = re.compile(r"\]\((/(?!/)[^)\s]*)\)")


class CampaignError(ValueError):
    """The campaign cannot be sent as it is (no such file, no Kazakh text, no subject)."""


@dataclass(frozen=True)
class Version:
    """One language's text: the subject, and both bodies with placeholders."""

    lang: str
    subject: str
    greeting: dict  # "named" and "plain": (text, html) of the mail, with placeholders


@dataclass
class Campaign:
    name: str
    versions: dict = field(default_factory=dict)  # language -> Version it is sent in
    missing: list = field(default_factory=list)  # languages that fall back to Kazakh

    def key_prefix(self):
        return f"{KIND}:{self.name}:"


def campaign_file(name, lang):
    return content_path(lang, FOLDER, f"{name}.md")


def load_campaign(name):
    """Every language's version; Kazakh (which every language falls back to) must exist."""
    if not NAME.fullmatch(name or ""):
        raise CampaignError("a campaign name is lower-case letters, digits and hyphens")
    if not campaign_file(name, DEFAULT_LANGUAGE).is_file():
        raise CampaignError(f"no Kazakh text: templates/content/kk/{FOLDER}/{name}.md")
    campaign = Campaign(name)
    for lang in LANGUAGES:
        if campaign_file(name, lang).is_file():
            campaign.versions[lang] = _render(name, lang)
        else:
            campaign.missing.append(lang)
    for lang in campaign.missing:  # the whole mail in Kazakh, links to the Kazakh pages
        campaign.versions[lang] = campaign.versions[DEFAULT_LANGUAGE]
    return campaign


def _render(name, lang):
    path = campaign_file(name, lang)
    try:
        document = read_document(path, lang)
    except ValueError as error:
        raise CampaignError(f"{lang}/{FOLDER}/{name}.md: {error}") from error
    subject = document.meta.get("subject", "")
    if not subject:
        raise CampaignError(f"{lang}/{FOLDER}/{name}.md: no Subject: header line")
    site = current_app.config["SITE_URL"].rstrip("/")
    html = _RELATIVE.sub(lambda m: m.group(1) + site + m.group(2), document.html)
    # The Markdown without its header reads well as plain text.
    text = _body(path.read_text(encoding="utf-8"))
    prefix = "" if lang == DEFAULT_LANGUAGE else f"/{lang}"
    text = _TEXT_LINK.sub(lambda m: f"]({site}{prefix}{m.group(1)})", text)
    greeting = {
        named: _frame(lang, subject, Markup(html), text, _NAME_HOLE if named else None)
        for named in (True, False)
    }
    return Version(lang, subject, greeting)


def _frame(lang, subject, html, text, name):
    mail = render_mail(
        "newsletter_campaign",
        lang,
        subject=subject,
        body_html=html,
        body_text=text,
        subscriber_name=name,
        unsubscribe_url=_URL_HOLE,
    )
    return mail["text"], mail["html"]


def _body(source):
    """The Markdown below the header lines (`Key: value` lines up to the first blank line)."""
    lines = source.replace("\r\n", "\n").split("\n")
    if lines and re.match(r"[A-Za-z][A-Za-z0-9_-]*:", lines[0]):
        while lines and lines[0].strip():
            lines.pop(0)
    return "\n".join(lines).strip()


def message(campaign, subscriber):
    """One subscriber's copy as queue_mail fields, in their language."""
    version = campaign.versions.get(subscriber.language, campaign.versions[DEFAULT_LANGUAGE])
    url = unsubscribe_url(subscriber.id, version.lang)
    text, html = version.greeting[bool(subscriber.name)]
    name = subscriber.name or ""
    return {
        "kind": KIND,
        "key": f"{campaign.key_prefix()}{subscriber.id}",
        "to": subscriber.email,
        "subject": version.subject,
        "text": text.replace(_URL_HOLE, url).replace(_NAME_HOLE, name),
        "html": html.replace(_URL_HOLE, str(escape(url))).replace(_NAME_HOLE, str(escape(name))),
        "ref": subject_of(subscriber.id),
        "sender": current_app.config["NEWSLETTER_SENDER"],
        "priority": BULK,
        "headers": list_headers(url, version.lang),
    }


def audience():
    """Confirmed subscribers per language: {lang: count}."""
    query = (
        sa.select(Subscriber.language, sa.func.count())
        .where(Subscriber.status == CONFIRMED, Subscriber.blocked_at.is_(None))
        .group_by(Subscriber.language)
    )
    return dict(db.session.execute(query).all())


def queue_campaign(campaign, progress=None, stop=None, batch=BATCH):
    """Queue one copy per confirmed subscriber, committed batch by batch; the number added.

    Run again after an interruption, it adds only the copies still missing: the outbox
    key (campaign and subscriber) is unique. A subscriber who leaves while a batch is queued
    gets nothing: their row is locked meanwhile (PostgreSQL), and copies for anyone no longer
    confirmed are deleted before the commit (SQLite, where the write lock orders the two).
    `stop()` true ends it after the batch in hand.
    """
    added, after = 0, 0
    while not (stop and stop()):
        subscribers = db.session.execute(
            sa.select(Subscriber.id, Subscriber.email, Subscriber.name, Subscriber.language)
            .where(
                Subscriber.status == CONFIRMED,
                Subscriber.blocked_at.is_(None),  # blocked: processing suspended
                Subscriber.id > after,
            )
            .order_by(Subscriber.id)
            .limit(batch)
            .with_for_update(read=True)
        ).all()
        if not subscribers:
            db.session.rollback()
            return added
        after = subscribers[-1].id
        try:
            added += queue_many(message(campaign, s) for s in subscribers)
            _drop_copies_for_leavers(campaign, [s.id for s in subscribers])
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if progress is not None:
            progress(len(subscribers))
    return added


def _drop_copies_for_leavers(campaign, ids):
    still = sa.select(Subscriber.id).where(
        Subscriber.id.in_(ids), Subscriber.status == CONFIRMED, Subscriber.blocked_at.is_(None)
    )
    gone = set(ids) - set(db.session.scalars(still))
    if gone:
        keys = [f"{campaign.key_prefix()}{sid}" for sid in gone]
        db.session.execute(
            sa.delete(OutboxMessage).where(
                OutboxMessage.idempotency_key.in_(keys), OutboxMessage.status == PENDING
            )
        )

"""Helpers for the "my data" tests: asking for a link as a browser does, the link from the
queued mail, a session opened with it, and the rows the pages leave behind."""

import re

import sqlalchemy as sa

from qb.extensions import db
from qb.outbox.models import OutboxMessage
from qb.rights.models import RightsLink, RightsSession

# No rate limit or fill time unless a test is about them.
SETTINGS = {
    "RATELIMIT_ENABLED": False,
    "RIGHTS_MIN_FILL_SECONDS": 0,
    "CONTACT_MIN_FILL_SECONDS": 0,
    "NEWSLETTER_MIN_FILL_SECONDS": 0,
}
ACCESS_LINK = re.compile(r"https?://[^\s<>\"]+/my-data/open/[A-Za-z0-9_-]+")
EMAIL_LINK = re.compile(r"https?://[^\s<>\"]+/my-data/new-email/[A-Za-z0-9_-]+")
SESSION_COOKIE = "__Host-my-data"
BROWSER_COOKIE = "__Host-my-data-browser"


def hidden_fields(html):
    fields = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', html))
    assert set(fields) == {"csrf_token", "form_token"}, "the form lacks its hidden fields"
    return fields


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def ask_for_link(client, email, path="/my-data"):
    """Open the form and send it with `email`, as a browser does."""
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={**hidden_fields(page.text), "email": email})


def path_of(url):
    return "/" + url.split("/", 3)[3]


def mailed_links(app, pattern=ACCESS_LINK):
    """Every link of `pattern` in the queued mail, oldest first, with its recipient."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.recipient, OutboxMessage.body_text).order_by(OutboxMessage.id)
        ).all()
    return [(to, path_of(m.group(0))) for to, body in rows if (m := pattern.search(body or ""))]


def last_link(app, pattern=ACCESS_LINK):
    links = mailed_links(app, pattern)
    assert links, "no link was mailed"
    return links[-1][1]


def open_session(client, link):
    """Open a mailed link and press its button; the response of the POST."""
    page = client.get(link)
    assert page.status_code == 200, page.text
    return client.post(link, data={"csrf_token": csrf_of(page.text)})


def start(app, client, email, path="/my-data"):
    """Ask for a link with `email`, open it and press the button: the session's data page."""
    assert ask_for_link(client, email, path).status_code == 303
    response = open_session(client, last_link(app))
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"])


def links(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(RightsLink).order_by(RightsLink.id)))


def sessions(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(RightsSession).order_by(RightsSession.id)))


def outbox(app, **filters):
    with app.app_context():
        query = sa.select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))

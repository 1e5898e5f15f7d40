"""The "my data" link: the same answer for every address, a single-use link mailed only to an
address the site holds data for, tied to the browser that asked, opened by a button."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from qb.clock import utcnow
from qb.extensions import db
from qb.outbox.models import OutboxMessage
from qb.rights.models import RightsLink, RightsSession

from .factories import new_enquiry
from .rights_helpers import (
    BROWSER_COOKIE,
    SESSION_COOKIE,
    SETTINGS,
    ask_for_link,
    csrf_of,
    last_link,
    links,
    mailed_links,
    open_session,
    outbox,
    sessions,
)

KNOWN = "asel@example.kz"


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/my-data", "Менің деректерім"), ("/ru/my-data", "Мои данные"), ("/en/my-data", "My data")],
)
def test_the_form_in_every_language(app, path, heading):
    page = app.test_client().get(path)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    for field in ('name="email"', 'name="website"', 'name="csrf_token"', 'name="form_token"'):
        assert field in page.text


def test_a_known_address_gets_one_link_in_the_page_language(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    before = len(outbox(app))
    response = ask_for_link(client, "Asel@Example.kz", "/ru/my-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/ru/my-data/sent")
    assert "Проверьте электронную почту" in client.get(response.headers["Location"]).text
    [mail] = outbox(app)[before:]
    assert mail.kind == "rights-link" and mail.recipient == "Asel@example.kz"
    assert "Ссылка на Ваши персональные данные" in mail.subject
    assert "/ru/my-data/open/" in mail.body_text and "/ru/my-data" in mail.body_html
    [link] = links(app)
    token = last_link(app).rsplit("/", 1)[1]
    assert len(token) >= 22 and token not in link.token_hash  # >= 128 bits, stored hashed
    assert (link.expires_at - link.created_at) == timedelta(minutes=30)
    assert client.get_cookie(BROWSER_COOKIE) is not None


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_mailed_or_kept(app):
    new_enquiry(app, email=KNOWN)
    before = len(outbox(app))
    known = ask_for_link(app.test_client(), KNOWN)
    unknown_client = app.test_client()
    unknown = ask_for_link(unknown_client, "stranger@example.kz")
    assert (unknown.status_code, unknown.headers["Location"]) == (
        known.status_code,
        known.headers["Location"],
    )
    assert unknown_client.get_cookie(BROWSER_COOKIE) is not None  # set either way
    assert [m.recipient for m in outbox(app)[before:]] == [KNOWN]
    assert len(links(app)) == 1


def test_one_mailbox_gets_a_few_links_a_day_in_any_spelling(make_app):
    app = make_app(**SETTINGS, RIGHTS_LINKS_PER_MAILBOX=2, tables=True)
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    for spelling in (KNOWN, "ASEL+x@example.kz", "asel@EXAMPLE.kz"):
        assert ask_for_link(client, spelling).status_code == 303
    assert len(mailed_links(app)) == 2


def test_link_requests_per_client_are_limited(make_app):
    settings = {**SETTINGS, "RATELIMIT_ENABLED": True, "RIGHTS_RATE_LIMIT": "2 per minute"}
    app = make_app(**settings, tables=True)
    client = app.test_client()
    assert [ask_for_link(client, f"n{i}@example.kz").status_code for i in range(2)] == [303, 303]
    refused = ask_for_link(client, "n3@example.kz")
    assert refused.status_code == 429 and "Retry-After" in refused.headers


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 260 + ".kz"])
def test_a_bad_address_is_refused_in_the_page_language(app, email):
    response = ask_for_link(app.test_client(), email, "/en/my-data")
    assert response.status_code == 422 and "No link has been sent yet" in response.text
    assert links(app) == []


def test_opening_the_link_changes_nothing_and_the_button_starts_a_session(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    ask_for_link(client, KNOWN, "/en/my-data")
    link = last_link(app)
    for _scanner in range(3):  # link scanners open it, some more than once
        page = client.get(link)
        assert page.status_code == 200 and "Open my data" in page.text
        assert page.headers["Cache-Control"] == "no-store"
    assert [row.used_at for row in links(app)] == [None] and sessions(app) == []
    response = client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/my-data/data")
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie.http_only and cookie.secure and cookie.same_site == "Strict"
    [session] = sessions(app)
    assert session.expires_at - session.created_at == timedelta(minutes=15)
    assert cookie.value not in session.cookie_hash

    again = client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 200 and "This link has already been used" in again.text
    assert "/en/my-data" in again.text and len(sessions(app)) == 1


def test_a_link_opened_in_another_browser_asks_to_open_it_where_it_was_asked_for(app):
    new_enquiry(app, email=KNOWN)
    ask_for_link(app.test_client(), KNOWN, "/ru/my-data")
    other = app.test_client()
    page = other.get(last_link(app))
    assert page.status_code == 403 and "Откройте ссылку в том браузере" in page.text
    assert 'method="post"' not in page.text
    token = csrf_of(other.get("/ru/my-data").text)
    assert other.post(last_link(app), data={"csrf_token": token}).status_code == 403
    assert sessions(app) == [] and links(app)[0].used_at is None


def test_an_expired_link_opens_nothing(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    ask_for_link(client, KNOWN, "/en/my-data")
    with app.app_context():
        db.session.execute(sa.update(RightsLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    page = client.get(last_link(app))
    assert page.status_code == 200 and "This link has expired" in page.text
    token = csrf_of(client.get("/en/my-data").text)
    assert "This link has expired" in client.post(last_link(app), data={"csrf_token": token}).text
    assert sessions(app) == []


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("change", ["tampered", "truncated", "junk"])
def test_a_tampered_link_gets_a_localised_404(app, method, change):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    ask_for_link(client, KNOWN)
    link = last_link(app)
    wrong = {
        "tampered": link[:-2] + ("aa" if not link.endswith("aa") else "bb"),
        "truncated": link[:-5],
        "junk": "/my-data/open/%3Cscript%3E",
    }[change]
    data = {"csrf_token": csrf_of(client.get("/my-data").text)} if method == "post" else None
    response = getattr(client, method)(wrong, data=data)
    assert response.status_code == 404 and "Бұл сілтеме жарамсыз" in response.text
    assert sessions(app) == []


def test_a_post_without_its_token_changes_nothing(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    ask_for_link(client, KNOWN, "/en/my-data")
    client.get(last_link(app))
    response = client.post(last_link(app))
    assert response.status_code == 400 and "This page has expired" in response.text
    assert sessions(app) == [] and links(app)[0].used_at is None
    assert open_session(client, last_link(app)).status_code == 303  # the link still works


def test_a_new_access_link_does_not_confirm_an_address(app):
    """A link opens only the page it was sent for."""
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    ask_for_link(client, KNOWN)
    token = last_link(app).rsplit("/", 1)[1]
    assert client.get(f"/my-data/new-email/{token}").status_code == 404


def test_the_daily_purge_forgets_old_links_sessions_and_mails(app):
    new_enquiry(app, email=KNOWN)
    client = app.test_client()
    assert open_session(client, ask_for_link(client, KNOWN) and last_link(app)).status_code == 303
    with app.app_context():
        two_days_ago = utcnow() - timedelta(days=2)
        db.session.execute(sa.update(RightsLink).values(created_at=two_days_ago))
        db.session.execute(sa.update(RightsSession).values(expires_at=two_days_ago))
        db.session.execute(sa.update(OutboxMessage).values(status="sent", created_at=two_days_ago))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rights", "purge"])
    assert result.exit_code == 0, result.output
    assert links(app) == [] and sessions(app) == []
    kinds = {m.kind for m in outbox(app)}
    assert "rights-link" not in kinds and "contact-operator" in kinds  # only its own mail


@pytest.mark.parametrize(("lang", "prefix"), [("kk", ""), ("ru", "/ru"), ("en", "/en")])
def test_the_link_mail_carries_nothing_typed_and_the_sites_footer(app, lang, prefix):
    new_enquiry(app, email=KNOWN)
    ask_for_link(app.test_client(), "Asel+Typed@Example.kz", f"{prefix}/my-data")
    [mail] = outbox(app, kind="rights-link")
    for body in (mail.body_text, mail.body_html):
        assert "Typed" not in body.replace(mail.recipient, "")  # only the address it goes to
        assert f"https://qauipsizbolashaq.kz{prefix}/my-data" in body  # the footer's page
        assert "Qauipsizbolashaq@yandex.ru" in body  # and the operator's address
    assert f'lang="{lang}"' in mail.body_html

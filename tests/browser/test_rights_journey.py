""" "My data" in real Chromium, JavaScript on and off: ask for a link, read it from the mail an
aiosmtpd server received, open it, download both exports, correct the name and phone,
withdraw a consent and log out; the pages pass axe. A link opened in another browser opens
nothing."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db
from tests.browser.conftest import serving_app
from tests.factories import ENQUIRY, new_enquiry
from tests.outbox_helpers import send as deliver

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LINK = re.compile(r"http://[^\s<>\"]+/my-data/open/[A-Za-z0-9_-]+")


@pytest.fixture
def site(tmp_path, smtp_server):
    """(base URL, app, SMTP sink): the site mailing a real aiosmtpd server."""
    with serving_app(
        tmp_path,
        RIGHTS_MIN_FILL_SECONDS=0,  # a person types slower than Playwright
        RIGHTS_RATE_LIMIT="1000 per minute",
        **smtp_server.settings(),
    ) as (base_url, app):
        yield base_url, app, smtp_server


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def tab(request, browser):
    context = browser.new_context(java_script_enabled=request.param, accept_downloads=True)
    yield context.new_page(), request.param
    context.close()


def axe_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def mailed_link(app, sink):
    """Deliver the outbox to the SMTP server (each message is received before the server
    answers it); the newest link in what it received."""
    deliver(app)
    bodies = [m.message.get_body(("plain",)).get_content() for m in sink.messages]
    return [found.group(0) for body in bodies if (found := LINK.search(body))][-1]


def ask(page, base_url, email):
    page.goto(base_url + "/en/my-data")
    page.fill("#email", email)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(base_url + "/en/my-data/sent")


def test_the_whole_journey(tab, site, axe_source, tmp_path):
    base_url, app, sink = site
    page, scripted = tab
    email = "journey@example.kz"
    enquiry_id = new_enquiry(app, email=email, language="en")
    ask(page, base_url, email)
    assert page.locator("h1").inner_text() == "Please check your e-mail"

    link = mailed_link(app, sink)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Open my data"
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base_url + "/en/my-data/data")
    assert ENQUIRY["message"] in page.inner_text("main")
    assert not scripted or axe_violations(page, axe_source) == []  # axe needs scripts

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["schema"] == "qb.person/1" and data["enquiries"][0]["id"] == enquiry_id
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a page to read or print").click()
    assert ENQUIRY["message"] in Path(download.value.path()).read_text(encoding="utf-8")

    page.get_by_role("link", name="Correct name and phone").click()
    page.fill("#phone", "12")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert not scripted or axe_violations(page, axe_source) == []  # axe needs scripts
    page.fill("#name", "Asel Bekova")
    page.fill("#phone", "+7 701 765 43 21")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("text=Your data has been corrected")
    with app.app_context():
        enquiry = db.session.get(Enquiry, enquiry_id)
        assert (enquiry.name, enquiry.phone) == ("Asel Bekova", "+77017654321")

    page.get_by_role("link", name="Back to my data").click()
    page.get_by_role("link", name="Withdraw consent").first.click()
    assert "What will be destroyed at once" in page.inner_text("main")
    assert not scripted or axe_violations(page, axe_source) == []  # axe needs scripts
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("text=Your consent has been withdrawn")
    with app.app_context():
        assert db.session.scalars(sa.select(Enquiry).filter_by(email=email)).all() == []
    deliver(app)  # the receipts of the correction and the withdrawal
    subjects = [m.message["Subject"] for m in sink.messages]
    assert subjects[-2:] == ["Receipt: a change to your personal data"] * 2

    page.get_by_role("link", name="Back to my data").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_selector("text=You have logged out")
    page.goto(base_url + "/en/my-data/data")
    assert page.locator("h1").inner_text() == "Your session has ended"


def test_a_link_opened_in_another_browser_opens_nothing(site, browser):
    base_url, app, sink = site
    email = "elsewhere@example.kz"
    new_enquiry(app, email=email, language="en")
    asking = browser.new_context()
    ask(asking.new_page(), base_url, email)
    link = mailed_link(app, sink)
    other = browser.new_context()
    page = other.new_page()
    page.goto(link)
    assert page.locator("h1").inner_text() == (
        "Please open the link in the browser where you asked for it"
    )
    assert page.locator("main form").count() == 0
    page.get_by_role("link", name="Ask for a new link").click()
    assert page.url == base_url + "/en/my-data"
    opened = asking.pages[0]
    opened.goto(link)
    opened.locator("main form button[type=submit]").click()
    opened.wait_for_url(base_url + "/en/my-data/data")
    asking.close()
    other.close()


def test_the_pages_pass_axe_in_every_language(page, site, axe_source):
    base_url, _app, _sink = site
    for path in ("/my-data", "/ru/my-data", "/en/my-data", "/en/my-data/sent"):
        page.goto(base_url + path)
        assert axe_violations(page, axe_source) == [], path
    page.goto(base_url + "/en/my-data")
    page.locator("form button[type=submit]").click()
    assert axe_violations(page, axe_source) == []

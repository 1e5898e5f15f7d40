"""News and offers in real Chromium, JavaScript on and off: subscribe, confirm with the link
from the mail, unsubscribe with the page's button; the one-click POST as a mail client sends
it; the form with its errors passes axe."""

import urllib.request

import pytest
import sqlalchemy as sa

from qb.extensions import db
from qb.newsletter.mails import unsubscribe_url
from qb.newsletter.models import Subscriber
from tests.browser.conftest import serving_app
from tests.newsletter_helpers import queued_link

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def newsletter_server(tmp_path_factory):
    """(base URL, app) of the site with its tables, served by werkzeug in a thread."""
    with serving_app(
        tmp_path_factory.mktemp("newsletter"),
        NEWSLETTER_MIN_FILL_SECONDS=0,  # a person types slower than Playwright
        NEWSLETTER_RATE_LIMIT="1000 per minute",
    ) as served:
        yield served


def subscriber(app, email):
    with app.app_context():
        return db.session.scalars(sa.select(Subscriber).filter_by(email=email)).first()


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def tab(request, browser):
    context = browser.new_context(java_script_enabled=request.param)
    yield context.new_page(), request.param
    context.close()


def test_subscribe_confirm_and_unsubscribe_in_the_browser(tab, newsletter_server):
    base_url, app = newsletter_server
    page, scripted = tab
    email = f"browser-{scripted}@example.kz"
    page.goto(base_url + "/en/newsletter")
    page.fill("#email", email)
    page.fill("#name", "Әсел")
    page.locator("form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1  # the box is not ticked
    assert page.input_value("#email") == email
    assert subscriber(app, email) is None

    page.check("#newsletter-consent")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(base_url + "/en/newsletter/thanks")
    assert page.locator("h1").inner_text() == "Please check your e-mail"
    found = subscriber(app, email)
    assert found.status == "pending"

    page.goto(queued_link(app, found.id))  # the link from the mail, opened
    assert page.locator("h1").inner_text() == "Confirm your subscription"
    assert subscriber(app, email).status == "pending"
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("text=Your subscription is confirmed")
    assert subscriber(app, email).status == "confirmed"

    with app.test_request_context():
        link = unsubscribe_url(found.id, "en")
    page.goto(link)
    assert page.locator("h1").inner_text() == "Unsubscribe from news and offers"
    assert subscriber(app, email) is not None
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("text=You have unsubscribed")
    assert subscriber(app, email) is None


def test_the_one_click_post_of_a_mail_client(newsletter_server, browser):
    base_url, app = newsletter_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/newsletter")
    page.fill("#email", "one-click@example.kz")
    page.check("#newsletter-consent")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(base_url + "/newsletter/thanks")
    page.goto(queued_link(app, subscriber(app, "one-click@example.kz").id))
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("h1")
    context.close()
    found = subscriber(app, "one-click@example.kz")
    assert found.status == "confirmed"

    with app.test_request_context():
        link = unsubscribe_url(found.id, "kk")
    for _retry in range(2):  # what Gmail's button sends: no cookie, the RFC 8058 body
        request = urllib.request.Request(
            link,
            data=b"List-Unsubscribe=One-Click",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and response.url == link  # no redirect
            assert "Set-Cookie" not in response.headers
    assert subscriber(app, "one-click@example.kz") is None


def test_the_form_with_its_errors_passes_axe(page, newsletter_server, axe_source):
    base_url, _app = newsletter_server
    page.goto(base_url + "/ru/newsletter")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.get_attribute("#email", "aria-invalid") == "true"
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert [v["id"] for v in result["violations"]] == []

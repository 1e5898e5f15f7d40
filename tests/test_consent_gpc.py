"""Global Privacy Control, and the budget of consent records each client has for GPC and choices."""

import random

import pytest

from .consent_helpers import (
    CONSENT_ID,
    SAME_ORIGIN,
    choose,
    consent_cookie,
    records,
    set_cookies,
)
from .site import ANALYTICS_SETTINGS

GPC = {"Sec-GPC": "1"}


def test_gpc_is_a_refusal_recorded_once_the_browser_keeps_the_cookie(consent_app):
    client = consent_app.test_client()
    response = client.get("/ru/about", headers=GPC)
    assert 'class="consent-banner"' not in response.text
    assert "analytics.js" not in response.text
    # Remembered in the cookie, not stored: a client that drops cookies never causes a write.
    assert consent_cookie(response).startswith("qb_consent=g.r1.ga0.ym0.")
    assert records(consent_app) == []
    # The browser sent the cookie back: now the refusal is recorded, once.
    response = client.get("/ru/", headers=GPC)
    assert consent_cookie(response).startswith("qb_consent=1.r1.ga0.ym0.")
    for path in ("/", "/en/about", "/ru/cookies"):
        assert not set_cookies(client.get(path, headers=GPC))
    [record] = records(consent_app)
    assert (record.method, record.granted, record.refused) == ("gpc", "", "ga ym")
    assert "Global Privacy Control" in client.get("/en/cookies", headers=GPC).text


def test_an_unrecorded_gpc_cookie_allows_nothing_and_is_never_forged_into_consent(consent_app):
    client = consent_app.test_client()
    client.set_cookie("qb_consent", f"g.r1.ga0.ym0.{CONSENT_ID}")
    html = client.get("/").text  # GPC switched off since: still a refusal, no banner
    assert 'class="consent-banner"' not in html and "analytics.js" not in html
    client.set_cookie("qb_consent", f"g.r1.ga1.ym1.{CONSENT_ID}")  # never written by us
    html = client.get("/").text
    assert 'class="consent-banner"' in html and "analytics.js" not in html
    assert records(consent_app) == []


def test_gpc_withdraws_an_earlier_consent(consent_app):
    client = consent_app.test_client()
    client.set_cookie("qb_consent", f"1.r1.ga1.ym1.{CONSENT_ID}")
    client.set_cookie("_ga", "GA1.1.1")
    response = client.get("/", headers=GPC)
    assert "analytics.js" not in response.text
    assert consent_cookie(response).startswith(f"qb_consent=1.r1.ga0.ym0.{CONSENT_ID};")
    assert any(h.startswith("_ga=;") for h in set_cookies(response))
    assert [r.method for r in records(consent_app)] == ["gpc"]
    # A choice posted while GPC is on changes nothing.
    choose(client, "all", headers={**SAME_ORIGIN, **GPC})
    assert len(records(consent_app)) == 1


@pytest.fixture
def limited_app(make_app):
    """The site with analytics offered and a budget of two consent records per client."""
    app = make_app(**ANALYTICS_SETTINGS, CONSENT_RATE_LIMIT="2 per minute", tables=True)
    return app


def test_a_client_keeping_no_cookie_is_refused_everything_and_never_recorded(limited_app):
    client = limited_app.test_client(use_cookies=False)  # like `curl -H 'Sec-GPC: 1'`
    paths = ("/", "/ru/", "/en/", "/about", "/", "/en/cookies", "/ru/contact") * 3
    responses = [client.get(path, headers=GPC) for path in paths]
    assert {r.status_code for r in responses} == {200}
    assert records(limited_app) == []
    for response in responses:  # honoured on every view
        assert 'class="consent-banner"' not in response.text
        assert "analytics.js" not in response.text
        assert consent_cookie(response).startswith("qb_consent=g.r1.ga0.ym0.")


def test_returned_gpc_cookies_are_recorded_only_within_the_clients_budget(limited_app):
    client = limited_app.test_client()
    for n in range(4):  # four different "browsers" behind one address, each keeping its cookie
        client.set_cookie("qb_consent", f"g.r1.ga0.ym0.{chr(ord('A') + n) * 22}")
        response = client.get("/", headers=GPC)
        assert "analytics.js" not in response.text
    assert len(records(limited_app)) == 2
    # Beyond the budget the cookie is not rewritten: a real browser's next view records it.
    assert not set_cookies(response)


def test_posting_choices_is_rate_limited(limited_app):
    client = limited_app.test_client()
    statuses = [choose(client, "none", prefix="/ru").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(records(limited_app)) == 2


def test_gpc_records_and_posted_choices_share_one_budget(limited_app):
    client = limited_app.test_client()
    client.set_cookie("qb_consent", f"g.r1.ga0.ym0.{CONSENT_ID}")
    client.get("/", headers=GPC)
    client.delete_cookie("qb_consent")
    assert choose(client, "none").status_code == 303
    assert choose(client, "none").status_code == 429
    client.get("/en/", headers=GPC)
    assert [r.method for r in records(limited_app)] == ["gpc", "reject_all"]


def test_other_clients_keep_their_own_budget(limited_app):
    flooding = limited_app.test_client()
    for n in range(4):
        flooding.set_cookie("qb_consent", f"g.r1.ga0.ym0.{chr(ord('A') + n) * 22}")
        flooding.get("/", headers=GPC)
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    other.get("/", headers=GPC)
    assert consent_cookie(other.get("/", headers=GPC))
    assert len(records(limited_app)) == 3


def test_without_rate_limits_every_returned_gpc_cookie_is_recorded(make_app):
    app = make_app(
        **ANALYTICS_SETTINGS,
        CONSENT_RATE_LIMIT="1 per minute",
        RATELIMIT_ENABLED=False,
        tables=True,
    )
    client = app.test_client()
    for n in range(3):
        client.set_cookie("qb_consent", f"g.r1.ga0.ym0.{chr(ord('A') + n) * 22}")
        client.get("/", headers=GPC)
    assert len(records(app)) == 3


def test_workers_share_the_budget_in_redis(make_app, redis_uri):
    settings = {**ANALYTICS_SETTINGS, "CONSENT_RATE_LIMIT": "2 per minute"}
    one = make_app(**settings, RATELIMIT_STORAGE_URI=redis_uri, tables=True)
    two = make_app(**settings, RATELIMIT_STORAGE_URI=redis_uri)  # the same database
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    for n, app in enumerate((one, two, one, two)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        client.set_cookie("qb_consent", f"g.r1.ga0.ym0.{chr(ord('A') + n) * 22}")
        assert client.get("/", headers=GPC).status_code == 200
    assert len(records(one)) == 2

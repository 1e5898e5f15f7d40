"""The choice cookie: parsed strictly, anything but a current choice means no consent."""

import pytest

from qb.cookies import choice as services

from .consent_helpers import (
    CONSENT_ID,
    GA_HOSTS,
    choice_cookie,
    csp_hosts,
    has_banner,
    third_party_hosts,
)
from .site import ANALYTICS_SETTINGS

HOSTILE_COOKIES = [
    "",
    "garbage",
    "1",
    "1.r1.ga1.ym1",
    choice_cookie(1, 1) + "x",
    choice_cookie(1, 1)[:-1],
    choice_cookie(2, 1),
    choice_cookie(1, 1, revision=0),
    choice_cookie(1, 1, revision=2),
    "1.r1.ym1.ga1." + CONSENT_ID,
    "1.r1.ga1." + CONSENT_ID,
    "1.r1.ga1.ym1.xx1." + CONSENT_ID,
    "2.r1.ga1.ym1." + CONSENT_ID,
    choice_cookie(1, 1) + " script-src *",
    '"' + choice_cookie(1, 1) + '; script-src *"',
    "1.r1.ga1.ym1.AAAAAAAAAAAAAAAAAAAAA\r\nX-Evil: 1",
    choice_cookie(1, 1, consent_id="Ä" * 22),
    choice_cookie(1, 1, consent_id="A" * 21 + "="),
    "1.r1.ga1.ym1." + "A" * 5000,
    "script-src * 'unsafe-inline'",
]


def get_with_raw_cookie(app, path, cookie):
    """GET with a Cookie header straight in the WSGI environ, where a test client's own
    header checks cannot refuse it (and with no cookie jar to replace it)."""
    client = app.test_client(use_cookies=False)
    return client.get(path, environ_overrides={"HTTP_COOKIE": cookie})


def test_the_raw_cookie_helper_reaches_the_app(consent_app):
    response = get_with_raw_cookie(consent_app, "/ru/", f"qb_consent={choice_cookie(1, 1)}")
    assert not has_banner(response.text)


@pytest.mark.parametrize("value", HOSTILE_COOKIES)
def test_anything_but_a_current_choice_means_no_consent(consent_app, value):
    response = get_with_raw_cookie(consent_app, "/ru/", f"qb_consent={value}")
    assert response.status_code == 200
    assert has_banner(response.text)
    assert third_party_hosts(response) == set()
    shown = response.text + str(response.headers)
    for part in {value, value[-24:], "X-Evil", "unsafe-inline"} - {""}:
        if part not in ("1", "garbage"):
            assert part not in shown


def test_other_cookies_in_the_header_change_nothing(consent_app):
    cookie = f"qb_consent={choice_cookie(1, 0)}; script-src *; qb_consent=1.r1.ga1.ym1.x"
    response = get_with_raw_cookie(consent_app, "/ru/", cookie)
    assert csp_hosts(response)["script-src"] == GA_HOSTS["script-src"]
    assert "*;" not in response.headers["Content-Security-Policy"].replace("https://*.", "")


def test_parse_accepts_only_the_exact_format(consent_app):
    settings = consent_app.extensions["qb_cookies"]
    choice = services.read_choice(settings, choice_cookie(1, 0))
    assert choice == services.Choice(CONSENT_ID, frozenset({"ga"}))
    assert services.format_choice(settings, choice) == choice_cookie(1, 0)
    assert services.read_choice(settings, choice_cookie(1, 0) + "\n") is None


def test_new_policy_revision_asks_again(make_app, monkeypatch):
    from qb.content import Revision

    monkeypatch.setattr(services, "policy_revision", lambda: Revision(2, "2027-01-01"))
    client = make_app(**ANALYTICS_SETTINGS).test_client()
    client.set_cookie("qb_consent", choice_cookie(1, 1, revision=1))
    assert has_banner(client.get("/").text)
    client.set_cookie("qb_consent", choice_cookie(1, 1, revision=2))
    assert not has_banner(client.get("/").text)


def test_a_changed_vendor_list_asks_again(make_app):
    settings = {**ANALYTICS_SETTINGS, "YANDEX_METRICA_ID": ""}
    client = make_app(**settings).test_client()
    client.set_cookie("qb_consent", choice_cookie(1, 1))
    response = client.get("/en/")
    assert has_banner(response.text)
    assert "Yandex" not in response.text
    client.set_cookie("qb_consent", "1.r1.ga1." + CONSENT_ID)
    response = client.get("/en/")
    assert not has_banner(response.text)
    assert csp_hosts(response)["script-src"] == GA_HOSTS["script-src"]

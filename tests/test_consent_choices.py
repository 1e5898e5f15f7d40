"""Making, changing and withdrawing a consent choice: the POST, its proof, clean-up, CLI."""

import csv
import io

import pytest
import sqlalchemy as sa

from qb.cookies.commands import _cell
from qb.cookies.models import CookieConsent
from qb.extensions import db

from .consent_helpers import (
    CONSENT_ID,
    SAME_ORIGIN,
    choice_cookie,
    choose,
    consent_cookie,
    records,
    set_cookies,
)
from .factories import new_cookie_choice
from .site import ANALYTICS_SETTINGS


@pytest.mark.parametrize(
    ("choice", "fields", "granted", "refused", "method"),
    [
        ("all", {}, "ga ym", "", "accept_all"),
        ("none", {}, "", "ga ym", "reject_all"),
        ("save", {"ym": "1"}, "ym", "ga", "custom"),
        ("save", {}, "", "ga ym", "custom"),
    ],
)
def test_a_first_choice_is_recorded_and_remembered(
    consent_app, choice, fields, granted, refused, method
):
    client = consent_app.test_client()
    response = choose(client, choice, **fields)
    assert response.status_code == 303
    assert response.location == "/en/about"
    [record] = records(consent_app)
    assert (record.granted, record.refused, record.method) == (granted, refused, method)
    assert record.language == "en" and record.policy_revision == 1
    assert len(record.banner_version) == 12 and len(record.consent_id) == 22
    flags = "".join(f".{key}{int(key in granted.split())}" for key in ("ga", "ym"))
    assert consent_cookie(response).startswith(f"qb_consent=1.r1{flags}.{record.consent_id};")
    page = client.get("/en/about").text
    assert 'class="consent-banner"' not in page
    assert ("analytics.js" in page) == bool(granted)


def test_changes_and_withdrawals_keep_the_consent_id(consent_app):
    client = consent_app.test_client()
    choose(client, "all", prefix="")
    choose(client, "save", prefix="/ru", ga="1", ym="1")
    choose(client, "save", ga="1")
    choose(client, "all")
    choose(client, "none")
    rows = records(consent_app)
    assert [r.method for r in rows] == [
        "accept_all",
        "change",
        "withdrawal",
        "change",
        "withdrawal",
    ]
    assert [r.language for r in rows] == ["kk", "ru", "en", "en", "en"]
    assert len({r.consent_id for r in rows}) == 1


def test_the_records_hold_no_ip_address_or_user_agent(consent_app):
    columns = set(CookieConsent.__table__.columns.keys())
    assert columns == {
        "id", "consent_id", "recorded_at", "granted", "refused",
        "policy_revision", "banner_version", "language", "method",
    }  # fmt: skip
    client = consent_app.test_client()
    choose(client, "all", headers={**SAME_ORIGIN, "User-Agent": "Agent/7.7"})
    with consent_app.app_context():
        values = db.session.execute(sa.text("select * from cookie_consent")).one()
    assert not any("Agent/7.7" in str(v) or "127.0.0.1" in str(v) for v in values)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost.evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    ],
)
def test_a_post_without_same_origin_proof_is_refused(consent_app, headers):
    client = consent_app.test_client()
    response = choose(client, "all", headers=headers, prefix="/ru")
    assert response.status_code == 403
    assert "Доступ запрещён" in response.text
    assert "Set-Cookie" not in response.headers
    assert records(consent_app) == []


def test_a_matching_origin_is_proof_enough(consent_app):
    client = consent_app.test_client()
    response = choose(client, "none", headers={"Origin": "http://localhost"})
    assert response.status_code == 303
    assert len(records(consent_app)) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"choice": "maybe"},
        {"choice": ""},
        {},
        {"choice": "save", "ga": "0"},
        {"choice": "save", "ga": "on"},
        {"choice": "save", "ga": ["1", "1"]},
    ],
)
def test_a_malformed_choice_is_a_localised_400(consent_app, fields):
    response = consent_app.test_client().post(
        "/consent", data={"next": "/", **fields}, headers=SAME_ORIGIN
    )
    assert response.status_code == 400
    assert "Сұрау қате" in response.text
    assert records(consent_app) == []


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("/ru/offers/fire-safety-audit", "/ru/offers/fire-safety-audit"),
        ("/", "/"),
        ("//evil.example/", "/en/"),
        ("/\\evil.example", "/en/"),
        ("\\\\evil.example", "/en/"),
        ("https://evil.example/", "/en/"),
        ("javascript:alert(1)", "/en/"),
        ("/ok//evil", "/en/"),
        ("/a\r\nSet-Cookie: x=1", "/en/"),
        ("/?next=//evil", "/en/"),
        ("", "/en/"),
        ("/" + "a" * 600, "/en/"),
        ("/ünïcode", "/en/"),
    ],
)
def test_the_way_back_is_a_same_site_path_or_home(consent_app, next_path, expected):
    response = choose(consent_app.test_client(), "none", next_path=next_path)
    assert response.status_code == 303
    assert response.location == expected


def test_settings_without_javascript_lead_to_the_cookie_page(consent_app):
    response = choose(consent_app.test_client(), "settings", prefix="/ru")
    assert response.status_code == 303
    assert response.location == "/ru/cookies#consent-settings"
    assert records(consent_app) == []


def test_withdrawal_expires_vendor_cookies_on_host_and_parent_domain(make_app):
    app = make_app(**ANALYTICS_SETTINGS, TRUSTED_HOSTS=["www.qauipsizbolashaq.kz"], tables=True)
    client = app.test_client(use_cookies=False)  # a jar would replace the Cookie header
    base = "https://www.qauipsizbolashaq.kz"
    headers = {"Sec-Fetch-Site": "same-origin", "Cookie": (
        f"qb_consent=1.r1.ga1.ym1.{CONSENT_ID}; _ga=GA1.2.3; _ga_OTHER1=x; _gat_UA1=1; "
        "_ym_uid=1; _ym_visorc=w; _ym_hostIndex=0; _yandexuid=not-ours; other=1"
    )}  # fmt: skip
    response = client.post(
        "/consent", base_url=base, data={"choice": "save", "ga": "1", "next": "/"}, headers=headers
    )
    expired = {}
    for header in set_cookies(response):
        if "Max-Age=0" in header:
            # Over HTTPS the vendors' cookies were Secure, so their replacements are too.
            assert "; Secure" in header, header
            name, *attributes = header.split("; ")
            domains = [a.split("=", 1)[1] for a in attributes if a.startswith("Domain=")]
            expired.setdefault(name.split("=", 1)[0], set()).add(domains[0] if domains else None)
    both = {None, "www.qauipsizbolashaq.kz", "qauipsizbolashaq.kz"}
    assert expired == {name: both for name in (
        "_ym_uid", "_ym_d", "_ym_isad", "_ym_visorc", "_ym_hostIndex",
    )}  # fmt: skip
    assert [r.method for r in records(app)] == ["withdrawal"]
    # Over plain http (development) no Secure cookie could have been set, nor is one sent.
    response = client.post("/consent", data={"choice": "none", "next": "/"}, headers=headers)
    assert all("Secure" not in h for h in set_cookies(response) if "Max-Age=0" in h)


def test_production_consent_cookie_flags_over_https(make_app):
    app = make_app(
        GA_MEASUREMENT_ID="G-TEST12345", TRUSTED_HOSTS=["qauipsizbolashaq.kz"], tables=True
    )
    response = app.test_client().post(
        "/consent",
        base_url="https://qauipsizbolashaq.kz",
        data={"choice": "none", "next": "/"},
        headers=SAME_ORIGIN,
    )
    header = next(h for h in set_cookies(response) if h.startswith("__Host-consent="))
    parts = set(header.split("; ")[1:])
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=15724800"} <= parts
    assert not any(p.startswith("Domain=") for p in parts)


def test_stats_and_export_on_the_command_line(consent_app, tmp_path):
    first = new_cookie_choice(consent_app, "accept_all", granted=("ga", "ym"))
    new_cookie_choice(consent_app, "reject_all", language="ru")
    new_cookie_choice(consent_app, "withdrawal", consent_id=first)
    runner = consent_app.test_cli_runner()

    stats = runner.invoke(args=["consent", "stats"])
    assert stats.exit_code == 0, stats.output
    lines = stats.output.splitlines()
    assert lines[0].split() == ["day", "(Almaty)", "method", "count"]
    assert any(line.split()[1:] == ["accept_all", "1"] for line in lines[1:-1])
    assert any(line.split()[1:] == ["reject_all", "1"] for line in lines[1:-1])
    assert any(line.split()[1:] == ["withdrawal", "1"] for line in lines[1:-1])
    assert lines[-1].split() == ["total", "3"]

    exported = runner.invoke(args=["consent", "export"])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [r["method"] for r in rows] == ["accept_all", "reject_all", "withdrawal"]
    assert set(rows[0]) == {
        "consent_id", "recorded_at_utc", "method", "granted", "refused",
        "policy_revision", "banner_version", "language",
    }  # fmt: skip
    assert rows[0]["consent_id"] == rows[2]["consent_id"] == first
    assert (rows[0]["granted"], rows[1]["refused"]) == ("ga ym", "ga ym")
    assert rows[0]["recorded_at_utc"].endswith("Z") and rows[1]["language"] == "ru"

    target = tmp_path / "consent.csv"
    written = runner.invoke(args=["consent", "export", "--output", str(target)])
    assert written.exit_code == 0
    assert list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))) == rows


def test_stats_without_records(consent_app):
    result = consent_app.test_cli_runner().invoke(args=["consent", "stats"])
    assert result.exit_code == 0 and "No consent records" in result.output


@pytest.mark.parametrize("value", ["=HYPERLINK(1)", "+1", "-1", "@SUM(1)", "\tx"])
def test_export_cells_cannot_become_spreadsheet_formulas(value):
    assert _cell(value) == "'" + value
    assert _cell("accept_all") == "accept_all"


def test_the_cookie_page_showing_a_choice_is_never_stored(consent_app):
    client = consent_app.test_client()
    assert client.get("/en/cookies").headers["Cache-Control"] == "private, no-cache"
    client.set_cookie("qb_consent", choice_cookie(1, 0))
    response = client.get("/en/cookies")
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/en/about").headers["Cache-Control"] == "private, no-cache"

"""Security headers on every response, trusted hosts, size limits, no inline code."""

import re

import pytest

from .site import ROOT

URLS = ["/", "/ru/politika", "/en/no-such-page", "/robots.txt", "/static/css/site.css"]


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert re.search(r"script-src 'nonce-[A-Za-z0-9_-]{20,}'(;|$)", csp)
    assert "http" not in csp, "no third-party host may be allowed"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_hsts_behind_a_trusted_proxy_only(make_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    direct = make_app().test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = make_app(PROXY_COUNT=1).test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" in proxied.headers


def test_html_is_never_shared_cacheable(client):
    assert client.get("/about").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/nope").headers["Cache-Control"] == "private, no-cache"


def test_each_request_gets_its_own_nonce(client):
    nonces = {client.get("/").headers["Content-Security-Policy"] for _ in range(5)}
    assert len(nonces) == 5


@pytest.mark.parametrize(
    "host", ["evil.example", "qauipsizbolashaq.kz.evil.example", "localhost:80@evil"]
)
def test_a_forged_host_is_refused_with_a_localised_page(client, host):
    response = client.get("/ru/about", headers={"Host": host})
    assert response.status_code == 400
    assert "evil" not in response.text
    assert "Неверный запрос" in response.text


def test_production_hosts_are_trusted_by_default(tmp_path):
    from qb.config import Config

    assert "qauipsizbolashaq.kz" in Config.TRUSTED_HOSTS


def test_oversized_bodies_are_refused(client):
    response = client.post("/_test/form", data={"x": "a" * (70 * 1024)})
    assert response.status_code == 413
    assert "Деректер тым көп" in response.text


def test_session_cookie_settings(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024


def test_secure_cookies_by_default(tmp_path):
    from qb.config import Config

    assert Config.SESSION_COOKIE_SECURE is True


def test_the_session_cookie_is_host_only_and_secure(make_app):
    app = make_app(TRUSTED_HOSTS=["qauipsizbolashaq.kz"])
    response = app.test_client().get("/contact", base_url="https://qauipsizbolashaq.kz")
    [header] = response.headers.getlist("Set-Cookie")
    name, *attributes = header.split("; ")
    assert name.startswith("__Host-session=")
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not [a for a in attributes if a.lower().startswith("domain=")]


@pytest.mark.parametrize(
    "path, data, status",
    [
        ("/_test/form", {"x": "1"}, 400),  # no CSRF token
        ("/contact", {"name": "Әсел"}, 400),  # no CSRF token: the form comes back
        ("/en/consent", {"choice": "all"}, 403),  # not from our own pages
        ("/no-such-page", {}, 404),
        ("/politika", {}, 405),
    ],
)
def test_answers_to_posts_are_never_stored(client, path, data, status):
    response = client.post(path, data=data)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_keep_revalidating_caching_and_resources_their_own(client):
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    with client.get("/static/css/site.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


FORBIDDEN = [
    (re.compile(r"\sstyle\s*="), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"<script(?![^>]*\bnonce=)", re.I), "script without nonce"),
    (re.compile(r"<style", re.I), "inline <style>"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"(src|href)=\"(https?:)?//(?!qauipsizbolashaq\.kz)", re.I), "third-party asset"),
]


def test_templates_hold_no_inline_code_or_third_party_assets():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern, what in FORBIDDEN:
            assert not pattern.search(text), f"{path.name}: {what}"


def test_stylesheets_load_nothing_from_elsewhere():
    for path in (ROOT / "static").rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, path.name

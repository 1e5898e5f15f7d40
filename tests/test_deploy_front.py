"""The production front as deployed: Debian's nginx with the site file of deploy/ (rendered for
127.0.0.1 with a throwaway certificate authority) in front of gunicorn with the production
settings. Everything a visitor meets first is checked through real TLS and real HTTP."""

import gzip
import http.client
import re
import ssl

import pytest

from .front import Front, Site, environment, flask, site_settings
from .ports import free_port

# Another loopback address of this machine: a second client with an address of its own.
OTHER_CLIENT = "127.0.0.2"
SPOOFING_HEADERS = (
    {"X-Forwarded-For": "203.0.113.7"},
    {"X-Forwarded-For": "198.51.100.1, 203.0.113.8", "X-Real-IP": "203.0.113.9"},
    {"Forwarded": "for=203.0.113.10;proto=https", "X-Forwarded-For": "192.0.2.1"},
)
HSTS = "max-age=63072000; includeSubDomains"


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    folder = tmp_path_factory.mktemp("front")
    site_port = free_port()
    front = Front(
        folder, http_port=free_port(), https_port=free_port(), upstream=f"127.0.0.1:{site_port}"
    )
    settings = site_settings(folder, front.url)
    settings.update(CONTACT_RATE_LIMIT="2 per minute", NEWSLETTER_RATE_LIMIT="1000 per minute")
    env = environment(settings, {"WORKERS": 1, "THREADS": 4})
    flask(env, "db", "upgrade")
    site = Site(folder, site_port, env)
    try:
        site.wait()
        front.start()
        yield front
    finally:
        front.stop()
        site.stop()


class Answer:
    def __init__(self, response, body):
        self.status = response.status
        self.headers = response.headers
        self.body = body

    def all(self, name):
        return self.headers.get_all(name) or []

    @property
    def text(self):
        if self.headers.get("Content-Encoding") == "gzip":
            return gzip.decompress(self.body).decode()
        return self.body.decode()


def fetch(front, method, path, *, body=None, headers=None, source=None, tls=True):
    if tls:
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            front.https_port,
            timeout=30,
            context=front.client_context(),
            source_address=(source, 0) if source else None,
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", front.http_port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response, response.read())
    finally:
        conn.close()


def test_the_rendered_configuration_passes_nginx_t(front):
    status, output = front.check_config()
    assert status == 0, output
    assert "test is successful" in output
    assert "warn" not in output


def test_plain_http_answers_only_the_certificate_authoritys_challenges(front):
    token = front.acme_root / ".well-known" / "acme-challenge" / "t0ken"
    token.write_text("t0ken.key")
    answer = fetch(front, "GET", "/.well-known/acme-challenge/t0ken", tls=False)
    assert (answer.status, answer.text) == (200, "t0ken.key")
    assert fetch(front, "GET", "/.well-known/acme-challenge/x", tls=False).status == 404


def test_plain_http_only_redirects_to_https(front):
    answer = fetch(
        front,
        "GET",
        "/ru/contact?from=ad",
        tls=False,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
    )
    assert answer.status == 301
    assert answer.headers["Location"] == f"{front.url}/ru/contact?from=ad"
    assert answer.headers["Server"] == "nginx"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ru/contact",
        "/en/politika",
        "/static/css/site.css",
        "/static/missing.css",
        "/no-such-page",
        "/robots.txt",
    ],
)
def test_every_answer_carries_one_hsts_header_and_no_version(front, path):
    answer = fetch(front, "GET", path)
    assert answer.all("Strict-Transport-Security") == [HSTS]
    assert answer.headers["Server"] == "nginx"  # server_tokens off: no version
    assert not re.search(r"nginx/\d", answer.text)


def test_pages_get_the_sites_own_headers_and_compression(front):
    answer = fetch(front, "GET", "/en/contact", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in answer.headers  # by design: frame-ancestors does it
    # The site saw HTTPS through nginx: its session cookie is __Host- and Secure.
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie
    assert "Contact" in answer.text


@pytest.mark.parametrize(
    "path, language, title",
    [
        ("/ru/newsletter", "ru", "Слишком много данных"),
        ("/en/newsletter", "en", "Too much data"),
        ("/newsletter", "kk", None),
    ],
)
def test_an_oversized_body_gets_the_sites_localised_413(front, path, language, title):
    for size in (64 * 1024 + 1, 3 * 1024 * 1024):
        answer = fetch(
            front,
            "POST",
            path,
            body=b"a=" + b"x" * size,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 413
        assert f'<html lang="{language}"' in answer.text
        assert "Content-Security-Policy" in answer.headers  # the site's page, not nginx's
        assert answer.all("Strict-Transport-Security") == [HSTS]
        if title:
            assert title in answer.text
    assert fetch(front, "GET", path).status == 200  # the site is still fine afterwards


def static_url(front, name):
    home = fetch(front, "GET", "/").text
    return re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', home).group(1)


def test_only_current_versioned_static_urls_are_cached_long(front):
    current = static_url(front, "css/site.css")
    answer = fetch(front, "GET", current, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for stale in ("/static/css/site.css", "/static/css/site.css?v=000000000000", current + "0"):
        answer = fetch(front, "GET", stale)
        assert answer.headers.get("Cache-Control") == "no-cache", stale


def test_the_rate_limit_counts_the_real_client_whatever_it_claims(front):
    # The limit is 2 per minute per client address; claimed addresses change nothing.
    statuses = [
        fetch(front, "POST", "/en/contact", headers={**h, "Referer": front.url}, body=b"x=1").status
        for h in SPOOFING_HEADERS
    ]
    assert 429 not in statuses[:2] and statuses[2] == 429
    # A client with another real address has a budget of its own.
    other = fetch(
        front,
        "POST",
        "/en/contact",
        body=b"x=1",
        source=OTHER_CLIENT,
        headers={"X-Forwarded-For": "127.0.0.1"},
    )
    assert other.status != 429


def test_scheme_headers_from_the_client_are_dropped(front):
    # gunicorn refuses contradictory scheme headers with a 400: these never reach it.
    answer = fetch(
        front,
        "GET",
        "/en/",
        headers={
            "X-Forwarded-Ssl": "off",
            "X-Forwarded-Protocol": "http",
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Host": "evil.example",
        },
    )
    assert answer.status == 200
    assert "evil.example" not in answer.text


def handshake(front, version, alpn=None):
    context = front.client_context()
    context.minimum_version = context.maximum_version = version
    if alpn:
        context.set_alpn_protocols(alpn)
    conn = http.client.HTTPSConnection("127.0.0.1", front.https_port, context=context, timeout=10)
    try:
        conn.connect()
        return conn.sock.version(), conn.sock.selected_alpn_protocol()
    finally:
        conn.close()


def test_tls_1_3_and_1_2_are_offered_with_http2(front):
    assert handshake(front, ssl.TLSVersion.TLSv1_3, ["h2", "http/1.1"]) == ("TLSv1.3", "h2")
    assert handshake(front, ssl.TLSVersion.TLSv1_2)[0] == "TLSv1.2"

"""Static files: versioned URLs, long lifetimes only where the version matches."""

import re


def asset_urls(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_versioned_assets(client):
    urls = asset_urls(client.get("/").text)
    assert any(u.startswith("/static/css/site.css?v=") for u in urls)
    assert any("favicon" in u for u in urls)
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url


def test_versioned_assets_may_be_kept_for_a_year(client):
    for url in asset_urls(client.get("/").text):
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_stale_or_missing_versions_are_revalidated(client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache"


def test_missing_and_traversing_static_paths_are_not_found(client):
    for url in ("/static/nope.css", "/static/../qb/config.py", "/static/%2e%2e/wsgi.py"):
        with client.get(url) as response:
            assert response.status_code == 404

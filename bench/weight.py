"""Page weight: every same-origin resource a page loads, raw and gzip-compressed."""

import gzip
import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_LOADING_RELS = {"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload", "manifest"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


class _Subresources(HTMLParser):
    """Collects the URLs an HTML page makes the browser load."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "link" and _LOADING_RELS & set(attrs.get("rel", "").lower().split()):
            self.refs.append(attrs.get("href", ""))
        if tag in ("img", "script", "source", "iframe", "embed", "audio", "video", "track"):
            self.refs.append(attrs.get("src", ""))
        if tag in ("img", "source"):
            self.refs += [part.split()[0] for part in attrs.get("srcset", "").split(",") if part]
        if tag == "video":
            self.refs.append(attrs.get("poster", ""))
        if tag == "input" and attrs.get("type", "").lower() == "image":
            self.refs.append(attrs.get("src", ""))
        if "style" in attrs:
            self.refs += css_refs(attrs["style"])


def css_refs(css):
    """URLs a stylesheet loads: url(...) and @import."""
    return [m.group(2) or m.group(4) for m in _CSS_URL.finditer(css)]


def fetch(url):
    """(body, response headers) of a GET as a browser would send it, asking for gzip."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        headers = response.headers
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body, headers


def page_weight(page_url):
    """Every same-origin resource the page loads: [(url, raw bytes, gzip -9 bytes, served
    compressed)], the page first; plus the cross-origin references (not fetched)."""
    origin = urlsplit(page_url)[:2]
    queue, seen, rows, foreign = [(page_url, "html")], set(), [], []
    while queue:
        url, kind = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body, headers = fetch(url)
        served_gzip = headers.get("Content-Encoding") == "gzip"
        rows.append((url, len(body), len(gzip.compress(body, 9, mtime=0)), served_gzip))
        if kind == "html":
            parser = _Subresources()
            parser.feed(body.decode("utf-8", errors="replace"))
            refs = parser.refs
        elif "css" in headers.get("Content-Type", ""):
            refs = css_refs(body.decode("utf-8", errors="replace"))
        else:
            refs = []
        for ref in refs:
            ref = ref.strip()
            if not ref or ref.startswith(("data:", "#", "about:")):
                continue
            absolute = urljoin(url, ref).split("#")[0]
            if urlsplit(absolute)[:2] != origin:
                foreign.append(absolute)
            elif absolute not in seen:
                queue.append((absolute, "other"))
    return rows, foreign


def print_weight(base_url, path, target=None):
    rows, foreign = page_weight(base_url + path)
    print(f"\n== Page weight: {path} with everything it loads ==")
    print(f"{'resource':<58} {'raw B':>8} {'gzip-9 B':>9}")
    for url, raw, packed, _served in rows:
        shown = url[len(base_url) :] or "/"
        print(f"{shown:<58} {raw:>8,} {packed:>9,}")
    total_raw = sum(row[1] for row in rows)
    total_gz = sum(row[2] for row in rows)
    print(f"{f'total ({len(rows)} resources)':<58} {total_raw:>8,} {total_gz:>9,}")
    served = "yes" if any(row[3] for row in rows) else "no (gzip is left to the reverse proxy)"
    print(f"served compressed by gunicorn: {served}")
    for url in foreign:
        print(f"cross-origin reference (not counted): {url}")
    result = {"path": path, "resources": rows, "raw": total_raw, "gzip": total_gz}
    if target is not None:
        result["met"] = total_gz <= target and not foreign
        verdict = "MET" if result["met"] else "MISSED"
        print(
            f"TARGET {path} with all it loads <= {target / 1000:g} KB gzip: {verdict} "
            f"({total_gz / 1000:.1f} KB)"
        )
    return result


# Analytics ids for the banner measurement: any well-formed values do, nothing is contacted.
BANNER_SETTINGS = {
    "QB_GA_MEASUREMENT_ID": "G-BENCH12345",
    "QB_YANDEX_METRICA_ID": "12345678",
    "QB_CONSENT_COOKIE_NAME": "qb_consent",
    "QB_CONSENT_COOKIE_SECURE": "false",
}
BANNER_SCRIPT_TARGET_BYTES = 2_000
FIRST_VISIT_TARGET_BYTES = 20_000
SCRIPTS = ("static/js/consent.js", "static/js/analytics.js")


def start_site_with_banner(workdir, port=None):
    """The site with both analytics vendors offered, so a first visit gets the banner."""
    from servers import ROOT, Server, free_port, site_environment

    port = port or free_port()
    env = dict(site_environment(port, workdir), **BANNER_SETTINGS)
    return Server("site-banner", "wsgi:app", port, env, ROOT, workdir)


def gzip_size(data):
    return len(gzip.compress(data, 9, mtime=0))


def print_banner_weight(plain_url, banner_url, path="/"):
    """What the consent banner adds to a first visit of `path`: HTML, script, in total."""
    plain, _ = page_weight(plain_url + path)
    with_banner, foreign = page_weight(banner_url + path)
    print(f"\n== Consent banner: what it adds to a first visit of {path} ==")
    print(f"{'':<40} {'raw B':>8} {'gzip-9 B':>9}")
    html_raw = with_banner[0][1] - plain[0][1]
    html_gz = with_banner[0][2] - plain[0][2]
    print(f"{'HTML of the page (banner markup)':<40} {html_raw:>8,} {html_gz:>9,}")
    plain_paths = {urlsplit(row[0]).path for row in plain}
    extra = [row for row in with_banner if urlsplit(row[0]).path not in plain_paths]
    for url, raw, packed, _served in extra:
        print(f"{urlsplit(url).path:<40} {raw:>8,} {packed:>9,}")
    added_raw = sum(row[1] for row in with_banner) - sum(row[1] for row in plain)
    added_gz = sum(row[2] for row in with_banner) - sum(row[2] for row in plain)
    total_gz = sum(row[2] for row in with_banner)
    print(f"{'added in total':<40} {added_raw:>8,} {added_gz:>9,}")
    print(
        f"{'first visit with the banner, in total':<40} {sum(r[1] for r in with_banner):>8,} "
        f"{total_gz:>9,}"
    )
    for url in foreign:
        print(f"cross-origin reference (must be none before consent): {url}")
    from servers import ROOT

    sizes = {name: (ROOT / name).read_bytes() for name in SCRIPTS}
    for name, data in sizes.items():
        print(f"{name:<40} {len(data):>8,} {gzip_size(data):>9,}")
    script_gz = gzip_size(sizes["static/js/consent.js"])
    checks = [
        ("banner script static/js/consent.js", script_gz, BANNER_SCRIPT_TARGET_BYTES),
        (f"first visit of {path} with the banner", total_gz, FIRST_VISIT_TARGET_BYTES),
    ]
    for label, value, target in checks:
        verdict = "MET" if value <= target and not foreign else "MISSED"
        print(f"TARGET {label} <= {target / 1000:g} KB gzip: {verdict} ({value:,} B)")
    return {
        "html": (html_raw, html_gz),
        "added": (added_raw, added_gz),
        "total_gzip": total_gz,
        "scripts": {name: (len(d), gzip_size(d)) for name, d in sizes.items()},
    }


def main():
    """Start the site without and with analytics ids and print what the banner adds."""
    from servers import raise_on_sigterm, running_servers, start_site

    raise_on_sigterm()
    with running_servers("qb-weight-", start_site, start_site_with_banner) as (plain, banner):
        for path in ("/", "/ru/contact"):
            print_banner_weight(plain.url, banner.url, path)
    return 0


if __name__ == "__main__":
    from servers import run_main

    run_main(main, "the weight benchmark could not run")

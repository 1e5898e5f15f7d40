"""MDN HTTP Observatory scores of the production front (nginx from deploy/ before gunicorn).

    .venv/bin/python bench/observatory.py

Starts the site with both analytics vendors offered (so the consent banner and the widened
policy after consent both exist) behind nginx on 127.0.0.1, then scores `/`, `/contact`
and `/cookies` with the Observatory's own code (npm @mdn/mdn-http-observatory, see
bench/observatory.mjs): once as a first visit without a choice, once with "Accept all"
chosen. Target: A+ (score >= 120) everywhere. Exit status non-zero only if it could not run.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
from urllib.parse import urlencode

from front import ROOT, FrontError, running_front

PATHS = ("/", "/contact", "/cookies")
TARGET = 120
PACKAGE = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory"
ANALYTICS = {"GA_MEASUREMENT_ID": "G-TEST12345", "YANDEX_METRICA_ID": "12345678"}


def prepare_package():
    """The package installs without its install step (it downloads lists from the network);
    its HSTS check reads a preload list, empty here: no local host is on it."""
    if not PACKAGE.exists():
        if shutil.which("npm") is None:
            raise FrontError("npm not found: install Node.js 20 and run npm ci --ignore-scripts")
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True
        )
    preload = PACKAGE / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}", encoding="utf-8")


def consent_cookie(front):
    """Choose "Accept all" as a browser on the site would; the consent cookie it sets."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1", front.front.https_port, context=front.front.client_context(), timeout=30
    )
    body = urlencode({"choice": "all", "next": "/"})
    conn.request(
        "POST",
        "/consent",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": front.url,
            "Referer": front.url + "/",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    cookies = response.headers.get_all("Set-Cookie") or []
    for cookie in cookies:
        if cookie.startswith("__Host-consent="):
            return cookie.split(";", 1)[0]
    raise FrontError(f"no consent cookie after choosing (status {response.status})")


def scan(front, path, cookie=None):
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=str(front.ca))
    command = [
        "node",
        str(ROOT / "bench" / "observatory.mjs"),
        "127.0.0.1",
        str(front.front.http_port),
        str(front.front.https_port),
        path,
    ]
    if cookie:
        command.append(cookie)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise FrontError(f"scan of {path} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout)


def main():
    prepare_package()
    rows = []
    with running_front(settings=ANALYTICS) as front:
        cookie = consent_cookie(front)
        for label, with_cookie in (("no choice yet", None), ("accepted all", cookie)):
            for path in PATHS:
                result = scan(front, path, with_cookie)
                rows.append((label, result))
    print(f"{'visit':<15} {'path':<10} {'status':>6} {'grade':>5} {'score':>5} {'tests':>6}")
    worst = None
    for label, r in rows:
        print(
            f"{label:<15} {r['path']:<10} {r['status']:>6} {r['grade']:>5} {r['score']:>5} "
            f"{r['passed']:>3}/{r['tests_total']}"
        )
        for name, test in r["tests"].items():
            if not test["pass"] or test["modifier"] < 0:
                print(f"    {name}: {test['result']} ({test['modifier']:+d})")
        worst = r["score"] if worst is None else min(worst, r["score"])
    widened = [r for label, r in rows if label == "accepted all"]
    vendors = all("googletagmanager" in (r["csp"] or "") for r in widened)
    print(f"policy widened for the vendors after consent: {'yes' if vendors else 'NO'}")
    verdict = "MET" if worst is not None and worst >= TARGET else "MISSED"
    print(f"TARGET A+ (score >= {TARGET}) on every page: {verdict} (lowest {worst})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (FrontError, OSError, subprocess.CalledProcessError) as exc:
        print(f"observatory benchmark could not run: {exc}", file=sys.stderr)
        sys.exit(1)

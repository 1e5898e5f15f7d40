"""The visitors of the mixed load: threads, each on one kept-alive TLS connection to nginx
with cookies of its own, doing one weighted kind of visit after another.

run_visitors() runs in a client process and returns plain data (picklable): per kind of
request the latencies in ms, the statuses, the socket errors; and the addresses whose
enquiry or subscription the site accepted."""

import http.client
import random
import re
import ssl
import threading
import time
from collections import Counter
from urllib.parse import urlencode

TOKENS = re.compile(rb'name="(csrf_token|form_token)" value="([^"]*)"')
STATIC = re.compile(rb'"(/static/[^"?]+\?v=[0-9a-f]{12})"')
LANGUAGES = ("", "/ru", "/en")
PAGES = ("/about", "/services", "/offers", "/politika", "/cookies", "/contact")
# Visits and their weights; the form visits make two requests each (GET, then POST).
KINDS = {
    "home": 20,
    "page": 30,
    "static": 25,
    "contact": 8,
    "consent": 7,
    "newsletter": 7,
    "my-data": 3,
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
EXPECTED = {"contact-post": 303, "newsletter-post": 303, "consent": 303}


class Visitor:
    def __init__(self, port, context, ident, rng):
        self.port, self.context, self.ident, self.rng = port, context, ident, rng
        self.base = f"https://127.0.0.1:{port}"
        self.conn = None
        self.cookies = {}
        self.lat = {}
        self.statuses = {}
        self.socket_errors = Counter()
        self.accepted = {"contact": [], "newsletter": []}
        self.failures = []  # (wall-clock time, kind, status or "socket")
        self.serial = 0

    def request(self, kind, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=self.context, timeout=60
            )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.socket_errors[kind] += 1
            self.failures.append((time.time(), kind, "socket"))
            self.conn.close()
            self.conn = None
            return None, b""
        self.lat.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        self.statuses.setdefault(kind, Counter())[response.status] += 1
        if response.status != EXPECTED.get(kind, 200):
            self.failures.append((time.time(), kind, response.status))
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, data

    def language(self):
        return self.rng.choice(LANGUAGES)

    def email(self, what):
        self.serial += 1
        return f"{what}-{self.ident}-{self.serial}@example.kz"

    def form_visit(self, kind, path, fields):
        status, page = self.request(f"{kind}-get", "GET", path)
        if status != 200:
            return
        tokens = {k.decode(): v.decode() for k, v in TOKENS.findall(page)}
        headers = dict(FORM, Referer=self.base + path, Origin=self.base)
        status, _ = self.request(
            f"{kind}-post", "POST", path, urlencode({**tokens, **fields}), headers
        )
        if status == 303:
            self.accepted[kind].append(fields["email"])

    def visit(self, kind, statics):
        lang = self.language()
        if kind == "home":
            self.request("home", "GET", lang + "/")
        elif kind == "page":
            self.request("page", "GET", lang + self.rng.choice(PAGES))
        elif kind == "static":
            self.request("static", "GET", self.rng.choice(statics))
        elif kind == "contact":
            fields = {
                "name": "Әсел Нұрланқызы",
                "email": self.email("enquiry"),
                "phone": "+7 701 123 45 67",
                "message": "Сәлеметсіз бе! Курс туралы сұрағым бар.",
                "consent": "yes",
            }
            self.form_visit("contact", lang + "/contact", fields)
        elif kind == "newsletter":
            fields = {"email": self.email("news"), "name": "Бақыт", "consent": "yes"}
            self.form_visit("newsletter", lang + "/newsletter", fields)
        elif kind == "consent":
            body = urlencode({"choice": self.rng.choice(("all", "none")), "next": lang + "/"})
            headers = dict(
                FORM,
                Origin=self.base,
                Referer=self.base + lang + "/",
                **{"Sec-Fetch-Site": "same-origin"},
            )
            self.request("consent", "POST", lang + "/consent", body, headers)
        elif kind == "my-data":
            self.request("my-data", "GET", lang + "/my-data")

    def run(self, end, kinds, statics):
        names, weights = list(kinds), list(kinds.values())
        while time.monotonic() < end:
            self.visit(self.rng.choices(names, weights)[0], statics)
        if self.conn is not None:
            self.conn.close()


def discover(port, context):
    """The current static URLs, and whether the site has /my-data."""
    probe = Visitor(port, context, "probe", random.Random(0))
    _, home = probe.request("probe", "GET", "/")
    statics = sorted({m.decode() for m in STATIC.findall(home)})
    status, _ = probe.request("probe", "GET", "/my-data")
    return statics, status == 200


def run_visitors(port, ca, process, count, duration, tag):
    context = ssl.create_default_context(cafile=ca)
    statics, has_my_data = discover(port, context)
    kinds = {k: w for k, w in KINDS.items() if k != "my-data" or has_my_data}
    end = time.monotonic() + duration
    visitors = [
        Visitor(port, context, f"{tag}-{n}", random.Random(f"{tag}-{n}")) for n in range(count)
    ]
    threads = [threading.Thread(target=v.run, args=(end, kinds, statics)) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = {
        "lat": {},
        "statuses": {},
        "socket": Counter(),
        "accepted": {},
        "kinds": kinds,
        "failures": [],
    }
    for v in visitors:
        for kind, values in v.lat.items():
            merged["lat"].setdefault(kind, []).extend(values)
        for kind, counter in v.statuses.items():
            merged["statuses"].setdefault(kind, Counter()).update(counter)
        merged["socket"].update(v.socket_errors)
        merged["failures"].extend(v.failures)
        for what, emails in v.accepted.items():
            merged["accepted"].setdefault(what, []).extend(emails)
    return merged

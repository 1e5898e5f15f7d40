"""Log lines: where they go, their request id, and security events that name nobody."""

import json
import logging
import re
from datetime import UTC, datetime

import pytest

from qb.logs import SAFE_REQUEST_ID

from .consent_helpers import SAME_ORIGIN, choose
from .contact_helpers import open_form
from .site import ANALYTICS_SETTINGS

# A visitor everything below must keep out of the logs, sent in every bad request.
PERSONAL = {
    "name": "Zhanar Secretova",
    "email": "zhanar.secretova@example.kz",
    "phone": "+7 701 555 12 34",
    "message": "Please call about the confidential audit at Almaly 17",
    "consent": "yes",
}
# What must not show either, including the forms the form itself would normalise them to.
SECRETS = ["Secretova", "zhanar", "555 12 34", "7015551234", "confidential audit", "Almaly"]
CLIENT = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "QbProbe/9.9 (secret-agent)"}
NOT_OURS_TO_LOG = ["203.0.113.77", "QbProbe", "secret-agent"]
UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture
def site(make_app):
    """The site with the consent banner, low limits to reach, and a form without its own check."""
    app = make_app(
        **ANALYTICS_SETTINGS,
        CONTACT_MIN_FILL_SECONDS=3,
        CONTACT_RATE_LIMIT="2 per minute",
        CONSENT_RATE_LIMIT="2 per minute",
        tables=True,
    )

    @app.post("/_test/form")
    def form():
        return "ok"

    return app


@pytest.fixture
def logs(caplog, capsys):
    """What was logged: the records (every logger's) and the lines the site wrote to stderr."""
    caplog.set_level(logging.DEBUG)

    class Captured:
        @staticmethod
        def records():
            return caplog.records

        @staticmethod
        def stderr():
            return capsys.readouterr().err

        @staticmethod
        def text():
            return caplog.text

        @staticmethod
        def events():
            return [r for r in caplog.records if r.name == "qb.security"]

    return Captured()


def client_of(app, **environ):
    """A test client that sends a recognisable address and User-Agent (and `environ`)."""
    client = app.test_client()
    client.environ_base.update(CLIENT, **environ)
    return client


def without_csrf(client):
    fields = open_form(client)
    return client.post("/contact", data={"form_token": fields["form_token"], **PERSONAL})


def honeypot(client):
    return client.post("/contact", data={**open_form(client), **PERSONAL, "website": "x.kz"})


def too_fast(client):
    return client.post("/contact", data={**open_form(client), **PERSONAL})


def global_csrf(client):
    return client.post("/_test/form", data=PERSONAL)


def cross_site_consent(client):
    return choose(client, "all", headers={"Sec-Fetch-Site": "cross-site"}, **PERSONAL)


def malformed_consent(client):
    return choose(client, "everything", headers=SAME_ORIGIN, **PERSONAL)


def contact_burst(client):
    fields = open_form(client)
    for _ in range(2):
        client.post("/contact", data={**fields, **PERSONAL})
    return client.post("/contact", data={**fields, **PERSONAL})


def consent_burst(client):
    for _ in range(2):
        choose(client, "none", headers=SAME_ORIGIN, **PERSONAL)
    return choose(client, "none", headers=SAME_ORIGIN, **PERSONAL)


def forged_host(client):
    return client.post("/contact", data=PERSONAL, headers={"Host": "evil.example"})


def oversize(client):
    big = {**PERSONAL, "message": PERSONAL["message"] + " " + "x" * 70_000}
    return client.post("/contact", data={**open_form(client), **big})


@pytest.mark.parametrize(
    "send, status, event, fields",
    [
        (without_csrf, 400, "csrf-failed", {"endpoint": "contact.page", "path": "/contact"}),
        (global_csrf, 400, "csrf-failed", {"path": "/_test/form"}),
        (honeypot, 303, "honeypot", {"endpoint": "contact.page"}),
        (too_fast, 422, "too-fast", {"endpoint": "contact.page"}),
        (cross_site_consent, 403, "consent-refused", {"reason": "cross-site"}),
        (malformed_consent, 400, "consent-refused", {"reason": "malformed"}),
        (contact_burst, 429, "rate-limited", {"limit": "2 per 1 minute"}),
        (consent_burst, 429, "rate-limited", {"endpoint": "cookies.choose", "path": "/en/consent"}),
        (forged_host, 400, "bad-host", {"path": "/contact"}),
        (oversize, 413, "too-large", {"endpoint": "contact.page"}),
    ],
)
def test_bad_requests_are_logged_as_events_that_name_nobody(
    site, logs, send, status, event, fields
):
    response = send(client_of(site))
    assert response.status_code == status
    [record] = [r for r in logs.events() if r.qb_event == event]
    assert record.levelno == logging.WARNING
    assert fields.items() <= record.qb_fields.items()
    assert "?" not in record.qb_fields.get("path", "")
    printed = logs.stderr()
    assert re.search(rf"Z WARNING qb\.security \[[\w.-]+\] {event} ", printed), printed
    for secret in SECRETS:
        assert secret.lower() not in (printed + logs.text()).lower()
    ours = printed + "".join(str(vars(r)) for r in logs.events())
    for value in NOT_OURS_TO_LOG:
        assert value not in ours


def test_the_path_of_an_event_has_no_query_string(site, logs):
    client_of(site).post("/contact?email=zhanar.secretova@example.kz", data=PERSONAL)
    [record] = logs.events()
    assert record.qb_fields["path"] == "/contact"
    assert "zhanar" not in logs.stderr()


def test_a_line_break_in_a_path_cannot_forge_a_line(site, logs):
    forged = "/%0d%0a2026-01-01T00:00:00.000Z%20INFO%20qb%20forged"
    client_of(site).post(forged, headers={"Host": "evil.example"})
    [line] = logs.stderr().splitlines()
    assert line.endswith(' bad-host path="/\\r\\n2026-01-01T00:00:00.000Z INFO qb forged"')


def test_json_lines_carry_the_request_id_a_utc_time_and_the_fields(make_app, logs):
    site = make_app(LOG_FORMAT="json", CONTACT_MIN_FILL_SECONDS=0, tables=True)
    client = client_of(site)
    response = honeypot(client)
    site.logger.info("outside any request")
    entries = [json.loads(line) for line in logs.stderr().splitlines()]
    event, plain = entries
    assert event["request_id"] == response.headers["X-Request-ID"]
    assert event["event"] == "honeypot" and event["level"] == "WARNING"
    assert event["logger"] == "qb.security"
    assert event["endpoint"] == "contact.page" and event["path"] == "/contact"
    assert plain == {
        "time": plain["time"],
        "level": "INFO",
        "logger": "qb",
        "event": "outside any request",
        "request_id": None,
    }
    for entry in entries:
        assert UTC_TIME.fullmatch(entry["time"])
        logged = datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - logged).total_seconds()) < 60


def test_a_traceback_stays_inside_its_json_line(make_app, logs):
    site = make_app(LOG_FORMAT="json")
    try:
        raise ValueError("broken")
    except ValueError:
        site.logger.exception("failed")
    [line] = logs.stderr().splitlines()
    assert "ValueError: broken" in json.loads(line)["traceback"]


def test_every_response_that_logged_carries_its_own_request_id(client, logs):
    ids = {client.post("/_test/form").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(SAFE_REQUEST_ID.fullmatch(rid) for rid in ids)
    written = logs.stderr()
    assert all(f"[{rid}] csrf-failed" in written for rid in ids)
    # A page view that logged nothing, with no id from a proxy, spends no header on it.
    assert "X-Request-ID" not in client.get("/").headers


@pytest.mark.parametrize("given", ["edge-7f3a.proxy_01", "a" * 64])
def test_a_safe_request_id_from_the_proxy_is_kept(client, given):
    assert client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize(
    "hostile",
    [
        "abc\r\nSet-Cookie: owned=1",
        "a" * 1024,
        "a" * 65,
        "Әсел",
        "id with spaces",
        "",
        "zhanar.secretova@example.kz",
    ],
)
def test_a_hostile_request_id_is_replaced(app, logs, hostile):
    client = client_of(app, HTTP_X_REQUEST_ID=hostile)
    response = client.post("/_test/form")  # no CSRF token: a logged event
    rid = response.headers["X-Request-ID"]
    assert rid != hostile and SAFE_REQUEST_ID.fullmatch(rid)
    assert f"[{rid}] csrf-failed" in logs.stderr()


def test_each_line_is_written_once_however_many_apps_were_built(make_app, logs):
    make_app()
    app = make_app()
    app.logger.info("from the app")  # read only now: Flask must not add a handler of its own
    logging.getLogger("qb.outbox.sender").info("from a module")
    lines = [line.split(" ", 1)[1] for line in logs.stderr().splitlines()]
    assert lines == ["INFO qb [-] from the app", "INFO qb.outbox.sender [-] from a module"]
    assert [r.getMessage() for r in logs.records() if r.name.startswith("qb")] == [
        "from the app",
        "from a module",
    ]


def test_log_level_and_format_come_from_the_settings(make_app, logs):
    app = make_app(LOG_LEVEL="warning")
    app.logger.info("not shown")
    app.logger.warning("shown")
    printed = logs.stderr()
    assert "shown" in printed and "not shown" not in printed
    for bad in ({"LOG_LEVEL": "LOUD"}, {"LOG_FORMAT": "xml"}):
        with pytest.raises(RuntimeError, match="LOG_"):
            make_app(**bad)


def test_the_limiters_own_breach_lines_never_name_the_client(make_app, caplog):
    """Flask-Limiter logs each breach with the client's address at INFO: kept below."""
    caplog.set_level(logging.DEBUG)
    app = make_app(CONTACT_RATE_LIMIT="1 per minute", CONTACT_MIN_FILL_SECONDS=0)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    statuses = [client.post("/contact", data={"name": "x"}).status_code for _ in range(2)]
    assert statuses[-1] == 429
    assert "203.0.113.77" not in caplog.text
    assert "rate-limited" in caplog.text

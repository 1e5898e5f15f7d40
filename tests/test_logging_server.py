"""The site's log lines reach gunicorn's error log, under the production gunicorn setup."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from .contact_helpers import hidden_fields
from .ports import free_port
from .site import ROOT
from .test_logging import PERSONAL, SECRETS

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 30


def server_env(tmp_path, port):
    """A production-like site on 127.0.0.1:port with a throwaway database, through QB_*."""
    settings = {
        "SECRET_KEY": "s" * 48,
        "OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
        "OPERATOR_BIN": "123456789012",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "TRUSTED_HOSTS": ["127.0.0.1"],
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "qb_session",
        "RATELIMIT_ENABLED": False,
        "CONTACT_MIN_FILL_SECONDS": 0,
        "OUTBOX_BACKGROUND": False,
        "OUTBOX_EML_DIR": str(tmp_path / "mail"),
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "text",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("QB_")}
    env["QB_CONFIG_FILE"] = ""  # the settings above only, not a local instance/config.py
    env.update({f"QB_{k}": json.dumps(v) for k, v in settings.items()})
    env.update(QB_GUNICORN_BIND=f"127.0.0.1:{port}", QB_GUNICORN_WORKERS="1")
    return env


class Site:
    """gunicorn -c gunicorn.conf.py wsgi:app, its stderr and stdout kept in a file."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "server.log"
        env = server_env(tmp_path, self.port)
        upgrade = [sys.executable, "-m", "flask", "--app", "qb", "db", "upgrade"]
        subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def wait_until_it_answers(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                return self.opener.open(self.url + "/robots.txt", timeout=5)
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{self.log()}")
                time.sleep(0.05)

    def post(self, path, fields, request_id):
        data = urllib.parse.urlencode(fields).encode()
        headers = {"X-Request-ID": request_id}
        return self.opener.open(urllib.request.Request(self.url + path, data, headers))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its worker
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    try:
        site.wait_until_it_answers()
        yield site
    finally:
        site.stop()


def test_info_lines_and_events_reach_gunicorns_error_log_once(site):
    form = hidden_fields(site.opener.open(site.url + "/en/contact").read().decode())
    thanks = site.post("/en/contact", {**form, **PERSONAL}, request_id="enquiry-1")
    assert thanks.url.endswith("/en/contact/thanks")
    form = hidden_fields(site.opener.open(site.url + "/en/contact").read().decode())
    site.post("/en/contact", {**form, **PERSONAL, "website": "x.kz"}, request_id="bot-1")
    site.stop()
    log = site.log()
    assert "Booting worker" in log  # gunicorn's own lines: the same log
    stored = re.findall(r"Z INFO qb\.contact\.services \[enquiry-1\] enquiry \d+ stored", log)
    assert len(stored) == 1, log
    events = re.findall(r"Z WARNING qb\.security \[bot-1\] honeypot endpoint=contact\.page", log)
    assert len(events) == 1, log
    for secret in SECRETS:
        assert secret.lower() not in log.lower()
    assert "127.0.0.1 " not in log and '"POST ' not in log  # no access log

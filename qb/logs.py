"""Where the site's log lines go: stderr, as text or JSON, with a request id; security events.

`app.logger` is the `qb` logger (Flask names it after the import name) and every module's
`logging.getLogger(__name__)` sits below it, so one handler on `qb` serves them all. It writes
to the process's stderr, which is gunicorn's error log (`errorlog = "-"`), the terminal of
`flask run` and of every `flask` command. Lines still propagate to the root logger, which
neither gunicorn nor Flask gives a handler, so each line is written once; test capture and
any handler an operator adds to the root logger see them too.
"""

import json
import logging
import os
import re
import sys
import time

from flask import has_request_context, request
from flask.logging import default_handler

LOGGER_NAME = "qb"
LOG_FORMATS = ("text", "json")
REQUEST_ID_KEY = "qb.request_id"
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's (or client's) X-Request-ID must look like to be kept: it ends up in log
# lines and a response header, so nothing that could break either.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Field values printed as they are in text lines; anything else is quoted and escaped, so a
# path with a line break cannot forge a log line.
BARE_VALUE = re.compile(r"[A-Za-z0-9._/:-]+")
MAX_PATH = 200

security_log = logging.getLogger(f"{LOGGER_NAME}.security")


def request_id(environ=None):
    """This request's id: made on first use, and kept for the response's X-Request-ID."""
    if environ is None:
        environ = request.environ
    rid = environ.get(REQUEST_ID_KEY)
    if rid is None:
        given = environ.get("HTTP_X_REQUEST_ID")
        rid = given if given and SAFE_REQUEST_ID.fullmatch(given) else os.urandom(8).hex()
        environ[REQUEST_ID_KEY] = rid
    return rid


def security_event(name, **fields):
    """Log a refused or suspicious request at WARNING under a stable event name.

    Inside a request the endpoint and the path (never the query string) come first. Give
    only ids, kinds and counts: never personal data, form values, the client's address or
    its User-Agent.
    """
    if has_request_context():
        fields = {"endpoint": request.endpoint, "path": request.path[:MAX_PATH], **fields}
    fields = {key: value for key, value in fields.items() if value is not None}
    text = " ".join([name, *(f"{key}={_text_value(value)}" for key, value in fields.items())])
    security_log.warning("%s", text, extra={"qb_event": name, "qb_fields": fields})


def _text_value(value):
    text = str(value)
    return text if BARE_VALUE.fullmatch(text) else json.dumps(text)


def utc_time(record):
    """The record's time as UTC ISO-8601 with milliseconds: 2026-12-02T17:40:00.123Z."""
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


def add_request_id(record):
    """Filter: tag the record with the current request's id (None outside a request)."""
    if not hasattr(record, "request_id"):
        record.request_id = request_id() if has_request_context() else None
    return True


class TextFormatter(logging.Formatter):
    """time level logger [request id] message, and a traceback below it if there is one."""

    def format(self, record):
        rid = getattr(record, "request_id", None) or "-"
        line = f"{utc_time(record)} {record.levelname} {record.name} [{rid}] {record.getMessage()}"
        details = self._details(record)
        return f"{line}\n{details}" if details else line

    def _details(self, record):
        parts = []
        if record.exc_info:
            parts.append(self.formatException(record.exc_info))
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return "\n".join(parts)


class JsonFormatter(TextFormatter):
    """One JSON object per line: time, level, logger, event, request_id, the event's fields."""

    def format(self, record):
        entry = {
            "time": utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "qb_event", None) or record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in getattr(record, "qb_fields", {}).items():
            entry.setdefault(key, value)
        if details := self._details(record):
            entry["traceback"] = details
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's capture, a CLI runner's)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def init_app(app):
    """Send the `qb` logger's lines to stderr at LOG_LEVEL, formatted as LOG_FORMAT says.

    The logger is one per process: with several apps in one process (tests only), the
    settings of the app built last apply.
    """
    level = _level(app.config["LOG_LEVEL"])
    log_format = app.config["LOG_FORMAT"]
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT {log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        # Flask's own handler (added when app.logger is first read and nothing handles it)
        # and ours from an app built earlier in this process would repeat every line.
        if handler is default_handler or isinstance(handler, StderrHandler):
            logger.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(add_request_id)
    logger.addHandler(handler)
    logger.setLevel(level)
    # Flask-Limiter reports each breach at INFO with the client's address: never let a
    # handler added to the root logger write that down (our own rate-limited event has none).
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)


def _level(value):
    if isinstance(value, int):
        return value
    level = logging.getLevelNamesMapping().get(str(value).upper())
    if level is None:
        raise RuntimeError(f"LOG_LEVEL {value!r} is not a level name such as INFO or WARNING")
    return level

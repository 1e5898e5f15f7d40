"""Real SMTP servers for tests: an aiosmtpd sink that keeps what it receives, and one that hangs.

The fixtures that start them for a test are in tests/fixtures/smtp.py.
"""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from .ports import HOST, free_port


def mail_settings(host, port, timeout=5):
    """App config overrides that send plain SMTP (no TLS, no login) to host:port."""
    return {
        "MAIL_SERVER": host,
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_TIMEOUT": timeout,
    }


@dataclass
class Received:
    """One delivered message: the SMTP envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    mail_options: list[str]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.sink.defer:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sink._receive(envelope)
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 (given port or a free one) that keeps every message.

    Recipients added to `.refuse` get a permanent 550, those in `.defer` a temporary 451.
    """

    def __init__(self, port=None, *, starttls_context=None, server_ssl_context=None):
        self.host = HOST
        self.port = port or free_port()
        self.starttls_context = starttls_context  # offer STARTTLS with this certificate
        self.server_ssl_context = server_ssl_context  # or speak TLS from the start
        self.messages: list[Received] = []
        self.refuse: set[str] = set()
        self.defer: set[str] = set()
        self._changed = threading.Condition()
        self._controller = None

    def start(self):
        options = {}
        if self.starttls_context is not None:
            options.update(tls_context=self.starttls_context, require_starttls=True)
        if self.server_ssl_context is not None:
            options["ssl_context"] = self.server_ssl_context
        self._controller = Controller(
            _Handler(self), hostname=self.host, port=self.port, enable_SMTPUTF8=True, **options
        )
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _receive(self, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self._changed:
            self.messages.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=parsed,
                    raw=raw,
                    mail_options=list(envelope.mail_options),
                )
            )
            self._changed.notify_all()

    def wait_for(self, count, timeout=60):
        """The first `count` messages once they have arrived; fails the test after `timeout`
        (a fail-safe for a busy machine, never waited out when the mail comes)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(
                        f"SMTP sink expected {count} messages within {timeout} s, "
                        f"got {len(self.messages)}"
                    )
                self._changed.wait(left)
            return list(self.messages[:count])

    def settings(self, timeout=5):
        """Config overrides that point the app at this server."""
        return mail_settings(self.host, self.port, timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class HangingSmtpServer:
    """Accepts TCP connections on 127.0.0.1 and never says a word (a stuck relay)."""

    def __init__(self):
        self.host = HOST
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.connections = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="hanging-smtp", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _accept(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)

    def stop(self):
        self._stopping.set()
        self._thread.join(5)
        self._listener.close()
        for conn in self.connections:
            conn.close()

    def settings(self, timeout=1):
        """Config overrides that point the app at this server, with a short SMTP timeout."""
        return mail_settings(self.host, self.port, timeout)

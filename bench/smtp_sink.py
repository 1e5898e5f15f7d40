"""An SMTP server for the benchmarks (aiosmtpd, 127.0.0.1) that counts every Message-ID it
accepts, and can misbehave on request: answer 4xx, answer 5xx, hang, or be down."""

import asyncio
import email
import email.policy
import errno
import random
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

OK, DEFER, REFUSE, HANG = "ok", "4xx", "5xx", "hang"


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.sink.mode
        if mode == DEFER:
            return "451 4.3.0 Try again later"
        if mode == REFUSE:
            return "554 5.3.2 System not accepting network messages"
        if mode == HANG:
            while self.sink.mode == HANG:
                await asyncio.sleep(0.2)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.mode in (DEFER, REFUSE):
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        headers = email.message_from_bytes(raw, policy=email.policy.default)
        with self.sink.lock:
            self.sink.ids[headers["Message-ID"]] += 1
            self.sink.times.setdefault(headers["Message-ID"], []).append(time.time())
        return "250 OK"


class Sink:
    def __init__(self, port=None):
        self.port = port or _free_port()
        self.mode = OK
        self.ids = Counter()
        self.times = {}  # Message-ID -> wall-clock times of each copy received
        self.lock = threading.Lock()
        self._controller = None

    def start(self, timeout=30):
        """Listen (again) on the port; after a stop the kernel may hold it a moment."""
        deadline = time.monotonic() + timeout
        while True:
            controller = Controller(
                _Handler(self), hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True
            )
            try:
                controller.start()
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            self._controller = controller
            return self

    def stop(self):
        """Down: the port refuses connections until start() again."""
        if self._controller is not None:
            self.mode = OK  # release hanging sessions
            self._controller.stop()
            self._controller = None

    def settings(self):
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            "MAIL_TIMEOUT": 5,
        }

    def received(self):
        with self.lock:
            return Counter(self.ids)


def _free_port():
    """A free port below the kernel's ephemeral range: while the server is down, no
    outgoing connection may take its port as a source port, so it can listen again."""
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    for port in random.sample(range(max(1024, low - 8000), low), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError("no free port below the ephemeral range")

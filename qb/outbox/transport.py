"""Where messages go: an SMTP server (timeout, verified TLS), or .eml files when none is set."""

import logging
import smtplib
import ssl
from pathlib import Path

log = logging.getLogger(__name__)


def tls_context():
    """Certificate and host name verified against the system's trust store."""
    return ssl.create_default_context()


class SmtpTransport:
    """One SMTP connection reused for every message of a sending pass.

    Not Flask-Mail's Connection: it opens sockets without a timeout (a hung relay pins the
    sender for ever) and calls starttls() without a context, which skips certificate checks.
    """

    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.timeout = float(config["MAIL_TIMEOUT"])
        self.use_ssl = bool(config["MAIL_USE_SSL"])
        self.use_tls = bool(config["MAIL_USE_TLS"]) and not self.use_ssl
        self.username = config["MAIL_USERNAME"]
        self.password = config["MAIL_PASSWORD"]
        self.smtp = None

    def open(self):
        """Connect, secure and log in (once per pass); errors propagate to the caller."""
        if self.smtp is not None:
            return
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=tls_context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                smtp.starttls(context=tls_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            _close_quietly(smtp)
            raise
        self.smtp = smtp

    def send(self, out, row):
        """Hand one message (an Outgoing: envelope and bytes) to the server."""
        options = ["SMTPUTF8", "BODY=8BITMIME"] if out.international else []
        self.smtp.ehlo_or_helo_if_needed()
        if options and not self.smtp.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError("the server does not support SMTPUTF8")
        # The bytes as built (and signed): sendmail sends them without re-encoding anything.
        self.smtp.sendmail(out.mail_from, [out.recipient], out.data, mail_options=options)
        return None

    def close(self):
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                _close_quietly(smtp)

    def broken(self):
        """Forget a connection that failed mid-conversation."""
        if self.smtp is not None:
            _close_quietly(self.smtp)
            self.smtp = None


class EmlTransport:
    """Development without a mail server: each message becomes a file to open in a mail client."""

    def __init__(self, config):
        self.directory = Path(config["OUTBOX_EML_DIR"])

    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, out, row):
        """Write the message (atomically, so a reader never sees half) and return its path."""
        self.open()
        path = self.directory / f"{row['created_at']:%Y%m%d-%H%M%S}-{row['id']}.eml"
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(out.data)
        partial.replace(path)
        return path

    def close(self):
        pass

    def broken(self):
        pass


def make_transport(config):
    """SMTP when MAIL_SERVER is set, .eml files otherwise."""
    return SmtpTransport(config) if config["MAIL_SERVER"] else EmlTransport(config)


def _close_quietly(smtp):
    try:
        smtp.close()
    except OSError:
        pass

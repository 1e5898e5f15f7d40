"""Turning an outbox row into a MIME message: safe headers, multipart text + HTML, UTF-8."""

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

# Python before 3.11.10 lets CR/LF in a header value start a new header (CVE-2024-6923):
# anything bound for a header is cleaned here.
_HEADER_BREAKS = {"\u2028", "\u2029", "\x85"}
# Extra header lines (List-Unsubscribe…) are written as given: a name, then printable ASCII.
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,60}")
_HEADER_VALUE = re.compile(r"[\x20-\x7e]{1,900}")
# Never set through the extra lines: the message builds these itself.
_OWN_HEADERS = {"from", "to", "reply-to", "subject", "date", "message-id", "mime-version"}
_OWN_HEADERS |= {"content-type", "content-transfer-encoding", "dkim-signature", "sender"}


@dataclass(frozen=True)
class Outgoing:
    """One message ready for the wire: the envelope and the bytes (CRLF line ends)."""

    mail_from: str
    recipient: str
    data: bytes
    international: bool  # an address needs SMTPUTF8


def clean_header(value, limit=200):
    """One line of text: control and line-separator characters become spaces, runs collapse."""
    if value is None:
        return None
    chars = (
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _HEADER_BREAKS else ch
        for ch in str(value)
    )
    return " ".join("".join(chars).split())[:limit]


def clean_body(value):
    """Body text as PostgreSQL can store it (no NUL); line breaks are fine in a body."""
    return None if value is None else str(value).replace("\x00", "")


def make_message_id(site_url):
    """A fresh Message-ID on the site's own domain, chosen once per outbox row."""
    domain = urlsplit(site_url).hostname or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def address(addr_spec, name=None):
    """A header address; the display name is RFC 2047-encoded by the email package as needed."""
    return Address(display_name=clean_header(name) or "", addr_spec=clean_header(addr_spec, 320))


def sender_address(setting):
    """The configured From, given as "Name <addr>" or a bare address."""
    name, addr = parseaddr(clean_header(setting, 400))
    return address(addr, name)


def build_email(row, sender):
    """The message for one outbox row (a mapping with the row's columns)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender_address(row.get("sender") or sender)
    msg["To"] = address(row["recipient"], row["recipient_name"])
    if row["reply_to"]:
        msg["Reply-To"] = address(row["reply_to"], row["reply_to_name"])
    msg["Subject"] = clean_header(row["subject"], 300)
    msg["Date"] = format_datetime(row["created_at"].replace(tzinfo=UTC))
    msg["Message-ID"] = row["message_id"]
    msg.set_content(row["body_text"] or "", charset="utf-8")
    if row["body_html"]:
        msg.add_alternative(row["body_html"], subtype="html", charset="utf-8")
    return msg


def extra_header_lines(headers_json):
    """The row's extra headers as wire lines, one item of a list per line, never refolded.

    Python's email package folds a long header with no spaces (a URL) into encoded words,
    which no mail client reads as a URL; a relay that refolds one breaks its DKIM signature.
    So each item stands on a line of its own, folded only at the comma between items.
    """
    if not headers_json:
        return b""
    lines = []
    for name, value in json.loads(headers_json).items():
        items = value if isinstance(value, list) else [value]
        if (
            not _HEADER_NAME.fullmatch(name)
            or name.lower() in _OWN_HEADERS
            or not items
            or not all(isinstance(i, str) and _HEADER_VALUE.fullmatch(i) for i in items)
        ):
            raise ValueError(f"extra header {name!r} is not a single line of printable ASCII")
        lines.append(f"{name}: " + ",\r\n ".join(items) + "\r\n")
    return "".join(lines).encode("ascii")


def subject_line(subject):
    """The Subject header line, RFC 2047-encoded where needed, each space inside a word.

    Python 3.11's header folding puts the space between two words between two encoded
    words, where RFC 2047 says readers drop it: "помощи для" would show as "помощидля".
    email.header.Header keeps every space inside an encoded word.
    """
    charset = "us-ascii" if subject.isascii() else "utf-8"
    value = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {value}\r\n".encode("ascii")


def compose(row, sender, signer=None):
    """The row as an Outgoing message: built, its extra header lines on top, DKIM-signed."""
    msg = build_email(row, sender)
    del msg["Subject"]  # written by subject_line(): the email package's folding loses spaces
    mail_from = msg["From"].addresses[0].addr_spec
    recipient = msg["To"].addresses[0].addr_spec
    international = not (mail_from + recipient).isascii()
    policy = msg.policy.clone(utf8=True) if international else msg.policy
    data = (
        subject_line(clean_header(row["subject"], 300))
        + extra_header_lines(row.get("headers"))
        + msg.as_bytes(policy=policy)
    )
    if signer is not None:
        data = signer.sign(data)
    return Outgoing(mail_from, recipient, data, international)

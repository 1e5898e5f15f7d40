"""Turning an outbox row into a MIME message: safe headers, multipart text + HTML, UTF-8."""

import secrets
import unicodedata
from datetime import UTC
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

# Python before 3.11.10 lets CR/LF in a header value start a new header (CVE-2024-6923):
# anything bound for a header is cleaned here.
_HEADER_BREAKS = {"\u2028", "\u2029", "\x85"}


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
    msg["From"] = sender_address(sender)
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

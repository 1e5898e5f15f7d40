"""DKIM signatures (RFC 6376) on outgoing mail, when a key is configured (DKIM_* settings)."""

from pathlib import Path

import dkim

# Signed when present; a name listed but absent is signed as empty, so nobody can add it on
# the way. List-Unsubscribe and List-Unsubscribe-Post must be covered (RFC 8058 §4).
SIGNED_HEADERS = (
    "From",
    "To",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)
SETTINGS = ("DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY_FILE")


class DkimSigner:
    """Signs with one key, relaxed/relaxed: a relay that refolds headers at spaces or
    changes the case of header names leaves the signature valid."""

    def __init__(self, domain, selector, private_key):
        self.domain = domain.encode("ascii")
        self.selector = selector.encode("ascii")
        self.private_key = private_key
        self.include = [name.encode("ascii") for name in SIGNED_HEADERS]

    def sign(self, data: bytes) -> bytes:
        """The message with its DKIM-Signature header line on top."""
        signature = dkim.sign(
            data,
            self.selector,
            self.domain,
            self.private_key,
            include_headers=self.include,
            canonicalize=(b"relaxed", b"relaxed"),
            linesep=b"\r\n",
        )
        return signature + data


def check_settings(config):
    """Refuse half a DKIM setup, or a key file that cannot be read: mail would go unsigned."""
    given = [name for name in SETTINGS if config.get(name)]
    if not given:
        return
    if missing := [name for name in SETTINGS if name not in given]:
        raise RuntimeError(
            f"DKIM needs {', '.join(SETTINGS)} together; missing: {', '.join(missing)} "
            "(docs/newsletter.md)"
        )
    load_signer(config)


def load_signer(config):
    """The signer the settings describe, or None when DKIM is off."""
    if not config.get("DKIM_PRIVATE_KEY_FILE"):
        return None
    path = Path(config["DKIM_PRIVATE_KEY_FILE"])
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise RuntimeError(f"DKIM_PRIVATE_KEY_FILE cannot be read: {type(exc).__name__}") from exc
    if b"PRIVATE KEY" not in key:
        raise RuntimeError("DKIM_PRIVATE_KEY_FILE holds no PEM private key")
    return DkimSigner(config["DKIM_DOMAIN"], config["DKIM_SELECTOR"], key)

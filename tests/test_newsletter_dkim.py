"""DKIM: campaign mail signed with a configured key, List-Unsubscribe and List-Unsubscribe-Post
covered, verified by dkimpy against the public key (no DNS), as delivered by a real server."""

import base64
import re
import subprocess

import dkim
import pytest

from .newsletter_helpers import SETTINGS, new_subscriber
from .outbox_helpers import send as deliver

SELECTOR = "qb2026"
DOMAIN = "qauipsizbolashaq.kz"


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory):
    """A throwaway 2048-bit RSA key (PEM file) and its DNS TXT record."""
    folder = tmp_path_factory.mktemp("dkim")
    private = folder / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(private), "2048"],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture
def signing_app(make_app, smtp_server, key_pair):
    private, _record = key_pair
    app = make_app(
        **SETTINGS,
        **smtp_server.settings(),
        OUTBOX_BULK_PER_SECOND=0,
        DKIM_DOMAIN=DOMAIN,
        DKIM_SELECTOR=SELECTOR,
        DKIM_PRIVATE_KEY_FILE=str(private),
        tables=True,
    )
    return app, smtp_server


def lookup(record):
    """dkimpy's DNS function, answering only our selector's name."""

    def dnsfunc(name, timeout=5):
        return record if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode() else None

    return dnsfunc


def signed_headers(raw):
    signature = raw.split(b"DKIM-Signature:", 1)[1].split(b"\r\n\r\n", 1)[0]
    tag = re.search(rb"h=([^;]+);", re.sub(rb"\s+", b"", signature)).group(1)
    return {name.lower() for name in tag.decode().split(":")}


def test_campaign_mail_is_signed_over_its_list_headers_and_verifies(signing_app, key_pair):
    app, sink = signing_app
    new_subscriber(app, "signed@example.kz", "ru", name="Әсел")
    deliver(app)  # the confirmation request, signed as well
    result = app.test_cli_runner().invoke(
        args=["newsletter", "send", "first-aid-for-teams", "--yes"]
    )
    assert result.exit_code == 0, result.output
    confirmation, campaign = sink.wait_for(2)
    _private, record = key_pair
    for mail in (confirmation, campaign):
        assert mail.raw.startswith(b"DKIM-Signature:")
        assert dkim.verify(mail.raw, dnsfunc=lookup(record))
    covered = signed_headers(campaign.raw)
    assert {"list-unsubscribe", "list-unsubscribe-post", "list-id", "from", "subject"} <= covered

    # A relay that refolds or re-cases the headers (relaxed canonicalisation) leaves it valid;
    # one that changes the one-click target does not.
    refolded = campaign.raw.replace(b"List-Unsubscribe: <", b"list-unsubscribe:\r\n   <", 1)
    assert dkim.verify(refolded, dnsfunc=lookup(record))
    forged = campaign.raw.replace(b"/newsletter/unsubscribe/", b"/newsletter/unsubscribe/9", 1)
    assert not dkim.verify(forged, dnsfunc=lookup(record))


@pytest.mark.parametrize(
    "settings",
    [
        {"DKIM_DOMAIN": DOMAIN},
        {"DKIM_DOMAIN": DOMAIN, "DKIM_SELECTOR": SELECTOR, "DKIM_PRIVATE_KEY_FILE": "/nonexistent"},
    ],
    ids=["half-configured", "unreadable-key"],
)
def test_half_a_dkim_setup_stops_the_start(make_app, settings):
    with pytest.raises(RuntimeError, match="DKIM"):
        make_app(**settings)

"""The access export of one mailbox in a small and a large database, side by side.

Builds two SQLite databases in a temporary folder with the site's schema: one with 100
enquiries, one with 100,000 (each enquiry with its consent record and its two mails, as
the contact form stores them), both holding the same person's 20 enquiries spread among
the others. Then it times `qb.privacy.services.person_data` for that person on both,
alternating between them round by round, and prints the medians and their ratio.

Target: the large database's export costs at most 1.3x the small one's (indexed lookups by
the mailbox key and the subjects, no scan). A missed target is printed, not an exit status.

    .venv/bin/python bench/privacy_export.py            # 100 vs 100,000 enquiries
    .venv/bin/python bench/privacy_export.py --large 20000 --rounds 100
"""

import argparse
import platform
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qb import create_app  # noqa: E402
from qb.clock import utcnow  # noqa: E402
from qb.consent.models import ConsentRecord, ConsentText  # noqa: E402
from qb.contact.models import Enquiry  # noqa: E402
from qb.extensions import db  # noqa: E402
from qb.mailbox import mailbox_key  # noqa: E402
from qb.outbox.models import OutboxMessage  # noqa: E402
from qb.privacy.services import person_data  # noqa: E402

TARGET = 1.3
PERSON = "asel.bench@example.kz"
MINE = 20
CHUNK = 5_000
TEXT = "<p>Consent text as shown (bench).</p>"
DIGEST = "b" * 64


def settings(folder):
    return {
        "TESTING": True,
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'qb.sqlite3'}",
        "ERASURE_JOURNAL": str(folder / "erasure-journal.jsonl"),
        "OUTBOX_BACKGROUND": False,
        "OUTBOX_EML_DIR": str(folder / "mail"),
        "PAGE_CACHE": True,
    }


def rows_for(number, email, now):
    """The enquiry `number` of `email`, its consent record and its two mails."""
    created = now - timedelta(minutes=number)
    enquiry = {
        "id": number,
        "submission_key": f"k{number:012d}",
        "name": f"Visitor {number}",
        "email": email,
        # The visitors' addresses are already in their key's spelling: no need to fold them.
        "mailbox_key": mailbox_key(email) if email == PERSON else email,
        "phone": "+77011234567",
        "message": "A question about the first aid course. " * 4,
        "language": "kk",
        "status": "new",
        "created_at": created,
    }
    ref = f"enquiry:{number}"
    consent = {
        "subject": ref,
        "purpose": "enquiry",
        "status": "given",
        "text_version": 1,
        "text_sha256": DIGEST,
        "policy_revision": 1,
        "language": "kk",
        "method": "contact-form",
        "created_at": created,
    }
    mails = [
        {
            "kind": kind,
            "idempotency_key": f"{kind}:{number}",
            "ref": ref,
            "recipient": to,
            "subject": f"Enquiry {number}",
            "body_text": "Body of the mail. " * 20,
            "body_html": "<p>Body of the mail.</p>" * 20,
            "message_id": f"<{kind}.{number}@bench>",
            "status": "sent",
            "attempts": 1,
            "next_attempt_at": created,
            "created_at": created,
            "sent_at": created,
        }
        for kind, to in (("enquiry_notification", "operator@yandex.ru"), ("ack", email))
    ]
    return enquiry, consent, mails


def build(folder, total):
    """A database of `total` enquiries, MINE of them the person's, evenly spread; its app."""
    folder.mkdir()
    app = create_app(settings(folder))
    now = utcnow()
    every = max(1, total // MINE)
    mine = {1 + i * every for i in range(MINE)}
    with app.app_context():
        db.create_all()
        db.session.add(
            ConsentText(sha256=DIGEST, purpose="enquiry", language="kk", version=1, text=TEXT)
        )
        for start in range(1, total + 1, CHUNK):
            enquiries, consents, mails = [], [], []
            for number in range(start, min(start + CHUNK, total + 1)):
                email = PERSON if number in mine else f"visitor{number}@example.kz"
                enquiry, consent, two = rows_for(number, email, now)
                enquiries.append(enquiry)
                consents.append(consent)
                mails.extend(two)
            # Core inserts of many rows at once (executemany), not ORM objects.
            db.session.execute(Enquiry.__table__.insert(), enquiries)
            db.session.execute(ConsentRecord.__table__.insert(), consents)
            db.session.execute(OutboxMessage.__table__.insert(), mails)
            db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return app


def export_once(app, key):
    with app.app_context():
        started = time.perf_counter()
        data = person_data(key)
        elapsed = time.perf_counter() - started
        db.session.rollback()
    assert len(data["enquiries"]) == MINE and len(data["transfers"]) == 2 * MINE
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, SQLAlchemy {sa.__version__}, sqlite {_sqlite()}")
    with tempfile.TemporaryDirectory(prefix="qb-bench-privacy-") as tmp:
        started = time.perf_counter()
        small = build(Path(tmp) / "small", args.small)
        large = build(Path(tmp) / "large", args.large)
        print(
            f"built {args.small} and {args.large} enquiries in "
            f"{time.perf_counter() - started:.1f} s"
        )
        key = mailbox_key(PERSON)
        for app in (small, large):  # warm up: caches, prepared statements, page cache
            for _ in range(20):
                export_once(app, key)
        times = {"small": [], "large": []}
        for _ in range(args.rounds):  # side by side: alternate, so noise hits both
            times["small"].append(export_once(small, key))
            times["large"].append(export_once(large, key))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, total in (("small", args.small), ("large", args.large)):
            print(
                f"{name:>5}: {total:>7} enquiries, export of {MINE} enquiries "
                f"(with {MINE} consents and {2 * MINE} mails): median "
                f"{medians[name] * 1000:.2f} ms over {args.rounds} rounds"
            )
        ratio = medians["large"] / medians["small"]
        verdict = "MET" if ratio <= TARGET else "MISSED"
        print(f"ratio large/small: {ratio:.3f}")
        print(f"TARGET export(large) <= {TARGET} x export(small): {verdict}")
        for app in (small, large):
            with app.app_context():
                db.engine.dispose()


def _sqlite():
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()

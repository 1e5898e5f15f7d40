"""One key per mailbox: spellings that reach one mailbox share it, different mailboxes do not."""

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from email_validator import validate_email

from qb.config import ROOT
from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key


def ascii_email(address):
    """The address as the form stores it (no DNS lookup)."""
    return validate_email(address, check_deliverability=False).ascii_email


# Each row: addresses that reach one mailbox.
SAME = [
    # Case and a +tag, anywhere.
    ["asel@example.kz", "ASEL@example.kz", "Asel@Example.KZ", "asel+news@example.kz"],
    ["asel@example.kz", "asel+tag+more@example.kz", "Asel+@example.kz"],
    # Quotes that change nothing; a trailing dot on the domain.
    ["asel@example.kz", '"asel"@example.kz', '"as\\el"@example.kz', "asel@example.kz."],
    # An international domain, typed in Unicode or stored in Punycode by the form.
    ["asel@пример.қаз", "ASEL@ПРИМЕР.ҚАЗ", ascii_email("asel@пример.қаз")],
    # Gmail: dots do not count, googlemail.com is gmail.com.
    ["ivanpetrov@gmail.com", "ivan.petrov@gmail.com", "I.V.A.N.Petrov+prize@GMAIL.com"],
    ["ivanpetrov@gmail.com", "ivanpetrov@googlemail.com", "Ivan.Petrov@GoogleMail.com"],
    # Yandex: every Yandex domain, and "." equals "-" in the username.
    [
        "ivan.petrov@yandex.ru",
        "ivan-petrov@yandex.ru",
        "ivan.petrov@ya.ru",
        "ivan.petrov@yandex.kz",
        "ivan-petrov@yandex.by",
        "Ivan.Petrov@Yandex.com",
        "ivan.petrov@yandex.ua",
        "ivan.petrov@yandex.com.tr",
        "ivan-petrov+prize@narod.ru",
    ],
    # iCloud: one name at icloud.com, me.com and mac.com.
    ["asel@icloud.com", "asel@me.com", "Asel@Mac.com"],
    # Proton: dots, hyphens and underscores are transparent.
    ["asel.nur@proton.me", "aselnur@proton.me", "asel_nur@proton.me", "asel-nur@proton.me"],
]

# Each row: two addresses of different mailboxes.
DIFFERENT = [
    # Dots count everywhere but at Gmail and Proton (and as "-" at Yandex).
    ("ivan.petrov@mail.ru", "ivanpetrov@mail.ru"),
    ("a.b@example.kz", "ab@example.kz"),
    ("a-b@example.kz", "a.b@example.kz"),
    ("ivan.petrov@outlook.com", "ivanpetrov@outlook.com"),
    ("ivan.petrov@yandex.ru", "ivanpetrov@yandex.ru"),
    ("ivan_petrov@yandex.ru", "ivan.petrov@yandex.ru"),
    ("ivan-petrov@gmail.com", "ivanpetrov@gmail.com"),
    # Providers keep one mailbox per domain unless they document otherwise.
    ("asel@mail.ru", "asel@bk.ru"),
    ("asel@hotmail.com", "asel@outlook.com"),
    ("asel@proton.me", "asel@protonmail.com"),
    ("asel@gmail.com", "asel@google.com"),
    ("asel@yandex.ru", "asel@yandex.example"),
    ("asel@gmail.com", "asel@gmail.co"),
    # Near misses: other names, SQL wildcards, a tag-like start (a phone-number login).
    ("asel@example.kz", "asel2@example.kz"),
    ("a_b@example.kz", "axb@example.kz"),
    ("a%b@example.kz", "a%bc@example.kz"),
    ("+77011234567@ya.ru", "+77019999999@ya.ru"),
    ("asel@example.kz", "asel@example.com"),
    # Quotes that matter make another name.
    ('"a@b"@example.kz', "a@b@example.kz"),
    ('"a b"@example.kz', "ab@example.kz"),
]


@pytest.mark.parametrize("spellings", SAME, ids=lambda row: row[0])
def test_every_spelling_of_one_mailbox_has_one_key(spellings):
    assert len({mailbox_key(address) for address in spellings}) == 1


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_mailboxes_have_different_keys(one, other):
    assert mailbox_key(one) != mailbox_key(other)


@pytest.mark.parametrize(
    "address",
    [
        "a@ya.ru",
        "x" * 64 + "@yandex.com.tr",
        "x" * 200 + "@ya.ru",
        "a@googlemail.com",
        "a@mac.com",
        "a@me.com",
        '"a"@xn--e1afmkfd.xn--80ao21a',
    ],
)
def test_a_key_is_never_longer_than_its_address(address):
    # The address column holds 254 characters, and so does the key column.
    assert len(mailbox_key(address)) <= len(address)


# --- The migration that adds the key to stored enquiries ------------------------------------

BEFORE = "0004_cookie_consent"
ADDRESSES = ["Ivan.Petrov@Yandex.KZ", "ivan-petrov@ya.ru", "a.sel+x@GMAIL.com", "b@example.kz"]


def migrate(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def store_old_enquiries(app):
    """Enquiries and their consent records as the code before the key stored them."""
    with app.app_context():
        for n, address in enumerate(ADDRESSES):
            db.session.execute(
                sa.text(
                    "insert into enquiry (submission_key, name, email, message, language,"
                    " status, created_at) values (:key, 'Әсел', :email, 'Сәлем', 'kk', 'new',"
                    " '2026-11-30 10:00:00')"
                ),
                {"key": f"key-{n}", "email": address},
            )
        db.session.execute(
            sa.text(
                "insert into enquiry_consent (enquiry_id, purpose, status, text_version,"
                " text_sha256, policy_revision, language, method, created_at)"
                " select id, 'enquiry', 'given', 1, 'x', 1, 'kk', 'contact-form', created_at"
                " from enquiry"
            )
        )
        db.session.commit()


def assert_keys_filled(app):
    """Every enquiry is still there, with its key, and its consent record still linked."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Enquiry.email, Enquiry.mailbox_key).order_by(Enquiry.id)
        ).all()
        linked = db.session.scalar(
            sa.text("select count(*) from consent_record where subject like 'enquiry:%'")
        )
        version = db.session.scalar(sa.text("select version_num from alembic_version"))
    assert [email for email, _key in rows] == ADDRESSES
    assert [key for _email, key in rows] == [mailbox_key(a) for a in ADDRESSES]
    assert rows[0].mailbox_key == rows[1].mailbox_key == "ivan.petrov@ya.ru"
    assert linked == len(ADDRESSES)
    assert version == ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def test_upgrading_fills_the_key_of_every_stored_enquiry(make_app):
    app = make_app()
    migrate(app, "upgrade", BEFORE)
    store_old_enquiries(app)
    migrate(app, "upgrade")
    assert_keys_filled(app)
    migrate(app, "check")
    migrate(app, "downgrade", BEFORE)
    migrate(app, "upgrade")
    assert_keys_filled(app)


def test_upgrading_fills_the_keys_on_postgresql(make_app, empty_postgres_uri):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_postgres_uri)
    migrate(app, "upgrade", BEFORE)
    store_old_enquiries(app)
    migrate(app, "upgrade")
    assert_keys_filled(app)
    migrate(app, "check")

"""Withdrawal destroys everything declared for one mailbox, on SQLite and PostgreSQL: the
rows and the mail bodies are counted before and after, and no declared personal column of
any table still holds anything the person gave."""

import pytest
import sqlalchemy as sa

from qb.consent.models import ConsentRecord
from qb.contact.models import Enquiry
from qb.extensions import db
from qb.mailbox import mailbox_key
from qb.newsletter.models import Subscriber
from qb.outbox.models import OutboxMessage
from qb.personal_data import personal_columns
from qb.privacy import services as privacy

from .contact_helpers import SETTINGS
from .factories import new_enquiry
from .newsletter_helpers import new_subscriber

ASEL = {
    "email": "Asel.Nurlan@example.kz",
    "name": "Әсел Нұрланқызы",
    "phone": "+77019998877",
    "message": "Сәлеметсіз бе! Өрт қауіпсіздігі курсы туралы сұрағым бар.",
}
BOLAT = {
    "email": "bolat@example.kz",
    "name": "Болат Серікұлы",
    "phone": "+77015554433",
    "message": "Еңбек қауіпсіздігі курсы қашан басталады?",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    if request.param == "sqlite":
        return make_app(**SETTINGS, tables=True)
    uri = request.getfixturevalue("postgres_uri")
    return make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=uri)


def counts(app, person):
    """Rows and mail bodies held for `person`, and the consent records kept as proof."""
    key = mailbox_key(person["email"])
    with app.app_context():

        def number(query):
            return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

        enquiry_ids = list(db.session.scalars(sa.select(Enquiry.id).filter_by(mailbox_key=key)))
        subscriber_ids = list(
            db.session.scalars(sa.select(Subscriber.id).filter_by(mailbox_key=key))
        )
        refs = [f"enquiry:{i}" for i in enquiry_ids] + [f"subscriber:{i}" for i in subscriber_ids]
        mail = sa.select(OutboxMessage.id).where(OutboxMessage.ref.in_(refs))
        return {
            "enquiries": len(enquiry_ids),
            "subscriptions": len(subscriber_ids),
            "mails": number(mail),
            "mail bodies": number(mail.where(OutboxMessage.body_text.is_not(None))),
            "linked consents": number(
                sa.select(ConsentRecord.id).where(ConsentRecord.subject.in_(refs))
            ),
            "all consents": number(sa.select(ConsentRecord.id)),
        }


def leftovers(app, person):
    """Every declared personal column of every table that still holds a piece of `person`."""
    needles = [person["email"].lower(), person["name"], person["phone"], person["message"]]
    needles.append(mailbox_key(person["email"]))
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for name, _declared in personal_columns(table):
                for value in db.session.scalars(sa.select(table.c[name])):
                    text = str(value or "").lower()
                    if any(needle.lower() in text for needle in needles):
                        found.append(f"{table.name}.{name}")
    return sorted(set(found))


def test_withdrawal_destroys_every_row_and_mail_body_of_that_mailbox(app):
    for person in (ASEL, BOLAT):
        new_enquiry(app, **person, newsletter=True)
        new_enquiry(app, **{**person, "email": person["email"].upper()})
        new_subscriber(app, person["email"], name=person["name"])
    # A campaign queued for both: bodies waiting in the outbox.
    result = app.test_cli_runner().invoke(
        args=["newsletter", "send", "first-aid-for-teams", "--yes", "--queue-only"]
    )
    assert result.exit_code == 0, result.output
    before, others = counts(app, ASEL), counts(app, BOLAT)
    assert before["enquiries"] == 2 and before["subscriptions"] == 1
    assert before["mails"] == before["mail bodies"] >= 6  # two per enquiry, confirm, campaign
    assert before["linked consents"] >= 5

    with app.app_context():
        destroyed = privacy.destroy(mailbox_key(ASEL["email"]), actor="self-service")
        db.session.commit()

    after = counts(app, ASEL)
    assert after == {
        "enquiries": 0,
        "subscriptions": 0,
        "mails": 0,
        "mail bodies": 0,
        "linked consents": 0,
        "all consents": before["all consents"],  # kept as proof, unlinked
    }
    assert destroyed["enquiry"] == 2 and destroyed["newsletter_subscriber"] == 1
    assert destroyed["outbox_message"] == before["mails"]
    assert destroyed["consent_record"] == before["linked consents"]
    assert leftovers(app, ASEL) == []
    assert counts(app, BOLAT) == others  # the other person keeps everything
    assert "enquiry.name" in leftovers(app, BOLAT)

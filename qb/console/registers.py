"""The request register's and the breach register's steps behind the console's views."""

from datetime import UTC, datetime

import sqlalchemy as sa

from ..clock import KAZAKHSTAN_TIME, utcnow
from ..extensions import db
from ..mailbox import mailbox_key
from ..operators import audit
from ..requests import services as requests
from ..requests.workdays import add_working_days
from .models import BreachIncident

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def parse_local(text):
    """A Kazakhstan date and time from a datetime-local field, as naive UTC; or None."""
    try:
        moment = datetime.strptime((text or "").strip(), LOCAL_INPUT)
    except ValueError:
        return None
    return moment.replace(tzinfo=KAZAKHSTAN_TIME).astimezone(UTC).replace(tzinfo=None)


def actor(operator):
    return f"operator:{operator.id}"


def enter_request(form, operator):
    """Enter a request from the form; the audit entry names the person by pseudonym."""
    person = audit.person_pseudonym(mailbox_key(form.email.data)) if form.email.data else None
    received = parse_local(form.received.data) if form.received.data else None
    entered = requests.enter(
        form.kind.data,
        form.channel.data,
        received_at=received,
        identity_check=form.identity_check.data,
        person=person,
        by=actor(operator),
        note=form.note.data or None,
    )
    db.session.flush()
    audit.record(
        "request",
        operator=operator,
        person_pseudonym=person,
        record_ids=[f"request:{entered.id}"],
        detail=f"entered {entered.kind}",
    )
    return entered


def close_request(request_id, form, operator):
    closed = requests.close(
        request_id,
        status=form.status.data,
        outcome=form.outcome.data,
        reason=form.reason.data or None,
        by=actor(operator),
    )
    audit.record(
        "request",
        operator=operator,
        person_pseudonym=closed.mailbox_pseudonym,
        record_ids=[f"request:{closed.id}"],
        detail=f"closed {closed.status}",
    )
    return closed


def link_request(request_id, form, operator):
    """Link an open request to the person with the address given (kept as a pseudonym)."""
    person = audit.person_pseudonym(mailbox_key(form.email.data))
    linked = requests.link_person(request_id, person=person, by=actor(operator))
    audit.record(
        "request",
        operator=operator,
        person_pseudonym=person,
        record_ids=[f"request:{linked.id}"],
        detail="linked to a person",
    )
    return linked


def record_breach(form, operator):
    detected = parse_local(form.detected.data)
    if detected is None or detected > utcnow():
        return None
    incident = BreachIncident(
        detected_at=detected,
        recorded_by=operator.id,
        description=form.description.data,
        measures=form.measures.data or "",
        notice_due_at=add_working_days(detected, 1),
    )
    db.session.add(incident)
    db.session.flush()
    audit.record("breach", operator=operator, record_ids=[f"breach:{incident.id}"])
    return incident


def breaches():
    return list(
        db.session.scalars(sa.select(BreachIncident).order_by(BreachIncident.detected_at.desc()))
    )


def affected_people(incident):
    """Names and phone numbers held when the incident was detected, from every table that
    has both a name and a created_at column (found in the schema: the console imports no
    feature): [(table, name, phone)]."""
    found = []
    for table in db.metadata.sorted_tables:
        if not {"name", "created_at"} <= set(table.c.keys()):
            continue
        phone = table.c.phone if "phone" in table.c else sa.null()
        rows = db.session.execute(
            sa.select(table.c.name, phone).where(table.c.created_at <= incident.detected_at)
        )
        found.extend((table.name, name, number) for name, number in rows if name or number)
    return found

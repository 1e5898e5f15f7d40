"""The request register's verbs. They join the caller's transaction and leave the commit to
the caller, like queue_mail: a self-service withdrawal and its register row commit together.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..extensions import db
from .models import (
    ACCESS,
    BLOCKING,
    CHANNELS,
    CLOSED_STATUSES,
    CORRECTION,
    DELETION,
    DONE,
    KINDS,
    OPEN_STATUSES,
    QUESTION,
    REFUSED,
    SELF_SERVICE,
    UNSUBSCRIBE,
    VERIFIED,
    WITHDRAWAL,
    DataRequest,
)
from .workdays import Calendar, add_working_days, end_of_day_utc, local_day

# Working days to act, per kind (docs/requests.md has the table with its legal references).
# ACCESS and QUESTION take ACCESS_DEADLINE_WORKING_DAYS: the Law names no number for them.
WORKING_DAYS = {CORRECTION: 1, BLOCKING: 1, DELETION: 1, WITHDRAWAL: 15}
ACCESS_LIKE = (ACCESS, QUESTION)
# The mailbox providers' rule for unsubscribing (48 hours) is stricter than Art. 8(7)'s
# 15 working days, so it decides: calendar hours, not working days.
UNSUBSCRIBE_WITHIN = timedelta(hours=48)
TEXT_MAX = 500
SHORT_MAX = 200
ACTOR_MAX = 80
SELF_SERVICE_CHECK = "link mailed to the address"


class RequestError(ValueError):
    """Input the register cannot take; the message says what is wrong (and nothing personal)."""


def access_deadline_days(config=None):
    """ACCESS_DEADLINE_WORKING_DAYS as a whole number from 1 to 15, or RequestError."""
    value = (config or current_app.config)["ACCESS_DEADLINE_WORKING_DAYS"]
    days = None
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            days = int(value)
        except ValueError:
            pass
    if days is None or not 1 <= days <= 15:
        raise RequestError(
            "ACCESS_DEADLINE_WORKING_DAYS must be a whole number of working days from 1 to 15 "
            f"(got {value!r})"
        )
    return days


def deadline(kind, received_at, calendar=None):
    """When a request of `kind` received at `received_at` (naive UTC) must be answered (UTC)."""
    if kind == UNSUBSCRIBE:
        return received_at + UNSUBSCRIBE_WITHIN
    days = access_deadline_days() if kind in ACCESS_LIKE else WORKING_DAYS.get(kind)
    if days is None:
        raise RequestError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    return add_working_days(received_at, days, calendar)


def enter(kind, channel, *, received_at=None, identity_check, person=None, by, note=None):
    """Add a request to the register (status received) with its deadline; the caller commits.

    `person` is the requester's mailbox pseudonym (qb.mailbox.mailbox_pseudonym), or None.
    """
    _check_choice("kind", kind, KINDS)
    _check_choice("channel", channel, CHANNELS)
    now = utcnow()
    received_at = _naive_utc(received_at or now)
    if received_at > now + timedelta(minutes=5):
        raise RequestError("the time received is in the future")
    request = DataRequest(
        kind=kind,
        channel=channel,
        received_at=received_at,
        identity_check=_text("identity check", identity_check, SHORT_MAX, required=True),
        mailbox_pseudonym=_pseudonym(person),
        status="received",
        due_at=deadline(kind, received_at),
        entered_by=_text("actor", by, ACTOR_MAX, required=True),
        note=_text("note", note, TEXT_MAX),
    )
    db.session.add(request)
    return request


def verify(request_or_id, *, identity_check=None, by):
    """Record that the requester's identity is checked (status verified); the caller commits."""
    request = _open_request(request_or_id)
    if identity_check is not None:
        request.identity_check = _text("identity check", identity_check, SHORT_MAX, required=True)
    request.status = VERIFIED
    request.verified_by = _text("actor", by, ACTOR_MAX, required=True)
    request.verified_at = utcnow()
    return request


def link_person(request_or_id, *, person, by):
    """Name the person an open request is about (a pseudonym), e.g. once a letter's sender
    is matched to a mailbox; the caller commits. Returns the request."""
    request = _open_request(request_or_id)
    request.mailbox_pseudonym = _pseudonym(person)
    if request.mailbox_pseudonym is None:
        raise RequestError("the person is required")
    _text("actor", by, ACTOR_MAX, required=True)
    return request


def close(request_or_id, *, status=DONE, outcome, reason=None, by):
    """Close a request as done, or refused with its reason; the caller commits."""
    _check_choice("status", status, CLOSED_STATUSES)
    request = _open_request(request_or_id)
    if status == REFUSED and not (reason or "").strip():
        raise RequestError("a refusal needs its reason (--reason)")
    if status == DONE and reason:
        raise RequestError("a reason is given only with a refusal")
    request.outcome = _text("outcome", outcome, TEXT_MAX, required=True)
    request.refusal_reason = _text("reason", reason, TEXT_MAX)
    request.closed_by = _text("actor", by, ACTOR_MAX, required=True)
    request.status = status
    request.closed_at = utcnow()
    return request


def record_self_service(kind, person, outcome):
    """A request the person carried out themselves (an unsubscribe link, "my data"):
    entered and closed at once, channel self-service; the caller commits."""
    request = enter(
        kind, SELF_SERVICE, identity_check=SELF_SERVICE_CHECK, person=person, by=SELF_SERVICE
    )
    return close(request, status=DONE, outcome=outcome, by=SELF_SERVICE)


def get(request_id):
    """The request with this id, or RequestError."""
    request = db.session.get(DataRequest, request_id)
    if request is None:
        raise RequestError(f"no request has the id {request_id}")
    return request


def open_requests(overdue_only=False, *, now=None, person=None, kind=None):
    """Requests not closed yet, the earliest deadline first (only those past it if asked;
    only this pseudonym's or this kind's, if given)."""
    query = sa.select(DataRequest).where(DataRequest.status.in_(OPEN_STATUSES))
    if overdue_only:
        query = query.where(DataRequest.due_at < (now or utcnow()))
    if person is not None:
        query = query.where(DataRequest.mailbox_pseudonym == person)
    if kind is not None:
        query = query.where(DataRequest.kind == kind)
    return list(db.session.scalars(query.order_by(DataRequest.due_at, DataRequest.id)))


def due_tomorrow_or_overdue(today):
    """Open requests whose deadline ends by the close of the next working day after `today`
    (a date in Kazakhstan): the overdue ones, today's and the next working day's."""
    calendar = Calendar.from_database(since=today)
    cutoff = end_of_day_utc(calendar.next_working_day(today))
    query = sa.select(DataRequest).where(
        DataRequest.status.in_(OPEN_STATUSES), DataRequest.due_at <= cutoff
    )
    return list(db.session.scalars(query.order_by(DataRequest.due_at, DataRequest.id)))


def recompute_deadlines(day):
    """After the calendar changed on `day` (an override set or removed): every open request
    whose period runs over that day gets its deadline again. (id, before, after) for each
    deadline that moved; the caller commits."""
    calendar = Calendar.from_database()
    moved = []
    for request in open_requests():
        if request.kind == UNSUBSCRIBE:
            continue  # calendar hours: no working day in it
        if not local_day(request.received_at) < day <= local_day(request.due_at):
            continue
        before = request.due_at
        request.due_at = deadline(request.kind, request.received_at, calendar)
        if request.due_at != before:
            moved.append((request.id, before, request.due_at))
    return moved


def find(*, person=None, status=None, kind=None, limit=None):
    """Requests, newest first, by pseudonym, status ("open" for both open ones) or kind."""
    query = sa.select(DataRequest)
    if person is not None:
        query = query.where(DataRequest.mailbox_pseudonym == person)
    if status == "open":
        query = query.where(DataRequest.status.in_(OPEN_STATUSES))
    elif status is not None:
        query = query.where(DataRequest.status == status)
    if kind is not None:
        query = query.where(DataRequest.kind == kind)
    query = query.order_by(DataRequest.received_at.desc(), DataRequest.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def _open_request(request_or_id):
    request = request_or_id
    if not isinstance(request, DataRequest):
        request = get(request_or_id)
    if request.status not in OPEN_STATUSES:
        raise RequestError(f"request {request.id} is closed already ({request.status})")
    return request


def _check_choice(what, value, allowed):
    if value not in allowed:
        raise RequestError(f"unknown {what} {value!r}: one of {', '.join(allowed)}")


def _text(what, value, limit, *, required=False):
    value = " ".join((value or "").split())
    if required and not value:
        raise RequestError(f"the {what} is required")
    if len(value) > limit:
        raise RequestError(f"the {what} is longer than {limit} characters")
    return value or None


def _pseudonym(person):
    if person is None:
        return None
    if not isinstance(person, str) or len(person) != 64:
        raise RequestError("person must be a mailbox pseudonym (64 hex digits) or None")
    try:
        int(person, 16)
    except ValueError:
        raise RequestError("person must be a mailbox pseudonym (64 hex digits) or None") from None
    return person.lower()


def _naive_utc(moment: datetime) -> datetime:
    """A time as tables store it: naive UTC (an aware time is converted)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment

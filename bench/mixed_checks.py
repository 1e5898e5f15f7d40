"""What the mixed load and fault runs print and check: latencies per kind of request, the
enquiries stored once, the mail delivered once, the one rate-limit count in Redis."""

import json
import statistics
import time
from collections import Counter

import sqlalchemy as sa
from mixed_client import EXPECTED

MAIL_DRAIN_TIMEOUT_S = 180


def merge(results):
    lat, statuses, sockets, accepted = {}, {}, Counter(), {}
    for part in results:
        for kind, values in part["lat"].items():
            lat.setdefault(kind, []).extend(values)
        for kind, counter in part["statuses"].items():
            statuses.setdefault(kind, Counter()).update(counter)
        sockets.update(part["socket"])
        for what, emails in part["accepted"].items():
            accepted.setdefault(what, []).extend(emails)
    return lat, statuses, sockets, accepted


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summarize(results, elapsed):
    lat, statuses, sockets, _ = merge(results)
    lines = [
        f"{'kind':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'5xx':>6}{'other':>7}{'socket':>8}"
    ]
    total = errors5 = unexpected = 0
    for kind in sorted(set(lat) | set(sockets)):
        values = lat.get(kind, [])
        counter = statuses.get(kind, Counter())
        ok = EXPECTED.get(kind, 200)
        five = sum(n for s, n in counter.items() if s >= 500)
        other = sum(n for s, n in counter.items() if s != ok and s < 500)
        total += len(values)
        errors5 += five
        unexpected += other
        lines.append(
            f"{kind:<16}{len(values):>9}{len(values) / elapsed:>8.1f}"
            f"{percentile(values, 50):>9.1f}{percentile(values, 99):>9.1f}"
            f"{five:>6}{other:>7}{sockets.get(kind, 0):>8}"
        )
        if other:
            lines.append(f"{'':<16}statuses: {dict(counter)}")
    lines.append(
        f"{'all':<16}{total:>9}{total / elapsed:>8.1f}{'':>18}{errors5:>6}{unexpected:>7}"
        f"{sum(sockets.values()):>8}"
    )
    home = lat.get("home", [])
    if home:
        ratio = percentile(home, 99) / percentile(home, 50)
        verdict = "MET" if ratio <= 4 else "MISSED"
        lines.append(f"home page p99/p50 = {ratio:.2f} (target <= 4: {verdict})")
    verdict = "MET" if not errors5 and not sum(sockets.values()) else "MISSED"
    lines.append(
        f"server errors {errors5}, socket errors {sum(sockets.values())} (target 0: {verdict})"
    )
    return "\n".join(lines)


def engine_for(front):
    uri = json.loads(front.env["QB_SQLALCHEMY_DATABASE_URI"])
    return sa.create_engine(uri, poolclass=sa.NullPool)


def check_database(front, results):
    """Every enquiry the site accepted is stored exactly once; so is every subscription."""
    _, _, _, accepted = merge(results)
    failures = []
    engine = engine_for(front)
    try:
        with engine.connect() as conn:
            stored = Counter(r[0] for r in conn.execute(sa.text("select email from enquiry")))
            subscribed = Counter(
                r[0] for r in conn.execute(sa.text("select email from newsletter_subscriber"))
            )
    finally:
        engine.dispose()
    for what, counter in (("contact", stored), ("newsletter", subscribed)):
        emails = accepted.get(what, [])
        missing = [e for e in emails if counter[e] == 0]
        doubled = [e for e, n in counter.items() if n > 1]
        extra = len(set(counter) - set(emails))
        print(
            f"{what}: {len(emails)} accepted, {sum(counter.values())} stored, "
            f"{len(missing)} missing, {len(doubled)} stored twice, "
            f"{extra} stored without an answer seen by the client"
        )
        if missing or doubled:
            failures.append(f"{what}: {len(missing)} missing, {len(doubled)} stored twice")
    return failures


def outbox_state(engine):
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select message_id, status from outbox_message")).all()
    return rows


def wait_for_mail(front, timeout=MAIL_DRAIN_TIMEOUT_S):
    """Wait until no message is pending or being sent; the outbox rows."""
    engine = engine_for(front)
    try:
        deadline = time.monotonic() + timeout
        while True:
            rows = outbox_state(engine)
            waiting = [r for r in rows if r.status in ("pending", "sending")]
            if not waiting or time.monotonic() > deadline:
                return rows
            time.sleep(0.5)
    finally:
        engine.dispose()


def check_mail(front, sink, senders):
    """Every mail in the outbox arrived exactly once: no Message-ID twice, none missing."""
    rows = wait_for_mail(front)
    for sender in senders:
        sender.stop()
    received = sink.received()
    statuses = Counter(r.status for r in rows)
    queued = {r.message_id for r in rows}
    missing = [m for m in queued if received[m] == 0]
    twice = [m for m, n in received.items() if n > 1]
    strangers = [m for m in received if m not in queued]
    print(
        f"mail: {len(queued)} queued ({dict(statuses)}), {sum(received.values())} received, "
        f"{len(missing)} missing, {len(twice)} Message-IDs twice, {len(strangers)} unknown"
    )
    failures = []
    if missing or twice:
        failures.append(f"mail: {len(missing)} missing, {len(twice)} duplicated")
    return failures


def check_rate_count(front, results, warmup=()):
    """The contact-form counter is one count in Redis for every site instance."""
    import redis

    _, statuses, sockets, _ = merge([*results, *warmup])
    posts = sum(statuses.get("contact-post", Counter()).values())
    client = redis.Redis.from_url(front.redis_uri)
    try:
        keys = [k for k in client.scan_iter("*contact*") if b"hour" in k]
        counted = sum(int(client.get(k) or 0) for k in keys)
    finally:
        client.close()
    print(
        f"rate limit: {posts} contact POSTs answered, {counted} counted in {len(keys)} "
        "Redis key(s) shared by every instance"
    )
    if counted < posts:
        return [f"rate limit counted {counted} of {posts} contact POSTs"]
    return []


__all__ = ["check_database", "check_mail", "check_rate_count", "statistics", "summarize"]

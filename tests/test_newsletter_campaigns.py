"""Campaigns: one copy per confirmed subscriber in their language, with the list headers,
through a real SMTP server; stopped and started again without a second copy; enquiries first."""

import collections
import signal
import subprocess
import sys
import threading
import time
from email.header import decode_header, make_header
from email.utils import parseaddr
from urllib.parse import unquote

import pytest

from qb.newsletter import campaigns
from qb.outbox.sender import send_due

from .newsletter_helpers import (
    SETTINGS,
    UNSUBSCRIBE_LINK,
    html_part,
    new_subscriber,
    path_of,
    subscribe,
    text_part,
)
from .outbox_helpers import cli_env
from .outbox_helpers import send as deliver
from .site import ROOT

CAMPAIGN = "first-aid-for-teams"
SUBJECTS = {
    "kk": "Командаңызға арналған алғашқы көмек оқуы",
    "ru": "Обучение первой помощи для вашей команды",
    "en": "First aid training for your team",
}
OPT_OUT = {
    "kk": "Жаңа өнімдер мен қызметтер және арнайы ұсыныстар туралы ескертпелерден бас тарту",
    "ru": "Отказ от уведомлений о новых продуктах и услугах и специальных предложениях",
    "en": "Opt-out of notifications about new products and services and special offers",
}


@pytest.fixture
def site(make_app, smtp_server):
    app = make_app(**SETTINGS, **smtp_server.settings(), OUTBOX_BULK_PER_SECOND=0, tables=True)
    return app, smtp_server


def people(app, count, prefix="p"):
    """`count` confirmed subscribers, the languages in turn; {address: language}."""
    made = {}
    for n in range(count):
        lang = ("kk", "ru", "en")[n % 3]
        email = f"{prefix}{n}@example.kz"
        new_subscriber(app, email, lang, name="Әсел" if n % 2 else None)
        made[email] = lang
    return made


def subject_of(mail):
    """The Subject as sent, decoded by the letter of RFC 2047 (as mail clients read it)."""
    raw = "\r\n" + mail.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    folded = raw.split("\r\nSubject: ", 1)[1].split("\r\n")
    lines = [folded[0]]
    for line in folded[1:]:
        if line[:1] not in " \t":
            break
        lines.append(line)
    value = "\r\n".join(lines)
    return str(make_header(decode_header(value)))


def campaign_mail(received):
    return [m for m in received if m.message["List-Id"]]


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["newsletter", *args])
    return result


def test_a_campaign_reaches_every_confirmed_subscriber_once_in_their_language(site):
    app, sink = site
    audience = people(app, 300)
    new_subscriber(app, "unconfirmed@example.kz", "ru", confirm=False)
    deliver(app)  # the confirmation requests
    confirmations = len(sink.wait_for(301))

    result = run(app, "send", CAMPAIGN, "--yes")
    assert result.exit_code == 0, result.output
    assert "kk: 100 confirmed subscribers" in result.output
    assert "queued 300 new copies" in result.output
    assert "queued: 0  sent: 300  failed: 0" in result.output
    received = campaign_mail(sink.wait_for(confirmations + 300))
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(audience)  # once each, nobody else

    for mail in received:
        lang = audience[mail.rcpt_tos[0]]
        message = mail.message
        assert subject_of(mail) == SUBJECTS[lang]
        assert message.get_content_type() == "multipart/alternative"
        https, mailto = (
            part.strip().strip("<>") for part in message["List-Unsubscribe"].split(",")
        )
        assert UNSUBSCRIBE_LINK.fullmatch(https) and https.startswith("https://")
        assert (f"/{lang}/" in https) == (lang != "kk")
        address, _, query = mailto.removeprefix("mailto:").partition("?subject=")
        assert address == app.config["OPERATOR_EMAIL"] and unquote(query) == OPT_OUT[lang]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"].endswith("<newsletter.qauipsizbolashaq.kz>")
        assert https in text_part(message) and f'href="{https}"' in html_part(message)
        raw_header = (b"\r\n" + mail.raw).split(b"\r\nList-Unsubscribe:", 1)[1].split(b"\r\n")[0]
        assert b"=?" not in raw_header and https.encode() in raw_header  # never encoded-words

    # Sending again queues and mails nobody twice.
    again = run(app, "send", CAMPAIGN, "--yes")
    assert "queued 0 new copies" in again.output
    assert len(campaign_mail(sink.messages)) == 300


def test_the_one_click_post_from_a_mail_stops_that_subscribers_queued_copy(site):
    app, sink = site
    people(app, 3)
    deliver(app)
    sink.wait_for(3)
    assert run(app, "send", CAMPAIGN, "--yes", "--queue-only").exit_code == 0
    first = sink.messages[0].rcpt_tos[0]
    with app.test_request_context():
        from qb.newsletter.mails import unsubscribe_url
        from qb.newsletter.services import find_by_address

        url = unsubscribe_url(find_by_address(first), "kk")
    response = app.test_client(use_cookies=False).post(
        path_of(url), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    deliver(app)
    received = campaign_mail(sink.wait_for(5))
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(
        {f"p{n}@example.kz" for n in range(3)} - {first}
    )
    assert "queued: 0  sent: 2  failed: 0" in run(app, "status", CAMPAIGN).output


def test_nothing_but_the_confirmation_goes_to_an_unconfirmed_address(site):
    app, sink = site
    subscribe(app.test_client(), "/en/newsletter", email="stranger@example.kz")
    result = run(app, "send", CAMPAIGN, "--yes")
    assert "Nobody to send to." in result.output
    deliver(app)
    [only] = sink.wait_for(1)
    assert "confirm" in only.message["Subject"] and only.message["List-Id"] is None


def test_a_dry_run_counts_per_language_shows_samples_and_names_missing_translations(
    site, tmp_path, monkeypatch
):
    app, _sink = site
    people(app, 4)
    for lang in ("kk", "ru"):  # no English text
        folder = tmp_path / lang / "newsletters"
        folder.mkdir(parents=True)
        source = (ROOT / "templates/content" / lang / "newsletters" / f"{CAMPAIGN}.md").read_text()
        (folder / "partial.md").write_text(source, encoding="utf-8")
    monkeypatch.setattr(
        campaigns, "content_path", lambda lang, *parts: tmp_path.joinpath(lang, *parts)
    )

    result = run(app, "send", "partial", "--dry-run", "--samples", str(tmp_path / "eml"))
    assert result.exit_code == 0, result.output
    assert "kk: 2 confirmed subscribers\n" in result.output
    assert "ru: 1 confirmed subscribers\n" in result.output
    assert "en: 1 confirmed subscribers (no translation: they get the Kazakh text)" in result.output
    assert result.output.count(f"Subject: {SUBJECTS['kk']}") == 2  # kk, and en falling back
    assert f"Subject: {SUBJECTS['ru']}" in result.output
    assert sorted(p.name for p in (tmp_path / "eml").iterdir()) == [
        "partial-en.eml",
        "partial-kk.eml",
        "partial-ru.eml",
    ]
    assert "queued: 0  sent: 0  failed: 0" in run(app, "status", "partial").output


@pytest.mark.parametrize("name", ["no-such-campaign", "Bad/Name"])
def test_an_unknown_campaign_is_refused(site, name):
    app, _sink = site
    result = run(app, "send", name, "--yes")
    assert result.exit_code != 0
    assert "no Kazakh text" in result.output or "lower-case" in result.output


def test_a_refused_recipient_is_counted_as_failed(site):
    app, sink = site
    people(app, 3)
    sink.refuse.add("p1@example.kz")
    result = run(app, "send", CAMPAIGN, "--yes")
    assert "queued: 0  sent: 2  failed: 1" in result.output


def test_an_enquiry_during_a_large_campaign_reaches_the_operator_first(make_app, smtp_server):
    app = make_app(
        **SETTINGS,
        **smtp_server.settings(),
        OUTBOX_BULK_PER_SECOND=0,
        OUTBOX_BATCH_SIZE=10,
        tables=True,
    )
    people(app, 240)
    deliver(app)
    before = len(smtp_server.wait_for(240))
    assert run(app, "send", CAMPAIGN, "--yes", "--queue-only").exit_code == 0

    def worker():
        with app.app_context():
            send_due(app.config)

    thread = threading.Thread(target=worker)
    thread.start()
    smtp_server.wait_for(before + 20)  # the campaign is going out
    from .contact_helpers import send as send_enquiry

    assert send_enquiry(app.test_client(), "/en/contact").status_code == 303
    submitted_at = len(smtp_server.messages)  # the enquiry and its mail are committed
    thread.join(120)
    operator = app.config["OPERATOR_EMAIL"].lower()
    order = [m.rcpt_tos[0].lower() for m in smtp_server.messages]
    arrived = order.index(operator)
    # Claimed at the worker's next batch: at most one batch of campaign mail came in between.
    assert arrived - submitted_at <= 10 + 1
    assert arrived < len(order) - 100  # long before the campaign's end


def test_a_send_stopped_halfway_and_started_again_mails_each_subscriber_once(
    make_app, smtp_server, tmp_path
):
    app = make_app(**SETTINGS, **smtp_server.settings(), tables=True)
    audience = people(app, 60)
    deliver(app)
    before = len(smtp_server.wait_for(60))
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "qb",
        "newsletter",
        "send",
        CAMPAIGN,
        "--yes",
    ]
    env = cli_env(tmp_path, smtp_server, OUTBOX_BULK_PER_SECOND=40)
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        smtp_server.wait_for(before + 10)  # a sign of progress, then the stop
        child.send_signal(signal.SIGTERM)
        output, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 1, output
    assert "Stopped. Run the same command again" in output
    halfway = len(campaign_mail(smtp_server.messages))
    assert 10 <= halfway < 60

    env = cli_env(tmp_path, smtp_server, OUTBOX_BULK_PER_SECOND=0)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "queued 0 new copies" in done.stdout
    received = collections.Counter(m.rcpt_tos[0] for m in campaign_mail(smtp_server.messages))
    assert received == collections.Counter(audience.keys())  # everyone exactly once


def test_a_campaign_on_postgresql(make_app, smtp_server, postgres_uri):
    app = make_app(
        **SETTINGS,
        **smtp_server.settings(),
        OUTBOX_BULK_PER_SECOND=0,
        SQLALCHEMY_DATABASE_URI=postgres_uri,
    )
    audience = people(app, 30)
    deliver(app)
    smtp_server.wait_for(30)
    result = run(app, "send", CAMPAIGN, "--yes")
    assert "queued: 0  sent: 30  failed: 0" in result.output, result.output
    received = campaign_mail(smtp_server.wait_for(60))
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(audience)
    assert "queued 0 new copies" in run(app, "send", CAMPAIGN, "--yes").output
    assert all(parseaddr(m.message["From"])[1] for m in received)


def test_the_campaign_pace_holds(make_app, smtp_server):
    app = make_app(**SETTINGS, **smtp_server.settings(), OUTBOX_BULK_PER_SECOND=20, tables=True)
    people(app, 30)
    deliver(app)  # normal mail is never paced
    smtp_server.wait_for(30)
    started = time.monotonic()
    result = run(app, "send", CAMPAIGN, "--yes")
    elapsed = time.monotonic() - started
    assert "queued: 0  sent: 30  failed: 0" in result.output
    assert elapsed >= 29 / 20  # 30 messages at most 20 a second: the first, then 29 gaps


def test_a_web_process_sends_normal_mail_but_leaves_campaigns_to_the_worker(make_app, smtp_server):
    from qb.outbox import background

    app = make_app(**SETTINGS, **smtp_server.settings(), OUTBOX_BACKGROUND=True, tables=True)
    people(app, 3)  # their confirmation requests go out from the web process's thread
    smtp_server.wait_for(3)
    assert run(app, "send", CAMPAIGN, "--yes", "--queue-only").exit_code == 0
    new_subscriber(app, "late@example.kz", "en", confirm=False)  # wakes the thread again
    [*_, late] = smtp_server.wait_for(4)
    assert late.rcpt_tos == ["late@example.kz"]
    background.stop(app, timeout=30)  # the thread's pass is over
    assert campaign_mail(smtp_server.messages) == []
    assert "queued: 3  sent: 0" in run(app, "status", CAMPAIGN).output

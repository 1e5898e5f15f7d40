"""Rate limits on the contact form's POST, counted in a real Redis shared by all workers."""

import logging
import random

import pytest

from qb import create_app

from .contact_helpers import enquiries, open_form, send


@pytest.fixture
def limited(make_app, redis_uri):
    """Make apps ("workers") that share one Redis counter."""

    def make(**overrides):
        settings = {
            "CONTACT_MIN_FILL_SECONDS": 0,
            "CONTACT_RATE_LIMIT": "5 per minute",
            "RATELIMIT_STORAGE_URI": redis_uri,
            **overrides,
        }
        return make_app(**settings, tables=True)

    return make


@pytest.fixture
def address():
    """A client address of this test's own, so counters of other tests do not count."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_sixth_post_in_a_minute_gets_a_localised_429_with_retry_after(limited, address):
    app = limited()
    client = client_from(app, address)
    statuses = [send(client, "/ru/contact", email=f"v{n}@example.kz").status_code for n in range(5)]
    assert statuses == [303] * 5

    refused = send(client, "/ru/contact", email="v6@example.kz")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "<h1>Слишком много запросов</h1>" in refused.text
    assert '<html lang="ru">' in refused.text
    assert len(enquiries(app)) == 5


def test_opening_the_page_is_not_limited(limited, address):
    client = client_from(limited(), address)
    statuses = [client.get("/contact").status_code for _ in range(12)]
    assert statuses == [200] * 12
    # Nor do the views count against the POSTs: the whole budget of five is left.
    assert [send(client, email=f"v{n}@example.kz").status_code for n in range(6)] == [303] * 5 + [
        429
    ]


def test_two_workers_share_one_counter(limited, address):
    one, two = client_from(limited(), address), client_from(limited(), address)
    assert [send(one, email=f"a{n}@example.kz").status_code for n in range(3)] == [303] * 3
    assert [send(two, email=f"b{n}@example.kz").status_code for n in range(2)] == [303] * 2
    assert send(one, email="c@example.kz").status_code == 429
    assert send(two, email="d@example.kz").status_code == 429


def test_each_client_address_has_its_own_counter(limited, address):
    app = limited(CONTACT_RATE_LIMIT="1 per minute")
    client = app.test_client()
    near = {"REMOTE_ADDR": address}
    far = {"REMOTE_ADDR": address.rsplit(".", 1)[0] + ".255"}
    data = {**open_form(client), "name": "Әсел Нұр", "email": "a@example.kz", "message": "Сәлем"}
    assert (
        client.post("/contact", data={**data, "consent": "yes"}, environ_base=near).status_code
        == 303
    )
    assert client.post("/contact", data=data, environ_base=near).status_code == 429
    assert client.post("/contact", data=data, environ_base=far).status_code == 422


def test_production_refuses_memory_counters_unless_single_process(caplog):
    production = {
        "SECRET_KEY": "k" * 40,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
        "OPERATOR_BIN": "123456789012",
    }
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI.*RATELIMIT_SINGLE_PROCESS"):
        create_app(production)
    # One process is all there is, or no limit is counted at all, or Redis counts: it starts.
    create_app({**production, "RATELIMIT_SINGLE_PROCESS": True})
    create_app({**production, "RATELIMIT_ENABLED": False})
    caplog.set_level(logging.WARNING)
    create_app({**production, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    assert caplog.text == ""


def test_debug_mode_alone_refuses_memory_counters_no_more_than_testing(tmp_path):
    app = create_app(
        {"DEBUG": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_with_redis_unreachable_enquiries_are_still_accepted(make_app, address):
    from .ports import free_port

    app = make_app(
        CONTACT_MIN_FILL_SECONDS=0,
        CONTACT_RATE_LIMIT="2 per minute",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        tables=True,
    )
    client = client_from(app, address)
    statuses = [send(client, email=f"r{n}@example.kz").status_code for n in range(3)]
    assert statuses == [303, 303, 429]  # limited in memory meanwhile
    assert len(enquiries(app)) == 2


def test_pages_without_a_limit_carry_no_limit_headers(limited, address):
    client = client_from(limited(), address)
    for path in ("/", "/ru/about", "/en/contact"):
        assert not [h for h in client.get(path).headers if h[0].startswith("X-RateLimit")]
    response = send(client)
    assert response.status_code == 303
    assert response.headers["X-RateLimit-Remaining"] == "4"

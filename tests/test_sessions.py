"""Signed-cookie sessions: no cookie for visitors who have none, intact for those who do."""


def test_pages_set_no_cookie(client):
    response = client.get("/ru/about")
    assert "Set-Cookie" not in response.headers


def test_a_session_survives_between_requests(client):
    response = client.get("/_test/session/қазақ")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert client.get("/_test/session").text == "қазақ"


def test_a_tampered_session_cookie_is_ignored(client, app):
    client.get("/_test/session/x")
    name = app.config["SESSION_COOKIE_NAME"]
    value = client.get_cookie(name).value
    client.set_cookie(name, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert client.get("/_test/session").text == "-"


def test_garbage_session_cookies_are_ignored(client, app):
    for junk in ["", "x", "..", "e30.AAAA.BBBB", "\u0430" * 50, "a" * 3000]:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], junk)
        response = client.get("/_test/session")
        assert response.status_code == 200 and response.text == "-"


def test_a_new_secret_key_invalidates_old_sessions(client, app):
    client.get("/_test/session/x")
    app.secret_key = "another-secret-key-that-is-long-enough-0123456789"
    assert client.get("/_test/session").text == "-"

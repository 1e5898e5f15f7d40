"""Error pages: in the visitor's language, in the site layout, never a stack trace."""

import pytest

TITLES = {
    400: ("Сұрау қате", "Неверный запрос", "Bad request"),
    403: ("Кіруге рұқсат жоқ", "Доступ запрещён", "Access denied"),
    404: ("Бет табылмады", "Страница не найдена", "Page not found"),
    405: ("Әдіс рұқсат етілмеген", "Метод не разрешён", "Method not allowed"),
    413: ("Деректер тым көп", "Слишком много данных", "Too much data"),
    429: ("Сұраулар тым көп", "Слишком много запросов", "Too many requests"),
    500: ("Бірдеңе дұрыс болмады", "Что-то пошло не так", "Something went wrong"),
}


@pytest.mark.parametrize("code", sorted(TITLES))
@pytest.mark.parametrize(("lang", "index"), [("kk", 0), ("ru", 1), ("en", 2)])
def test_error_pages_are_localised(client, code, lang, index):
    prefix = "" if lang == "kk" else f"/{lang}"
    response = client.get(f"{prefix}/_test/abort/{code}")
    assert response.status_code == code
    assert f'<html lang="{lang}">' in response.text
    assert f"<h1>{TITLES[code][index]}</h1>" in response.text
    assert '<footer class="site-footer">' in response.text


@pytest.mark.parametrize(("lang", "index"), [("kk", 0), ("ru", 1), ("en", 2)])
def test_not_found_in_each_language(client, lang, index):
    prefix = "" if lang == "kk" else f"/{lang}"
    response = client.get(f"{prefix}/no/such/page")
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.text
    assert f"<h1>{TITLES[404][index]}</h1>" in response.text


def test_wrong_method_is_refused_with_allow_header(client):
    response = client.post("/ru/about")
    assert response.status_code in (400, 405)
    response = client.delete("/ru/about")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "<h1>Метод не разрешён</h1>" in response.text


def test_a_crash_shows_the_500_page_without_a_trace(client):
    response = client.get("/_test/crash")
    assert response.status_code == 500
    assert "<h1>Бірдеңе дұрыс болмады</h1>" in response.text
    assert "Traceback" not in response.text and "boom" not in response.text


def test_unusual_status_codes_get_a_sensible_page(client):
    response = client.get("/_test/abort/410")
    assert response.status_code == 410
    assert "<h1>Сұрау қате</h1>" in response.text


def test_a_broken_error_template_still_gives_a_localised_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr("qb.errors.render_template", broken)
    response = client.get("/ru/no-such-page")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.text
    assert "<h1>Страница не найдена</h1>" in response.text
    assert "template broken" not in response.text


def test_error_pages_name_no_canonical_address(client):
    html = client.get("/en/no-such-page").text
    assert 'rel="canonical"' not in html and 'hreflang="x-default"' not in html
    assert 'href="/ru/no-such-page" hreflang="ru"' in html  # the switcher still works


def test_odd_paths_are_escaped_in_links(client):
    html = client.get('/en/a b"<x>').text
    assert 'href="/ru/a%20b%22%3Cx%3E"' in html
    assert "<x>" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/%ff",
        "/ru/%c0%ae%c0%ae/",
        "/" + "a" * 10_000,
        "/\\evil.example",
        "/offers/%00",
        "/static/%00",
        "/politika%0d%0aSet-Cookie:x=1",
        "/en/offers/" + "x" * 5_000,
        "/sitemap.xml/",
    ],
)
def test_hostile_paths_get_a_plain_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
    assert "Traceback" not in response.text


@pytest.mark.parametrize("method", ["TRACE", "BREW", "PUT", "PATCH"])
def test_unknown_methods_are_refused(client, method):
    assert client.open("/ru/", method=method).status_code in (400, 405)


def test_head_gives_the_headers_without_a_body(client):
    response = client.head("/ru/")
    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) > 1000

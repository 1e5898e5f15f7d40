"""Policy revisions: /politika says what its revision changed and lists the earlier ones,
each readable word for word at /politika/<number> in every language; `flask policy publish`
makes a new revision in one step, and `flask content check` covers the archive."""

import shutil
import tomllib

import pytest

import qb.content
from qb.content_check import ContentCheck

from .site import CONTENT
from .test_html_validity import describe, run_vnu

NEW_TEXT = {
    "kk": "ЖЕКЕ ДЕРЕКТЕРДІ ӨҢДЕУГЕ ҚАТЫСТЫ САЯСАТ\n\n1. Жаңа мәтін.\n",
    "ru": "ПОЛИТИКА ОБРАБОТКИ ПЕРСОНАЛЬНЫХ ДАННЫХ\n\n1. Новый текст.\n",
    "en": "PERSONAL DATA POLICY\n\n1. The new text.\n",
}
CHANGES = 'kk = "Жаңа тармақ."\nru = "Новый пункт."\nen = "A new point."\n'


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of the site's content, which the app reads instead of its own."""
    folder = tmp_path / "templates" / "content"
    shutil.copytree(CONTENT, folder)
    monkeypatch.setattr(qb.content, "CONTENT_DIR", folder)
    monkeypatch.setattr(qb.content, "REVISION_FILE", folder / "politika.toml")
    return folder


@pytest.fixture
def new_revision(tmp_path):
    folder = tmp_path / "next"
    folder.mkdir()
    for lang, text in NEW_TEXT.items():
        (folder / f"{lang}.txt").write_text(text, encoding="utf-8")
    (folder / "changes.toml").write_text(CHANGES, encoding="utf-8")
    return folder


@pytest.fixture
def app(make_app):
    return make_app(PAGE_CACHE=False)


def publish(app, folder, effective="2027-02-01"):
    return app.test_cli_runner().invoke(
        args=["policy", "publish", str(folder), "--effective", effective]
    )


@pytest.mark.parametrize(
    ("path", "changed"),
    [
        ("/politika", "Саясаттың алғашқы жарияланған нұсқасы."),
        ("/ru/politika", "Первая опубликованная редакция Политики."),
        ("/en/politika", "The first published revision of the Policy."),
    ],
)
def test_the_policy_says_what_its_revision_changed_and_links_my_data(app, path, changed):
    html = app.test_client().get(path).text
    assert changed in html
    assert f'href="{path.replace("politika", "my-data")}"' in html
    assert "Earlier revisions" not in html


def test_publishing_keeps_the_old_text_readable_in_every_language(app, tree, new_revision):
    old = {lang: (tree / lang / "politika.txt").read_text(encoding="utf-8") for lang in NEW_TEXT}
    result = publish(app, new_revision)
    assert result.exit_code == 0, result.output
    assert "revision 2 in force from 2027-02-01" in result.output
    data = tomllib.loads((tree / "politika.toml").read_text(encoding="utf-8"))
    assert (data["revision"], str(data["effective"])) == (2, "2027-02-01")
    assert data["changes"]["en"] == "A new point."
    [earlier] = data["earlier"]
    assert (earlier["revision"], str(earlier["effective"])) == (1, "2026-11-28")
    for lang, text in NEW_TEXT.items():
        assert (tree / lang / "politika.txt").read_text(encoding="utf-8") == text
        assert (tree / "politika" / "1" / f"{lang}.txt").read_text(encoding="utf-8") == old[lang]

    client = app.test_client()
    current = client.get("/en/politika").text
    assert "The new text." in current and "Revision 2" in current and "A new point." in current
    assert "Earlier revisions" in current and 'href="/en/politika/1"' in current
    assert "in force from 28 November 2026 to 1 February 2027." in current
    for lang, prefix in (("kk", ""), ("ru", "/ru"), ("en", "/en")):
        page = client.get(f"{prefix}/politika/1")
        assert page.status_code == 200
        first_point = [line for line in old[lang].splitlines() if line.startswith("1.1.")][0]
        assert first_point.split()[1] in page.text
    assert "This revision is no longer in force." in client.get("/en/politika/1").text
    in_force = client.get("/en/politika/2")
    assert in_force.status_code == 302 and in_force.headers["Location"].endswith("/en/politika")
    assert client.get("/en/politika/7").status_code == 404
    with app.app_context():
        assert ContentCheck(tree).run() == []


def test_publishing_refuses_a_revision_that_is_not_complete(app, tree, new_revision):
    (new_revision / "ru.txt").unlink()
    result = publish(app, new_revision)
    assert result.exit_code != 0 and "ru.txt is missing or empty" in result.output
    (new_revision / "ru.txt").write_text(NEW_TEXT["ru"], encoding="utf-8")
    (new_revision / "changes.toml").write_text('kk = "Жаңа."\n', encoding="utf-8")
    result = publish(app, new_revision)
    assert result.exit_code != 0 and "says nothing for ru, en" in result.output
    (new_revision / "changes.toml").write_text(CHANGES, encoding="utf-8")
    assert "cannot take effect before" in publish(app, new_revision, "2026-01-01").output
    assert not (tree / "politika").exists()


def test_the_content_check_covers_the_archive(app, tree, new_revision):
    assert publish(app, new_revision).exit_code == 0
    (tree / "politika" / "1" / "en.txt").unlink()
    text = (tree / "politika.toml").read_text(encoding="utf-8")
    (tree / "politika.toml").write_text(text.replace('en = "A new point."\n', ""), "utf-8")
    with app.app_context():
        problems = [str(p) for p in ContentCheck(tree).run()]
    assert any("politika/1/en.txt: missing" in p for p in problems)
    assert any("the revision in force does not say what changed in en" in p for p in problems)


@pytest.mark.browser
def test_the_policy_and_an_earlier_revision_are_valid_html(app, tree, new_revision, tmp_path):
    assert publish(app, new_revision).exit_code == 0
    client = app.test_client()
    files = []
    for prefix in ("", "/ru", "/en"):
        for path in (f"{prefix}/politika", f"{prefix}/politika/1"):
            file = tmp_path / f"page-{len(files)}.html"
            file.write_bytes(client.get(path).data)
            files.append(file)
    errors = [describe(m) for m in run_vnu(files) if m["type"] in ("error", "non-document-error")]
    assert errors == []

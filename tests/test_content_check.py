"""`flask content check` on broken copies of the content, catalogues and templates: each
mistake a maintainer can make is named in plain words with its file and line."""

import shutil
import subprocess
import sys

import pytest

import qb.cli
import qb.content
from qb.catalogue_check import check_catalogues, check_templates
from qb.content_check import ContentCheck

from .site import CONTENT, ROOT

OFFER = "first-aid-group-training"


@pytest.fixture
def tree(tmp_path):
    """A copy of the site's content at <tmp>/templates/content, shown from <tmp>."""
    folder = tmp_path / "templates" / "content"
    shutil.copytree(CONTENT, folder)
    return folder


@pytest.fixture
def check(app, tree):
    """Run the check on the copy; its problems as the lines the command prints."""

    def run():
        with app.app_context():
            return [str(problem) for problem in ContentCheck(tree).run()]

    return run


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def body_line(path, text):
    """Add `text` as the file's last line; its line number."""
    append(path, "\n" + text + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_sites_own_content_is_in_order(check):
    assert check() == []


def test_a_page_or_offer_missing_in_a_language(check, tree):
    (tree / "ru" / "about.md").unlink()
    (tree / "en" / "offers" / f"{OFFER}.md").unlink()
    assert check() == [
        f"templates/content/en/offers/{OFFER}.md: missing: every language needs this file "
        f"(templates/content/kk/offers/{OFFER}.md is there): copy it and translate it",
        "templates/content/ru/about.md: missing: every language needs this file "
        "(templates/content/kk/about.md is there): copy it and translate it",
    ]


def test_a_file_no_page_shows_and_an_address_that_cannot_be_one(check, tree):
    shutil.copy(tree / "kk" / "about.md", tree / "kk" / "abuot.md")
    for lang in ("kk", "ru", "en"):
        shutil.copy(tree / lang / "offers" / f"{OFFER}.md", tree / lang / "offers" / "Big Sale.md")
    problems = check()
    assert any(
        p.startswith("templates/content/kk/abuot.md: no page shows this file; the pages are")
        for p in problems
    )
    assert "templates/content/ru/offers/Big Sale.md: the file name is the offer's address" in (
        "\n".join(problems)
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Title: ", "Titel: ", ["1: unknown header Titel: it knows", "1: the header needs Title"]),
        ("Description: ", "Desc: ", ["2: unknown header Desc", "1: the header needs Description"]),
        (
            "Description: Қауіпсіз Болашақтың міндеті мен тәсілі: практикалық оқыту, анық "
            "түсіндірме және адамдардың құпиялылығын құрметтеу.",
            "Description: Қысқа.\nМіндетіміз",
            ["2: Description has 6 characters: write 50 to 160", "3: the header ends here"],
        ),
        (
            "Title: Біз туралы",
            "Title: " + "Ұзақ" * 20,
            ["1: Title has 80 characters: search results and browser tabs show about 70"],
        ),
    ],
    ids=["title-misspelt", "description-misspelt", "no-empty-line", "long-title"],
)
def test_a_bad_header(check, tree, old, new, expected):
    edit(tree / "kk" / "about.md", old, new)
    problems = check()
    for words in expected:
        assert any(p.startswith(f"templates/content/kk/about.md:{words}") for p in problems), (
            words,
            problems,
        )


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("[біздің қызметтер](/servises)", "/servises: there is no such page on the site"),
        ("[ұсыныс](/offers/no-such-offer)", "/offers/no-such-offer: there is no such page"),
        ("[орысша](/ru/about)", "/ru/about: write site links without the language (/about)"),
        ("[басу](javascript:alert(1))", "javascript:alert(1 is shown as plain text"),
        ("[біз туралы](about)", "about is no address the site can follow"),
        ("[сурет](/static/img/no-such.png)", "/static/img/no-such.png: there is no such page"),
    ],
)
def test_a_link_that_leads_nowhere(check, tree, link, problem):
    line = body_line(tree / "kk" / "services.md", f"Қараңыз: {link}.")
    assert f"templates/content/kk/services.md:{line}: {problem}" in "\n".join(check())


def test_links_that_work_are_not_reported(check, tree):
    body_line(
        tree / "en" / "services.md",
        f"[Offer](/offers/{OFFER}), [policy](/politika#s6), [us](/contact), [home](/), "
        "[mail](mailto:Qauipsizbolashaq@yandex.ru), [phone](tel:+77011234567), "
        "[law](https://adilet.zan.kz/), <https://qauipsizbolashaq.kz>, [logo](/static/img/logo.svg)"
        ", `<b>code</b>`",
    )
    assert check() == []


def test_raw_html_is_named_with_what_to_write_instead(check, tree):
    path = tree / "ru" / "home.md"
    first = body_line(path, "Это <b>важно</b>.")
    second = body_line(path, "<!-- заметка -->")
    problems = check()
    assert (
        f"templates/content/ru/home.md:{first}: <b> </b> is HTML, which the site shows as text, "
        "exactly as typed: write Markdown instead (**bold**, *italic*, [a link](/about))"
    ) in problems
    assert any(p.startswith(f"templates/content/ru/home.md:{second}: <!--") for p in problems)


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("![Logo](https://cdn.example.com/logo.png)", "images from other sites do not show"),
        ("![Logo](/static/img/missing.png)", "/static/img/missing.png: no such image"),
        ("![](/static/img/logo.svg)", "the image needs a description between [ and ]"),
        ("![Logo](data:image/png;base64,AAAA)", "this kind of address is dropped"),
    ],
)
def test_an_image_that_would_not_show(check, tree, image, problem):
    line = body_line(tree / "en" / "about.md", image)
    assert any(
        p.startswith(f"templates/content/en/about.md:{line}: ") and problem in p for p in check()
    )


def test_headings_start_below_the_title_and_skip_no_level(check, tree):
    path = tree / "en" / "services.md"
    first = body_line(path, "# Another main heading")
    second = body_line(path, "#### Too deep")
    problems = "\n".join(check())
    assert f"services.md:{first}: # makes a second main heading" in problems
    assert (
        f"services.md:{second}: #### follows ##: a heading level is skipped (use ###)" in problems
    )


def test_offers_must_agree_across_languages(check, tree):
    edit(tree / "ru" / "offers" / f"{OFFER}.md", "Date: 2026-11-09", "Date: 2026-11-10")
    edit(tree / "en" / "offers" / f"{OFFER}.md", "Kind: special", "Kind: sale")
    for lang in ("kk", "ru"):
        edit(
            tree / lang / "offers" / f"{OFFER}.md",
            "Kind: special",
            "Kind: special\nUntil: 2026-12-31",
        )
    problems = "\n".join(check())
    offer = f"templates/content/kk/offers/{OFFER}.md"
    assert (
        f"{offer}: Date differs between the languages (kk: 2026-11-09; ru: 2026-11-10; "
        "en: 2026-11-09): write the same in all three"
    ) in problems
    assert f"{offer}: Kind differs between the languages" in problems
    assert (
        f"{offer}: Until differs between the languages (kk: 2026-12-31; ru: 2026-12-31; en: none)"
        in problems
    )
    assert f"en/offers/{OFFER}.md:4: Kind 'sale' is none of the kinds" in problems


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("Until: 2026-13-01", "5: Until '2026-13-01' is not a date written YYYY-MM-DD"),
        ("Until: 31.12.2026", "5: Until '31.12.2026' is not a date"),
        ("Until: 2026-11-01", "5: Until is before Date: the offer would never show"),
    ],
)
def test_an_offer_until_that_cannot_work(check, tree, header, problem):
    for lang in ("kk", "ru", "en"):
        edit(tree / lang / "offers" / f"{OFFER}.md", "Kind: special", f"Kind: special\n{header}")
    assert f"templates/content/en/offers/{OFFER}.md:{problem}" in "\n".join(check())


def test_words_the_glossary_rules_out(check, tree):
    line = body_line(tree / "kk" / "about.md", "Толығырақ құпиялылық саясатынан оқыңыз.")
    assert (
        f"templates/content/kk/about.md:{line}: «құпиялылық саясатынан»: the glossary's word is "
        "«Жеке деректерді өңдеуге қатысты саясат»"
    ) in check()


def test_the_policy_translations_and_revision(check, tree):
    edit(tree / "en" / "politika.txt", "\n6.2. ", "\n6.2.1. ")
    (tree / "politika.toml").write_text("revision = 'two'\n", encoding="utf-8")
    problems = check()
    assert (
        "templates/content/en/politika.txt: its points are not numbered as in the Kazakh text"
        in ("\n".join(problems))
    )
    assert (
        "templates/content/politika.toml: needs revision = <number> and effective = YYYY-MM-DD"
        in (problems)
    )


@pytest.fixture
def catalogues(tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    return folder


def catalogue_problems(app, folder):
    with app.app_context():
        found = check_catalogues(ROOT, folder, qb.cli.BABEL_CFG, qb.cli.SKIPPED_DIRS)
    return [str(problem).replace(str(folder.parent) + "/", "") for problem in found]


def line_of(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_the_sites_catalogues_are_in_order(app, catalogues):
    assert catalogue_problems(app, catalogues) == []


def test_an_untranslated_or_fuzzy_interface_string(app, catalogues):
    po = catalogues / "kk" / "LC_MESSAGES" / "messages.po"
    edit(po, 'msgstr "Cookie баптаулары"', 'msgstr ""')
    edit(po, 'msgid "Accept all"', '#, fuzzy\nmsgid "Accept all"')
    edit(po, '"%(operator)s (БСН %(bin)s)"', '"%(operator)s (БСН)"')
    problems = catalogue_problems(app, catalogues)
    where = "translations/kk/LC_MESSAGES/messages.po"
    empty = line_of(po, 'msgid "Cookie settings"')
    fuzzy = line_of(po, "#, fuzzy") + 1
    assert f"{where}:{empty}: “Cookie settings” has no Kazakh translation yet" in problems
    assert any(
        p.startswith(f"{where}:{fuzzy}: the Kazakh translation of “Accept all” is marked")
        for p in problems
    )
    assert any("the translation must keep %(bin)s, %(operator)s as it is" in p for p in problems)
    # The .mo the site reads still holds the old texts: it must be built again.
    assert "translations/kk/LC_MESSAGES/messages.mo: does not hold the catalogue's latest" in (
        "\n".join(problems)
    )


def test_a_string_missing_from_a_catalogue_is_shown_where_the_code_uses_it(app, catalogues):
    po = catalogues / "ru" / "LC_MESSAGES" / "messages.po"
    edit(po, 'msgid "Skip to content"\nmsgstr "Перейти к содержанию"\n', "")
    problems = catalogue_problems(app, catalogues)
    line = line_of(ROOT / "templates" / "base.html", '_("Skip to content")')
    assert (
        f"templates/base.html:{line}: “Skip to content” has no Russian translation: add it to "
        "translations/ru/LC_MESSAGES/messages.po"
    ) in problems


def test_a_template_that_cannot_be_read(app, tmp_path):
    folder = tmp_path / "templates" / "consent"
    folder.mkdir(parents=True)
    (folder / "enquiry.html").write_text("<p>\n{% if operator_bin %}\n</p>\n", encoding="utf-8")
    with app.app_context():
        problems = [str(p) for p in check_templates(tmp_path)]
    assert len(problems) == 1
    assert problems[0].startswith("templates/consent/enquiry.html:2: the template cannot be read")
    with app.app_context():
        assert check_templates(ROOT) == []


def test_the_command_fails_with_every_problem_listed(runner, tree, monkeypatch):
    monkeypatch.setattr(qb.content, "CONTENT_DIR", tree)
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("All in order: every page, 3 offers and the policy")
    (tree / "ru" / "cookies.md").unlink()
    line = body_line(tree / "en" / "home.md", "[us](/kontakt)")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        lines[0]
        == f"templates/content/en/home.md:{line}: /kontakt: there is no such page on the site"
    )
    assert lines[1].startswith("templates/content/ru/cookies.md: missing")
    assert lines[-1] == "2 problems: fix them, then run this check again."


def test_the_command_runs_as_maintainers_run_it(tmp_path):
    # `flask --app qb content check` in its own process, with production-like settings.
    env = {
        "PATH": "/usr/bin:/bin",
        "QB_CONFIG_FILE": "",  # these settings only, not a local instance/config.py
        "QB_SECRET_KEY": '"' + "k" * 40 + '"',
        "QB_OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
        "QB_OPERATOR_BIN": '"123456789012"',
        "QB_RATELIMIT_SINGLE_PROCESS": "true",
        "QB_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "qb", "content", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All in order" in done.stdout

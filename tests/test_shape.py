"""The shape every feature shares: one init_app each, imports in one direction, a console
registry, and a banner version that follows what the visitor reads."""

import ast

import pytest
from flask_babel import get_domain

from qb import FEATURES
from qb.console_pages import ConsolePage, add_console_page, console_pages
from qb.cookies import services as cookie_services

from .site import ANALYTICS_SETTINGS, ROOT

QB = ROOT / "qb"
SHARED = {"outbox", "consent", "privacy", "requests"}
# A layered shared service may use the shared services below it (never a feature).
LAYERED = {"privacy": {"consent", "outbox"}, "requests": {"outbox"}}
FEATURE_FOLDERS = {p.name for p in QB.iterdir() if (p / "__init__.py").is_file()} - SHARED


def imported_packages(path):
    """The qb packages a module imports (`from ..contact import x` -> "contact")."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 2 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 0 and (node.module or "").startswith("qb."):
                found.add(node.module.split(".")[1])
    return found


def has_init_app(name):
    init = ast.parse((QB / name / "__init__.py").read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef) and n.name == "init_app" for n in init.body)


def test_every_package_with_something_to_register_is_listed_once():
    assert sorted(FEATURES) == sorted(set(FEATURES))
    # Every feature registers itself; a shared service only if it has commands or hooks.
    assert set(FEATURES) == FEATURE_FOLDERS | {name for name in SHARED if has_init_app(name)}
    assert all(has_init_app(name) for name in FEATURES)
    source = (QB / "__init__.py").read_text(encoding="utf-8")
    for name in FEATURES:  # listed, never imported one by one
        assert f".{name}." not in source and f".{name} import" not in source


@pytest.mark.parametrize("folder", sorted(FEATURE_FOLDERS | SHARED))
def test_imports_go_one_way(folder):
    others = (FEATURE_FOLDERS | SHARED) - {folder}
    allowed = SHARED - {folder} if folder in FEATURE_FOLDERS else LAYERED.get(folder, set())
    for path in (QB / folder).glob("*.py"):
        wrong = (imported_packages(path) & others) - allowed
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_core_modules_import_no_feature():
    for path in QB.glob("*.py"):
        if path.name == "__init__.py":
            continue
        wrong = imported_packages(path) & (FEATURE_FOLDERS | SHARED)
        assert not wrong, f"{path.name} imports {sorted(wrong)}"


def test_views_fit_on_a_screen():
    for path in QB.glob("*/views.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 30, f"{path.relative_to(ROOT)}:{node.name} has {length} lines"


def test_features_announce_console_pages_through_the_registry(make_app):
    app = make_app()
    assert console_pages(app) == []
    add_console_page(app, ConsolePage("contact.console", "Enquiries", ("staff", "admin"), 10))
    add_console_page(app, ConsolePage("cookies.console", "Cookie choices", ("admin",), 20))
    assert [p.endpoint for p in console_pages(app)] == ["contact.console", "cookies.console"]
    assert [p.endpoint for p in console_pages(app, role="staff")] == ["contact.console"]
    with pytest.raises(ValueError, match="twice"):
        add_console_page(app, ConsolePage("contact.console", "Again", ("staff",)))


@pytest.fixture
def banner_app(make_app, tmp_path):
    return make_app(**ANALYTICS_SETTINGS)


def version(app, lang):
    with app.test_request_context("/"):
        app.extensions.pop("qb_banner_versions", None)
        # Flask-Babel keeps loaded catalogues per process, whichever app loaded them.
        get_domain().cache.clear()
        try:
            return cookie_services.banner_version(lang)
        finally:
            get_domain().cache.clear()


def test_the_banner_version_follows_the_words_shown(banner_app, monkeypatch):
    kk, ru, en = (version(banner_app, lang) for lang in ("kk", "ru", "en"))
    assert len({kk, ru, en}) == 3  # one per language: the words differ
    assert version(banner_app, "kk") == kk  # the same words, the same version

    loader = banner_app.jinja_env.loader
    original = loader.get_source

    def edited(markup_only):
        def get_source(environment, name):
            source, filename, uptodate = original(environment, name)
            if name == "cookies/banner.html":
                if markup_only:  # a comment, a class, an attribute: nothing a visitor reads
                    source = source.replace('class="wrap"', 'class="wrap wide" data-x="1"')
                    source = "{# reworded comment #}\n" + source
                else:
                    source = source.replace('{{ _("Settings") }}', '{{ _("Settings") }}!')
            return source, filename, lambda: False

        return get_source

    monkeypatch.setattr(loader, "get_source", edited(markup_only=True))
    banner_app.jinja_env.cache.clear()
    assert version(banner_app, "kk") == kk
    monkeypatch.setattr(loader, "get_source", edited(markup_only=False))
    banner_app.jinja_env.cache.clear()
    assert version(banner_app, "kk") != kk


def rebuilt_catalogues(tmp_path, edit=lambda po: po):
    """The translations compiled anew into tmp_path, their .po files passed through `edit`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for lang in ("kk", "ru", "en"):
        source = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        target = tmp_path / "translations" / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        text = edit(source.read_text(encoding="utf-8"))
        (target / "messages.po").write_text(text, encoding="utf-8")
        with open(target / "messages.po", "rb") as po, open(target / "messages.mo", "wb") as mo:
            catalog = read_po(po, locale=lang)
            catalog.revision_date = "2030-01-01 00:00+0000"  # a rebuild: other bytes
            write_mo(mo, catalog)
    return str(tmp_path / "translations")


def test_rebuilt_catalogues_leave_the_version_alone(make_app, tmp_path):
    before = version(make_app(**ANALYTICS_SETTINGS), "ru")
    rebuilt = rebuilt_catalogues(tmp_path / "same")
    app = make_app(**ANALYTICS_SETTINGS, BABEL_TRANSLATION_DIRECTORIES=rebuilt)
    assert version(app, "ru") == before
    reworded = rebuilt_catalogues(
        tmp_path / "reworded", lambda po: po.replace('msgstr "Отклонить все"', 'msgstr "Нет"')
    )
    app = make_app(**ANALYTICS_SETTINGS, BABEL_TRANSLATION_DIRECTORIES=reworded)
    assert version(app, "ru") != before

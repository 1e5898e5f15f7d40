"""Configuration layers and the refusal to run without a real secret key or operator."""

import pytest
from flask import Flask

from qb import create_app, operator
from qb.config import Config, load_config


def bare_app(tmp_path):
    return Flask("qb_config_test", instance_path=str(tmp_path), instance_relative_config=True)


@pytest.mark.parametrize("key", [None, "", "dev", "short-key", b"x" * 10])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, key):
    with pytest.raises(RuntimeError, match="QB_SECRET_KEY"):
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("variable", ["QB_DEBUG", "FLASK_DEBUG"])
def test_debug_mode_alone_never_starts_with_a_known_key(tmp_path, monkeypatch, variable):
    # What `wsgi:app` does: the instance file and QB_* variables, here with debug on.
    monkeypatch.setenv(variable, "1" if variable == "FLASK_DEBUG" else "true")
    monkeypatch.delenv("QB_SECRET_KEY", raising=False)
    app = bare_app(tmp_path)
    with pytest.raises(RuntimeError, match="QB_SECRET_KEY"):
        load_config(app)
    with pytest.raises(RuntimeError, match="QB_SECRET_KEY"):
        create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize(
    "settings",
    [
        {"SESSION_COOKIE_SECURE": False},
        {"CONSENT_COOKIE_SECURE": False},
        {"SESSION_COOKIE_DOMAIN": "qauipsizbolashaq.kz"},
    ],
)
def test_cookie_prefixes_browsers_would_reject_are_refused(settings):
    with pytest.raises(RuntimeError, match="SESSION_COOKIE|CONSENT_COOKIE"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_testing_runs_without_a_secret_key():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"]


def test_layers_apply_in_order(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'SECRET_KEY = "f" * 40\n'
        'SITE_URL = "https://file.example"\n'
        'OPERATOR_EMAIL = "file@example.kz"\n'
    )
    monkeypatch.setenv("QB_SITE_URL", "https://env.example")
    monkeypatch.setenv("QB_TRUSTED_HOSTS", '["env.example"]')
    app = bare_app(tmp_path)
    load_config(app)
    assert app.config["SITE_URL"] == "https://env.example"  # environment beats the file
    assert app.config["TRUSTED_HOSTS"] == ["env.example"]  # JSON values are parsed
    assert app.config["OPERATOR_EMAIL"] == "file@example.kz"  # the file beats the defaults
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024  # defaults fill the rest


def test_secret_from_the_environment_is_enough(tmp_path, monkeypatch):
    monkeypatch.setenv("QB_SECRET_KEY", "e" * 64)
    app = bare_app(tmp_path)
    load_config(app)
    assert app.config["SECRET_KEY"] == "e" * 64


def test_a_test_mapping_ignores_file_and_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SITE_URL = "https://file.example"\n')
    monkeypatch.setenv("QB_SITE_URL", "https://env.example")
    app = bare_app(tmp_path)
    load_config(app, {"TESTING": True})
    assert app.config["SITE_URL"] == "https://qauipsizbolashaq.kz"


def test_every_setting_is_documented():
    from qb.config import Config

    from .site import ROOT

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in dir(Config):
        if name.isupper():
            assert f"`{name}`" in doc, name


PRODUCTION = {
    "SECRET_KEY": "p" * 40,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "RATELIMIT_ENABLED": False,
    "OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
    "OPERATOR_BIN": "123456789012",
}


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("OPERATOR_NAME", None),
        ("OPERATOR_NAME", "  "),
        ("OPERATOR_BIN", None),
        ("OPERATOR_BIN", ""),
    ],
)
def test_production_refuses_to_start_without_the_operator(missing, value):
    with pytest.raises(RuntimeError, match=f"^{missing} is not set"):
        create_app({**PRODUCTION, missing: value})


def test_production_starts_with_the_operator_named():
    app = create_app(PRODUCTION)
    assert app.config["OPERATOR_BIN"] == "123456789012"


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
def test_debug_and_testing_start_without_the_operator(flag):
    app = create_app({**PRODUCTION, flag: True, "OPERATOR_NAME": None, "OPERATOR_BIN": None})
    assert app.config["OPERATOR_NAME"] == operator.STAND_IN_NAME
    assert app.config["OPERATOR_BIN"] is None


@pytest.mark.parametrize("value", ["…12 digits…", "12345678901", "1234567890123", "12345678901a"])
def test_a_malformed_bin_is_refused_even_in_testing(value):
    with pytest.raises(RuntimeError, match="OPERATOR_BIN .* is not a BIN"):
        create_app({**PRODUCTION, "TESTING": True, "OPERATOR_BIN": value})


@pytest.mark.parametrize(
    "names",
    [{"kz": "ТОО «Қауіпсіз Болашақ»"}, {"ru": ""}, ["ТОО «Қауіпсіз Болашақ»"]],
    ids=["unknown-language", "empty-name", "not-a-mapping"],
)
def test_legal_names_must_name_the_site_languages(names):
    with pytest.raises(RuntimeError, match="OPERATOR_LEGAL_NAMES"):
        create_app({**PRODUCTION, "OPERATOR_LEGAL_NAMES": names})


def test_the_operator_from_the_environment(tmp_path, monkeypatch):
    # The variables are read as JSON: a BIN of twelve digits arrives as a number.
    monkeypatch.setenv("QB_SECRET_KEY", "e" * 64)
    monkeypatch.setenv("QB_OPERATOR_NAME", "Qauipsiz Bolashaq LLP")
    monkeypatch.setenv("QB_OPERATOR_BIN", "123456789012")
    monkeypatch.setenv("QB_OPERATOR_LEGAL_NAMES", '{"ru": "ТОО «Қауіпсіз Болашақ»"}')
    app = bare_app(tmp_path)
    load_config(app)
    operator.check(app)
    assert app.config["OPERATOR_BIN"] == "123456789012"
    with app.app_context():
        assert operator.legal_name("ru") == "ТОО «Қауіпсіз Болашақ»"
        assert operator.legal_name("kk") == "Qauipsiz Bolashaq LLP"  # falls back to the name


def test_config_file_variable_names_another_file_or_none(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SITE_URL = "https://from-default.example"\n')
    (tmp_path / "other.py").write_text('SITE_URL = "https://from-other.example"\n')
    monkeypatch.setenv("QB_SECRET_KEY", '"' + "k" * 40 + '"')
    for value, expected in (
        (None, "https://from-default.example"),
        ("other.py", "https://from-other.example"),
        ("", Config.SITE_URL),
    ):
        if value is None:
            monkeypatch.delenv("QB_CONFIG_FILE", raising=False)
        else:
            monkeypatch.setenv("QB_CONFIG_FILE", value)
        app = bare_app(tmp_path)
        load_config(app)
        assert app.config["SITE_URL"] == expected
        assert "CONFIG_FILE" not in app.config

"""The systemd units of deploy/systemd: one user, one settings file, one checkout, every
timer with its service; and the example settings name only settings the site has."""

import configparser
import re
import shlex

import pytest

from qb.config import Config

from .site import ROOT

UNITS = ROOT / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))


def read(path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def exec_starts(path):
    text = path.read_text(encoding="utf-8")
    return [shlex.split(line) for line in re.findall(r"^ExecStart=(.+)$", text, re.M)]


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_the_checkout_as_qb_with_the_settings_file(path):
    service = read(path)["Service"]
    assert service["User"] == "qb" and service["Group"] == "qb"
    assert service["WorkingDirectory"] == "/srv/qb/app"
    assert service["EnvironmentFile"] == "/etc/qb/qb.env"
    assert service["ReadWritePaths"] == "/srv/qb/app/instance"
    for command in exec_starts(path):
        assert command[0].startswith("/srv/qb/app/.venv/bin/")
        if command[0].endswith("/flask"):
            assert command[1:3] == ["--app", "qb"]


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_every_timer_has_its_service_and_runs_in_kazakhstan_time(path):
    assert path.with_suffix(".service").exists()
    timer = read(path)["Timer"]
    assert timer["OnCalendar"].endswith(" Asia/Almaty")
    assert timer["Persistent"] == "true"
    assert "oneshot" == read(path.with_suffix(".service"))["Service"]["Type"]


def test_the_example_settings_are_settings_of_the_site():
    text = (ROOT / "deploy" / "qb.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^QB_([A-Z0-9_]+)=", text, re.M)
    settings = [n for n in names if not n.startswith("GUNICORN_")]
    assert settings and all(hasattr(Config, name) for name in settings)
    assert "QB_PROXY_COUNT=1" in text

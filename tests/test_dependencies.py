"""The locks under requirements/ pin every dependency pyproject.toml names, each with hashes."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
RUNTIME_LOCK = REQUIREMENTS / "runtime.txt"
DEV_LOCK = REQUIREMENTS / "dev.txt"
TOOLS_LOCK = REQUIREMENTS / "tools.txt"
LOCKS = sorted(REQUIREMENTS.glob("*.txt"))

# name[extras]==version, the version exact (no wildcard), then hashes or a marker.
_PIN = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[A-Za-z0-9.!+_-]+)(?=[\s;]|$)"
)
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\b")


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: frozenset


def logical_lines(text):
    """The lines of a requirements file with continuations joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = (re.sub(r"(?:^|\s)#.*", "", line).strip() for line in joined.splitlines())
    return [line for line in lines if line]


def read_lock(text):
    """The pins of a lock and what is wrong with it: unpinned lines, missing hashes, repeats."""
    pins, problems = {}, []
    for line in logical_lines(text):
        pin = _PIN.match(line)
        if not pin:
            problems.append(f"not an exact pin: {line}")
            continue
        name = canonicalize_name(pin["name"])
        hashes = frozenset(_HASH.findall(line))
        if not hashes:
            problems.append(f"no hash: {pin['name']}=={pin['version']}")
        if name in pins:
            problems.append(f"pinned twice: {name}")
        pins[name] = Pin(pin["version"], hashes)
    return pins, problems


def unpinned(requirements, pins):
    """The requirements a lock does not pin, or pins at a version outside their range."""
    missing = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None or not requirement.specifier.contains(pin.version, prereleases=True):
            missing.append(text)
    return missing


def pins_of(path):
    pins, problems = read_lock(path.read_text(encoding="utf-8"))
    assert problems == [], f"{path.name}: {problems}"
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = PROJECT["dependencies"] + PROJECT["optional-dependencies"]["postgres"]
DEV = RUNTIME + PROJECT["optional-dependencies"]["dev"]
TOOLS = [
    line.strip()
    for line in (REQUIREMENTS / "tools.in").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_the_locks_are_there():
    assert {RUNTIME_LOCK, DEV_LOCK, TOOLS_LOCK} <= set(LOCKS)


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_every_lock_line_is_an_exact_pin_with_hashes(lock):
    pins, problems = read_lock(lock.read_text(encoding="utf-8"))
    assert pins
    assert problems == []


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        pytest.param(RUNTIME_LOCK, RUNTIME, id="runtime: dependencies and postgres"),
        pytest.param(DEV_LOCK, DEV, id="dev: runtime, postgres and dev"),
        pytest.param(TOOLS_LOCK, TOOLS, id="tools: tools.in"),
    ],
)
def test_the_locks_pin_every_declared_dependency(lock, requirements):
    assert unpinned(requirements, pins_of(lock)) == [], "pyproject.toml changed: run `make lock`"


def test_the_dev_lock_installs_the_runtime_pins():
    dev = pins_of(DEV_LOCK)
    runtime = pins_of(RUNTIME_LOCK)
    assert {name: dev.get(name) for name in runtime} == runtime


# The checks above must be able to fail: each of them on a lock that is wrong in one way.
HASH = "--hash=sha256:" + "0" * 64


def test_a_line_without_a_hash_is_reported():
    _, problems = read_lock(f"flask==3.1.3 \\\n    {HASH}\n    # via qb\nmarkdown==3.11.3\n")
    assert problems == ["no hash: markdown==3.11.3"]


@pytest.mark.parametrize("line", ["flask>=3.1", "-e .", "flask"])
def test_a_line_that_is_not_an_exact_pin_is_reported(line):
    _, problems = read_lock(f"{line}\n")
    assert problems == [f"not an exact pin: {line}"]


def test_a_dependency_the_lock_lacks_or_pins_outside_its_range_is_reported():
    pins, _ = read_lock(f"flask==3.1.3 {HASH}\nflask-limiter==4.1.1 {HASH}\n")
    declared = ["flask>=3.1,<3.2", "Flask-Limiter[redis]>=4.1", "tzdata>=2024.1", "flask>=3.2"]
    assert unpinned(declared, pins) == ["tzdata>=2024.1", "flask>=3.2"]

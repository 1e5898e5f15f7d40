"""Every page in every language, checked by the Nu Html Checker (vnu): no HTML errors."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from qb import create_app
from qb.i18n import LANGUAGES, split_language
from tests.contact_helpers import hidden_fields
from tests.site import ALL_PAGES, localized, test_settings

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

MISSING_PAGES = [localized("/no-such-page", lang) for lang in LANGUAGES]
PAGES = [(path, 200) for path in ALL_PAGES] + [(path, 404) for path in MISSING_PAGES]
PAGE_IDS = [f"{split_language(path)[0]}:{path}" for path, _status in PAGES]
# The contact form sent back with an error on every field, in every language.
FORM_ERROR_PAGES = [localized("/contact", lang) for lang in LANGUAGES]


def run_vnu(files):
    """vnu's messages for `files`, from one JVM start (about 1.5 s)."""
    java = shutil.which("java")
    if not java:
        pytest.fail("Java is missing: run `bash tools/install-system-deps.sh`.", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci`.", pytrace=False)
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)]
    # Exit status 1 only means "errors found"; they are reported per page below.
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    try:
        return json.loads(completed.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {completed.returncode}):\n{completed.stderr}")


@pytest.fixture(scope="module")
def vnu_messages(tmp_path_factory):
    """{page path: vnu messages}, for every page rendered by the test client."""
    folder = tmp_path_factory.mktemp("html")
    client = create_app(test_settings(folder, CONTACT_MIN_FILL_SECONDS=0)).test_client()
    files = {}
    for number, (path, status) in enumerate(PAGES):
        response = client.get(path)
        assert response.status_code == status, path
        file = folder / f"page{number:02}.html"
        file.write_bytes(response.data)
        files[file.name] = path
    for number, path in enumerate(FORM_ERROR_PAGES):
        fields = hidden_fields(client.get(path).text)
        bad = {"name": "R2D2", "email": "nope", "phone": "12", "message": "", "consent": "no"}
        response = client.post(path, data={**fields, **bad})
        assert response.status_code == 422, path
        file = folder / f"form{number:02}.html"
        file.write_bytes(response.data)
        files[file.name] = f"POST {path}"

    messages = {path: [] for path in files.values()}
    for message in run_vnu(folder / name for name in files):
        name = Path(urlsplit(message.get("url", "")).path).name
        if name not in files:
            pytest.fail(f"vnu could not check the pages: {message}")
        messages[files[name]].append(message)
    return messages


def describe(message):
    return (
        f"line {message.get('lastLine')}: {message['message']}\n"
        f"    {message.get('extract', '').strip()}"
    )


@pytest.mark.parametrize(("path", "status"), PAGES, ids=PAGE_IDS)
def test_page_is_valid_html(vnu_messages, path, status):
    errors = [m for m in vnu_messages[path] if m["type"] in ("error", "non-document-error")]

    assert not errors, f"Nu Html Checker errors in {path}:\n" + "\n".join(map(describe, errors))


@pytest.mark.parametrize("path", FORM_ERROR_PAGES)
def test_form_with_errors_is_valid_html(vnu_messages, path):
    errors = [
        m for m in vnu_messages[f"POST {path}"] if m["type"] in ("error", "non-document-error")
    ]

    assert not errors, f"Nu Html Checker errors in {path}:\n" + "\n".join(map(describe, errors))

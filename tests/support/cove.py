"""The OCDS standard's own validator (libcoveocds), offline.

libcoveocds reads the standard from a ZIP and each extension a package declares from its URL.
Both come from the copies vendored under ``tests/data/ocds`` (``SOURCES.txt`` pins each
extension's commit): the standard as an in-memory ZIP, the extensions through a requests
transport mounted on the session that libcoveocds fetches with. The package keeps its public
extension URLs, so the validator checks exactly what we publish; a URL naming an extension or
commit we have not vendored answers 404 (reported as an invalid extension), and nothing reaches
the network.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util
from requests.adapters import BaseAdapter

DATA = Path(__file__).resolve().parents[1] / "data" / "ocds"
STANDARD_TAG = "1__1__5"
RAW = "https://raw.githubusercontent.com/"


@lru_cache(maxsize=1)
def standard_zip() -> bytes:
    """The vendored 1.1.5 schema laid out as the standard repository's archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"standard-{STANDARD_TAG}/", "")
        for path in sorted((DATA / "1.1.5").rglob("*")):
            if path.is_file():
                name = path.relative_to(DATA / "1.1.5").as_posix()
                archive.writestr(f"standard-{STANDARD_TAG}/schema/{name}", path.read_bytes())
    return buffer.getvalue()


@lru_cache(maxsize=1)
def vendored_extensions() -> dict[tuple[str, str], Path]:
    """``(repository name, commit)`` of each vendored extension → its folder."""
    out = {}
    for line in (DATA / "SOURCES.txt").read_text().splitlines():
        name, *rest = line.split()
        commit = next((w for w in rest if re.fullmatch(r"[0-9a-f]{40}", w)), None)
        folder = DATA / "extensions" / name
        if not folder.exists():
            folder = DATA / "extensions" / name.removeprefix("ocds_")
        if commit and folder.exists():
            out[(name, commit)] = folder
    return out


def _archive(repo: str, commit: str, folder: Path) -> bytes:
    """The vendored extension as GitHub's archive of that commit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{repo}-{commit}/", "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                archive.writestr(f"{repo}-{commit}/{name}", path.read_bytes())
    return buffer.getvalue()


def _vendored(url: str) -> bytes | None:
    """A file of a vendored extension (``raw.githubusercontent.com/<owner>/<repo>/<commit>/
    <file>``), or its archive (``github.com/<owner>/<repo>/archive/<commit>.zip``, which
    ocdsextensionregistry downloads instead of single files from GitHub)."""
    if url.startswith(RAW):
        parts = url[len(RAW):].split("/", 3)
        if len(parts) == 4 and (folder := vendored_extensions().get((parts[1], parts[2]))):
            path = (folder / parts[3]).resolve()
            if path.is_relative_to(folder) and path.is_file():
                return path.read_bytes()
    found = re.fullmatch(r"https://github\.com/[^/]+/([^/]+)/archive/([0-9a-f]{40})\.zip", url)
    if found and (folder := vendored_extensions().get(found.groups())):
        return _archive(*found.groups(), folder)
    return None


class VendoredFiles(BaseAdapter):
    """Answers from the vendored extensions; any other URL 404."""

    def send(self, request, **kwargs):
        response = requests.Response()
        response.request, response.url = request, request.url
        body = _vendored(request.url)
        response.status_code, response.reason = (404, "Not Found") if body is None \
            else (200, "OK")
        response._content = body or b""
        return response

    def close(self):
        pass


@contextmanager
def offline() -> Iterator[None]:
    """Every fetch of ocdsextensionregistry's session served from the vendored files."""
    session = registry_util.session
    saved = dict(session.adapters)
    adapter = VendoredFiles()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    try:
        with session.cache_disabled():  # its cache would keep our answers past this block
            yield
    finally:
        session.adapters.clear()
        session.adapters.update(saved)


def review(package: dict[str, Any]) -> dict[str, Any]:
    """libcoveocds' report on a release package (its API context: ``validation_errors``,
    ``additional_fields``, ``invalid_extension``, ...)."""
    config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
    # it writes the extended schema into output_dir: a scratch folder, not the working tree
    with offline(), tempfile.TemporaryDirectory() as scratch:
        return ocds_json_output(scratch, json_data=package, lib_cove_ocds_config=config)


CLEAN = {"validation_errors": [], "additional_fields": [], "invalid_extension": {},
         "additional_closed_codelist_values": {}, "json_deref_error": None}


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """What must be empty for a clean package, in a form an assertion message can show."""
    extensions = report.get("extensions") or {}
    return {"validation_errors": report.get("validation_errors") or [],
            "additional_fields": report.get("additional_fields") or [],
            "invalid_extension": extensions.get("invalid_extension") or {},
            "additional_closed_codelist_values":
                report.get("additional_closed_codelist_values") or {},
            "json_deref_error": report.get("json_deref_error")}

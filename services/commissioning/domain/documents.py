"""Document rules: the allowed types (judged on the bytes, never the name), safe filenames, and
who may read a bid's document (docs/architecture.md, "Documents")."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from shared.errors import Invalid

# Each allowed type: the extensions a name may carry and the media type it is served as.
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": (("pdf",), "application/pdf"),
    "docx": (("docx",),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (("odt",), "application/vnd.oasis.opendocument.text"),
    "ods": (("ods",), "application/vnd.oasis.opendocument.spreadsheet"),
    "csv": (("csv",), "text/csv"),
    "txt": (("txt",), "text/plain"),
    "png": (("png",), "image/png"),
    "jpeg": (("jpg", "jpeg"), "image/jpeg"),
}
EXTENSIONS = {ext: kind for kind, (exts, _) in TYPES.items() for ext in exts}
HEAD_BYTES = 4096
MAX_NAME = 120
# Zip entry names that tell the OOXML containers apart (names sit in clear in zip headers).
_OOXML = {"docx": b"word/document.xml", "xlsx": b"xl/workbook.xml",
          "ooxml": b"[Content_Types].xml"}
_ODF = {"odt": b"application/vnd.oasis.opendocument.text",
        "ods": b"application/vnd.oasis.opendocument.spreadsheet"}
_MARKER_OVERLAP = 64
# Text may hold tabs, newlines, carriage returns and form feeds, no other control characters.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _any_case(ext: str) -> str:
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in ext)


# What the API takes as a name (its OpenAPI pattern): anything without NULs ending in an
# allowed extension, in any case; safe_filename makes the rest safe.
FILENAME_PATTERN = (r"^[^\x00]*\.(" + "|".join(_any_case(e) for e in sorted(EXTENSIONS))
                    + ")$")


def safe_filename(raw: str | None) -> str:
    """A name safe in a header and on any disk: the last path segment, ASCII letters, digits,
    spaces and ``._()-`` only, no leading dot, at most 120 characters; it must end in an
    allowed extension (422 naming ``filename`` otherwise). An empty stem is ``document``."""
    name = re.split(r"[\\/]", raw or "")[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext.isascii() or ext.lower() not in EXTENSIONS:
        raise Invalid({"filename": [
            "Must end in one of ." + ", .".join(sorted(EXTENSIONS)) + "."]})
    ext = ext.lower()
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9 ._()-]", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    stem = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") or "document"
    return f"{stem}.{ext}"


def kind_of_name(filename: str) -> str:
    """The type a (safe) filename claims."""
    return EXTENSIONS[filename.rpartition(".")[2].lower()]


def media_type(kind: str) -> str:
    """The media type a document of this kind is served as."""
    return TYPES[kind][1]


@dataclass
class Sniffer:
    """Judges a file's type from its bytes while it streams past, holding only a few KiB."""

    head: bytearray = field(default_factory=bytearray)
    size: int = 0
    _tail: bytes = b""
    _markers: set[str] = field(default_factory=set)
    _text_ok: bool = True
    _decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")("strict"))

    def feed(self, chunk: bytes) -> None:
        """Look at the next chunk of the file."""
        self.size += len(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        window = self._tail + chunk
        for kind, marker in _OOXML.items():
            if marker in window:
                self._markers.add(kind)
        self._tail = window[-_MARKER_OVERLAP:]
        if self._text_ok:
            try:
                text = self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self._text_ok = False
            else:
                self._text_ok = not _BAD_TEXT.search(text)

    def kind(self) -> str | None:
        """The detected type, or None if the bytes are none of the allowed ones."""
        head = bytes(self.head)
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(b"PK\x03\x04"):
            return self._zip_kind(head)
        if self._text_ok:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return None
            return "txt"
        return None

    def _zip_kind(self, head: bytes) -> str | None:
        # ODF: the first entry is "mimetype", stored uncompressed, holding the media type.
        if head[30:38] == b"mimetype":
            for kind, marker in _ODF.items():
                rest = head[38:38 + len(marker) + 1]
                if rest.startswith(marker) and rest[len(marker):len(marker) + 1] != b"-":
                    return kind
            return None
        found = self._markers - {"ooxml"}
        if "ooxml" in self._markers and len(found) == 1:
            return found.pop()
        return None  # any other zip (or one claiming to be both) is not allowed


def check_type(sniffer: Sniffer, filename: str) -> str:
    """The document's kind; 422 naming ``file`` when it is empty, not an allowed type, or not
    the type its name claims (a spreadsheet renamed .pdf)."""
    if sniffer.size == 0:
        raise Invalid({"file": ["The file is empty."]})
    found = sniffer.kind()
    if found is None:
        raise Invalid({"file": ["Not an allowed type: PDF, DOCX, XLSX, ODT, ODS, CSV, TXT, "
                                "PNG or JPEG, judged on the content."]})
    claimed = kind_of_name(filename)
    if found == claimed or (found == "txt" and claimed == "csv"):
        return claimed
    raise Invalid({"file": [f"The content is {found.upper()}, not what the name "
                            f"{filename!r} claims."]})


def bid_document_visible(access: str | None, price_schedule: bool) -> bool:
    """A bid's document follows the bid (``access`` from ``bid_access``): never for those who
    may not read the bid, and a price schedule never for those who read it without price."""
    if access is None:
        return False
    return access == "full" or not price_schedule

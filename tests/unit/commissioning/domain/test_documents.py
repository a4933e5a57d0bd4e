"""Document rules: types judged on the bytes (zip containers by their inner markers), safe
filenames, and which of a bid's documents a reader sees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.commissioning.domain.documents import (
    EXTENSIONS,
    FILENAME_PATTERN,
    Sniffer,
    bid_document_visible,
    check_type,
    safe_filename,
)
from shared.errors import Invalid
from tests.support.builders import document_bytes

KINDS = ("pdf", "docx", "xlsx", "odt", "ods", "csv", "txt", "png", "jpeg")
NAMES = {"jpeg": "photo.jpg"}


def _sniff(data: bytes, chunk: int = 7) -> Sniffer:
    sniffer = Sniffer()
    for i in range(0, len(data), chunk):  # tiny chunks: markers straddle chunk boundaries
        sniffer.feed(data[i:i + chunk])
    return sniffer


@pytest.mark.parametrize("kind", KINDS)
def test_each_allowed_type_is_recognised_from_its_bytes(kind):
    name = NAMES.get(kind, f"file.{kind}")
    assert check_type(_sniff(document_bytes(kind)), name) == name.rpartition(".")[2].replace(
        "jpg", "jpeg")


@pytest.mark.parametrize("kind", ("docx", "xlsx", "odt", "png", "csv"))
def test_a_file_renamed_pdf_is_refused_naming_the_file(kind):
    with pytest.raises(Invalid) as err:
        check_type(_sniff(document_bytes(kind)), "renamed.pdf")
    assert list(err.value.errors) == ["file"]


def test_a_docx_renamed_xlsx_is_refused_by_its_inner_markers():
    with pytest.raises(Invalid) as err:
        check_type(_sniff(document_bytes("docx")), "sheet.xlsx")
    assert "DOCX" in err.value.errors["file"][0]


def test_other_zips_executables_and_binary_junk_are_not_allowed():
    from tests.support.builders import _zip

    for data in (_zip([("payload.exe", b"MZ")]), b"MZ\x90\x00" + b"\x00" * 100,
                 b"\x00\x01\x02binary", "caf\u00e9".encode("latin-1")):
        with pytest.raises(Invalid) as err:
            check_type(_sniff(data), "x.pdf")
        assert list(err.value.errors) == ["file"]


def test_an_empty_file_is_refused():
    with pytest.raises(Invalid) as err:
        check_type(Sniffer(), "empty.pdf")
    assert err.value.errors == {"file": ["The file is empty."]}


def test_a_text_file_may_be_named_csv_or_txt_but_not_pdf():
    data = document_bytes("csv")
    assert check_type(_sniff(data), "prices.csv") == "csv"
    assert check_type(_sniff(data), "prices.txt") == "txt"


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\me\\Bid Document.PDF", "Bid Document.pdf"),
    ("Épreuve\u0000 <script>.docx", "Epreuve_ _script_.docx"),
    ('quote"; evil=1.txt', "quote__ evil_1.txt"),
    (".hidden.csv", "hidden.csv"),
    ("a" * 300 + ".xlsx", "a" * 115 + ".xlsx"),
])
def test_filenames_are_made_safe(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize(("raw", "safe"), [
    ("中.pdf", "document.pdf"), (".pdf", "document.pdf"), ("…..TXT", "document.txt")])
def test_a_name_whose_stem_is_lost_is_still_named(raw, safe):
    assert safe_filename(raw) == safe


@given(st.from_regex(FILENAME_PATTERN, fullmatch=True))
def test_every_name_the_openapi_pattern_admits_is_accepted(raw):
    assert safe_filename(raw).rpartition(".")[2] in EXTENSIONS


@pytest.mark.parametrize("raw", ["", "   ", "noextension", "script.exe", "archive.zip",
                                 "trailing.pdf ", "dot.pdf.", "line.pdf\n", "a.pdf/", "x.ｐｄｆ"])
def test_a_filename_without_an_allowed_extension_is_refused(raw):
    with pytest.raises(Invalid) as err:
        safe_filename(raw)
    assert list(err.value.errors) == ["filename"]


def test_a_price_schedule_is_never_visible_to_a_reader_without_price():
    assert bid_document_visible("full", True) and bid_document_visible("full", False)
    assert bid_document_visible("no_price", False)
    assert not bid_document_visible("no_price", True)
    assert not bid_document_visible(None, False)

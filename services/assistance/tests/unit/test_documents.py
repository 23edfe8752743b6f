"""Documents are judged on their bytes: a PDF's structure, an image's decoding."""

import pytest

from assistance.documents import DocumentRefusedError, check
from contracts.assistance.messages import MAX_DOCUMENT_BYTES
from tests.documents import TEXT_AS_PDF, pdf, png


def test_a_whole_pdf_is_kept_as_a_pdf() -> None:
    assert check(pdf()).content_type == "application/pdf"


def test_a_png_is_decoded_and_kept_as_an_image() -> None:
    assert check(png()).content_type == "image/png"


@pytest.mark.parametrize("data", [
    TEXT_AS_PDF,  # a text file renamed .pdf: neither a PDF nor an image
    b"%PDF-1.4\n" + TEXT_AS_PDF,  # a PDF header on text: no objects, no xref, no %%EOF
    pdf()[:-200],  # cut short
    pdf().replace(b"startxref\n", b"startxref\n9"),  # the xref is not where it says
    png()[:60],  # a truncated image
    b"",
])
def test_what_is_not_a_document_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentRefusedError):
        check(data)


def test_a_tiny_image_cannot_be_read_and_is_refused() -> None:
    with pytest.raises(DocumentRefusedError, match="pixels"):
        check(png(40, 30))


def test_a_document_over_the_limit_is_refused() -> None:
    with pytest.raises(DocumentRefusedError, match="at most"):
        check(pdf(scan_bytes=MAX_DOCUMENT_BYTES))  # its frame on top makes it one too many

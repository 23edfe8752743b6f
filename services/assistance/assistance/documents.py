"""What a document may be, judged on its bytes (never its name or the client's type): a PDF
whose structure holds together, or a JPEG or PNG image that decodes (PyAV) to a picture of
a readable size."""

import io
import re
from dataclasses import dataclass

import av

from contracts.assistance.messages import MAX_DOCUMENT_BYTES

MIN_SIDE, MAX_SIDE = 200, 10000  # pixels: smaller cannot be read, larger is not a photo
IMAGES = {"image2": None, "jpeg_pipe": "image/jpeg", "png_pipe": "image/png"}
CODECS = {"mjpeg": "image/jpeg", "png": "image/png"}
STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


class DocumentRefusedError(ValueError):
    """The upload is not a document we keep."""

    field = "file"


class DocumentRangeError(ValueError):
    """A range past the document's end."""

    field = "start"


@dataclass(frozen=True)
class Checked:
    content_type: str
    size: int


def check(data: bytes) -> Checked:
    if not data:
        raise DocumentRefusedError("the file is empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefusedError(f"a document may be at most {MAX_DOCUMENT_BYTES} bytes")
    if data.startswith(b"%PDF-"):
        return Checked(_pdf(data), len(data))
    return Checked(_image(data), len(data))


def _pdf(data: bytes) -> str:
    """A PDF's frame: the version header, objects, and a `startxref` at the end pointing at
    a cross-reference table (`xref`) or stream (an object) inside the file, then %%EOF."""
    if not re.match(rb"%PDF-[12]\.\d", data):
        raise DocumentRefusedError("not a PDF: its header has no version")
    tail = STARTXREF.search(data[-1024:])
    if tail is None:
        raise DocumentRefusedError("not a whole PDF: it does not end with startxref and %%EOF")
    offset = int(tail.group(1))
    if offset >= len(data) or not (data[offset:offset + 4] == b"xref"
                                   or OBJECT.match(data, offset)):
        raise DocumentRefusedError("not a whole PDF: its cross-reference is not where it says")
    if OBJECT.search(data) is None or b"endobj" not in data:
        raise DocumentRefusedError("not a PDF: it holds no objects")
    return "application/pdf"


def _image(data: bytes) -> str:
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if len(container.streams.video) != 1:
                raise DocumentRefusedError("an image is one picture")
            stream = container.streams.video[0]
            content_type = CODECS.get(stream.codec_context.name)
            if content_type is None or container.format.name not in IMAGES:
                raise DocumentRefusedError("only PDF, JPEG or PNG documents")
            frame = next(container.decode(stream))
    except (av.FFmpegError, StopIteration) as error:
        raise DocumentRefusedError("not a PDF or an image we can read (PDF, JPEG, PNG)") \
            from error
    if not (min(frame.width, frame.height) >= MIN_SIDE and max(frame.width,
                                                               frame.height) <= MAX_SIDE):
        raise DocumentRefusedError(f"an image's sides are {MIN_SIDE} to {MAX_SIDE} pixels")
    return content_type

"""Documents made in the test: a small real PDF and PNG, and what is not one."""

import os
import struct
import zlib


def pdf(text: str = "Estimate: Rs 2,40,000", scan_bytes: int = 0) -> bytes:
    """A one-page PDF whose startxref points at its cross-reference table; with
    `scan_bytes`, the page is a scanned picture of that many bytes (a JPEG's entropy: the
    bytes are random), as a phone's scan of a paper estimate is."""
    resources = b" /Resources << /XObject << /Im1 5 0 R >> >>" if scan_bytes else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R%s >>"
               % resources]
    drawn = " q 595 0 0 842 0 0 cm /Im1 Do Q" if scan_bytes else ""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET{drawn}".encode()
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    if scan_bytes:
        scan = os.urandom(scan_bytes)
        objects.append(b"<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 "
                       b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
                       b"/Length %d >>\nstream\n%s\nendstream" % (len(scan), scan))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def png(width: int = 400, height: int = 300) -> bytes:
    """A grey PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


TEXT_AS_PDF = b"Dear sir, please find my income certificate attached.\n" * 20

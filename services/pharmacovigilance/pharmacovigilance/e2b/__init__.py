"""ICH E2B(R3) for pharmacovigilance cases: what callers import. Pure: bytes in, bytes out.

- `batch_xml(cases, ...)` writes an ICSR batch (write), `read_batch(xml)` reads it back
  into Cases and `read_batch_header(xml)` its N.1 header (read);
- `ack_xml(ack, ...)` writes an acknowledgement and `read_ack(xml)` reads one (ack);
- `bundle(cases, ...)` zips a batch with its CSV line listing, the liaison's export (bundle);
- every refusal, in writing or in reading, is an `E2BError`.

The vocabulary (OIDs, code lists) is `codes`; the ElementTree helpers are `tree`.
"""

from pharmacovigilance.e2b.ack import Acknowledgement, MessageAcknowledgement, ack_xml, read_ack
from pharmacovigilance.e2b.bundle import Unwritten, bundle
from pharmacovigilance.e2b.read import BatchHeader, read_batch, read_batch_header
from pharmacovigilance.e2b.tree import E2BError
from pharmacovigilance.e2b.write import batch_xml

__all__ = [
           "Acknowledgement",
           "BatchHeader",
           "E2BError",
           "MessageAcknowledgement",
           "Unwritten",
           "ack_xml",
           "batch_xml",
           "bundle",
           "read_ack",
           "read_batch",
           "read_batch_header",
]

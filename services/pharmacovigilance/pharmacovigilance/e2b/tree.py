"""Small HL7 v3 XML helpers over the standard library's ElementTree, shared by the E2B(R3)
writer, reader and acknowledgements. Pure: no I/O.

Elements are written with plain tag names under a default `xmlns` (ElementTree cannot
serialise a default namespace together with unqualified attributes) and read back
namespace-aware, so any prefix a received file uses for the namespace is understood.
"""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from uuid import UUID
from xml.etree.ElementTree import Element

from contracts.text import xml_safe
from pharmacovigilance.e2b.codes import HL7_INTERACTION

V3 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"": V3}

_SECOND_OR_FINER = re.compile(r"([0-9]{14})(\.[0-9]{1,6})?([+-][0-9]{4})?")
_DAY_OR_FINER = re.compile(r"[0-9]{8}([0-9]{2,6}(\.[0-9]{1,6})?)?([+-][0-9]{4})?")
_INTEGER = re.compile(r"-?[0-9]+")
DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"


class E2BError(ValueError):
    """An ICSR or acknowledgement that cannot be written or read as E2B(R3)."""


# --- writing ---------------------------------------------------------------------------------

def document(tag: str) -> Element:
    """A root element declaring the HL7 v3 and XML Schema instance namespaces."""
    return Element(tag, {"xmlns": V3, "xmlns:xsi": XSI, "ITSVersion": "XML_1.0"})


def sub(parent: Element, tag: str, text: str | None = None, /, **attrs: str) -> Element:
    """A child element with attributes and optional text, as characters XML 1.0 carries:
    text stored before intake refused the others is written without them, never refused."""
    child = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attrs.items()})
    child.text = None if text is None else xml_safe(text)
    return child


def typed(parent: Element, tag: str, xsi_type: str, text: str | None = None, /,
          **attrs: str) -> Element:
    """A child carrying an `xsi:type`, e.g. a `value` of type BL, CE, PQ or ST."""
    return sub(parent, tag, text, **{"xsi:type": xsi_type, **attrs})


def device(parent: Element, role: str, root: str, extension: str) -> None:
    """A `receiver` or `sender` device identified by root and extension."""
    relationship = sub(parent, role, typeCode="RCV" if role == "receiver" else "SND")
    machine = sub(relationship, "device", classCode="DEV", determinerCode="INSTANCE")
    sub(machine, "id", root=root, extension=extension)


def batch_header(root: Element, id_root: str, batch_id: str, created_at: datetime) -> None:
    """The opening of a batch (N.1) or acknowledgement batch (ACK.M)."""
    sub(root, "id", root=id_root, extension=batch_id)
    sub(root, "creationTime", value=timestamp(created_at))
    sub(root, "responseModeCode", code="D")
    sub(root, "interactionId", root=HL7_INTERACTION, extension=root.tag)


def message_header(message: Element, id_attrs: dict[str, str], created_at: datetime,
                   accept_ack: str) -> None:
    """The opening of one message (N.2.r) or message acknowledgement (ACK.B.r)."""
    sub(message, "id", **id_attrs)
    sub(message, "creationTime", value=timestamp(created_at))
    sub(message, "interactionId", root=HL7_INTERACTION, extension=message.tag)
    sub(message, "processingCode", code="P")
    sub(message, "processingModeCode", code="T")
    sub(message, "acceptAckCode", code=accept_ack)


def serialise(root: Element) -> bytes:
    """Indented UTF-8 bytes with an XML declaration."""
    ET.indent(root)
    # Written as text and encoded once: several times faster for a large batch than
    # ElementTree encoding each of its many small writes.
    return DECLARATION + ET.tostring(root, encoding="unicode").encode()


def day(value: date) -> str:
    """An HL7 TS to the day: CCYYMMDD."""
    return value.strftime("%Y%m%d")


def timestamp(value: datetime) -> str:
    """An HL7 TS to the second, with fractions and UTC offset when the value has them."""
    fraction = f".{value.microsecond:06d}" if value.microsecond else ""
    return value.strftime("%Y%m%d%H%M%S") + fraction + value.strftime("%z")


# --- reading ---------------------------------------------------------------------------------

def parse(xml: bytes, root_tag: str) -> Element:
    """The root element of a UTF-8 document without a DTD, checked to be `root_tag`."""
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as error:
        raise E2BError(f"not UTF-8: {error}") from error
    if "<!DOCTYPE" in text:
        raise E2BError("a DTD is not accepted")
    try:
        root = ET.fromstring(text)  # noqa: S314 - UTF-8 text without a DTD: no entities to expand
    except ET.ParseError as error:
        raise E2BError(f"malformed XML: {error}") from error
    if root.tag != f"{{{V3}}}{root_tag}":
        raise E2BError(f"expected {root_tag} in {V3}, found {root.tag}")
    return root


def find(parent: Element, path: str) -> Element:
    """The element at path (HL7 names, no prefix), which must be there."""
    found = parent.find(path, NS)
    if found is None:
        raise E2BError(f"missing {path} under {local_name(parent)}")
    return found


def find_all(parent: Element, path: str) -> list[Element]:
    return parent.findall(path, NS)


def attribute(element: Element, name: str) -> str:
    """An attribute that must be there."""
    value = element.get(name)
    if value is None:
        raise E2BError(f"missing @{name} on {local_name(element)}")
    return value


def attribute_at(parent: Element, path: str, name: str = "value") -> str:
    """An attribute, by default `value`, of the element at path; both must be there."""
    return attribute(find(parent, path), name)


def text_at(parent: Element, path: str) -> str | None:
    """The text at path; None when the element is absent, "" when it is empty."""
    found = parent.find(path, NS)
    return None if found is None else found.text or ""


def has_code(element: Element, code: str, code_system: str) -> bool:
    """Whether element's `code` child is code in code_system."""
    coded = element.find("code", NS)
    return coded is not None and (coded.get("code"), coded.get("codeSystem")) == (code, code_system)


def local_name(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def parse_day(value: str) -> date:
    """The date of an HL7 TS given at least to the day."""
    if not _DAY_OR_FINER.fullmatch(value):
        raise E2BError(f"not a date: {value!r}")
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError as error:
        raise E2BError(f"not a date: {value!r}") from error


def optional_day(parent: Element, path: str) -> date | None:
    """The date in the `value` of the element at path, if there is one."""
    found = parent.find(path, NS)
    return None if found is None else parse_day(attribute(found, "value"))


def parse_timestamp(value: str) -> datetime:
    """An HL7 TS to the second, optionally with fractions and a UTC offset."""
    match = _SECOND_OR_FINER.fullmatch(value)
    if match is None:
        raise E2BError(f"not a timestamp to the second: {value!r}")
    _, fraction, offset = match.groups()
    pattern = "%Y%m%d%H%M%S" + (".%f" if fraction else "") + ("%z" if offset else "")
    try:
        return datetime.strptime(value, pattern)
    except ValueError as error:
        raise E2BError(f"not a timestamp to the second: {value!r}") from error


def parse_uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError as error:
        raise E2BError(f"not a UUID: {text!r}") from error


def parse_int(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise E2BError(f"not an integer: {text!r}")
    return int(text)


def code_of(table: dict[str, str], value: str, what: str) -> str:
    """The E2B code of one of our values."""
    if value not in table:
        raise E2BError(f"no E2B code for {what} {value!r}")
    return table[value]


def value_of(table: dict[str, str], code: str, what: str) -> str:
    """Our value for an E2B code: the reverse of `code_of`."""
    for value, known in table.items():
        if known == code:
            return value
    raise E2BError(f"unsupported {what} code {code!r}")

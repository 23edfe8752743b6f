"""The regulator liaison's batch export: an E2B(R3) batch and a CSV line listing, zipped.

Pure: cases in, bytes out. The service and the CLI (`python -m pharmacovigilance.exporter`)
both use it.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pharmacovigilance.domain.case import SERIOUSNESS, Case
from pharmacovigilance.e2b.tree import E2BError
from pharmacovigilance.e2b.write import batch_xml

COLUMNS = ("reference", "worldwide_case_id", "version", "first_received", "most_recent",
           "patient_sex", "patient_age", "patient_age_unit", "suspect_medicines",
           "other_medicines", "reactions", "meddra_codes", "serious", "seriousness_criteria",
           "outcomes", "causality", "relay_status", "icsr_problem")


@dataclass(frozen=True)
class Unwritten:
    """A case whose stored form makes no ICSR: listed with the reason, not in the batch."""

    reference: str
    relay_status: str
    problem: str

    def line(self) -> dict[str, str]:
        return {**dict.fromkeys(COLUMNS, ""), "reference": self.reference,
                "relay_status": self.relay_status,
                "icsr_problem": f"left out of the E2B batch: {self.problem}"}


def line(case: Case, relay_status: str, icsr_problem: str = "") -> dict[str, str]:
    """One row of the line listing (no name, contact, initials or birth date)."""
    suspects = [m.name for m in case.medicines if m.role in ("suspect", "interacting")]
    others = [m.name for m in case.medicines if m.role == "concomitant"]
    criteria = sorted({c for r in case.reactions for c in SERIOUSNESS
                       if r.seriousness.get(c) == "yes"})
    answered = [r.seriousness.get(c, "unknown") for r in case.reactions for c in SERIOUSNESS]
    serious = "yes" if criteria else ("no" if answered and set(answered) == {"no"}
                                      else "unknown")
    names = {m.medicine_id: m.name for m in case.medicines}
    verbatim = {r.reaction_id: r.description for r in case.reactions}
    return {
        "reference": case.worldwide_id.removeprefix("IN-PU-"),
        "worldwide_case_id": case.worldwide_id, "version": str(case.version),
        "first_received": case.first_received.isoformat(),
        "most_recent": case.most_recent.isoformat(), "patient_sex": case.patient_sex or "",
        "patient_age": "" if case.patient_age is None else str(case.patient_age),
        "patient_age_unit": case.patient_age_unit if case.patient_age is not None else "",
        "suspect_medicines": "; ".join(suspects), "other_medicines": "; ".join(others),
        "reactions": "; ".join(r.description for r in case.reactions),
        "meddra_codes": "; ".join(f"{r.meddra.code} {r.meddra.term}" for r in case.reactions
                                  if r.meddra),
        "serious": serious, "seriousness_criteria": "; ".join(criteria),
        "outcomes": "; ".join(r.outcome for r in case.reactions),
        "causality": "; ".join(f"{names.get(c.medicine_id, '?')} / "
                               f"{verbatim.get(c.reaction_id, '?')}: {c.category}"
                               for c in case.causality),
        "relay_status": relay_status, "icsr_problem": icsr_problem,
    }


# A cell a spreadsheet would take for a formula (OWASP, CSV injection): reporters' words go
# into the listing verbatim, so such a cell gets a leading single quote, shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet never evaluates: the rest of it kept as it was."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def line_listing(rows: Iterable[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n",
                            quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({name: neutralised(cell) for name, cell in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode()  # a BOM, so that spreadsheets read Hindi


def bundle(cases: Sequence[Case], statuses: Sequence[str], *, batch_id: str,
           sender_id: str, receiver_id: str, created_at: datetime,
           unwritten: Sequence[Unwritten] = ()) -> bytes:
    """The zip: `<batch_id>.xml` (E2B batch) and `<batch_id>-line-listing.csv`.

    A case that cannot be written as an ICSR is left out of the batch, and its line in the
    listing says why: one case never stops the export of the others."""
    problems: dict[int, str] = {}

    def left_out(case: Case, error: E2BError) -> None:
        problems[id(case)] = f"left out of the E2B batch: {error}"

    xml = b""
    if cases:
        try:
            xml = batch_xml(cases, batch_id=batch_id, sender_id=sender_id,
                                receiver_id=receiver_id, created_at=created_at,
                                left_out=left_out)
        except E2BError:
            xml = b""  # not one case could be written: each line says why
    listing = line_listing([*(line(c, s, problems.get(id(c), ""))
                              for c, s in zip(cases, statuses, strict=True)),
                            *(u.line() for u in unwritten)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if xml:
            archive.writestr(f"{batch_id}.xml", xml)
        archive.writestr(f"{batch_id}-line-listing.csv", listing)
    return buffer.getvalue()

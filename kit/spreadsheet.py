"""CSV that people open in a spreadsheet: every cell quoted, and any cell a spreadsheet
would take for a formula (OWASP, CSV injection) shown as text. People's own words go into
these files verbatim (reporters', patients'), so no cell may run as a formula."""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet never evaluates: the rest of it kept as it was."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    return csv_header(columns) + csv_rows(columns, rows)


def csv_header(columns: Sequence[str]) -> bytes:
    """The first line of a file, after a BOM, so that spreadsheets read Hindi."""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n",
                   quoting=csv.QUOTE_ALL).writeheader()
    return ("\ufeff" + out.getvalue()).encode()


def csv_rows(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    """Lines of a file whose header was written apart (a file written a page at a time)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n",
                            quoting=csv.QUOTE_ALL)
    writer.writerows({name: neutralised(cell) for name, cell in row.items()} for row in rows)
    return out.getvalue().encode()

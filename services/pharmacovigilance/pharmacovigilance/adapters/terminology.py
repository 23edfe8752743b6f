"""MedDRA through a port: MedDRA is licensed, so the project ships none of it.

With a licensed distribution configured (MEDDRA_LLT_FILE: its `llt.asc`, fields separated
by `$`: code, name, …), codes are checked against it and the official term is used;
without one, the officer's code and term are taken as entered (format checked).
"""

from pathlib import Path
from typing import Protocol


class UnknownTermError(LookupError):
    pass


class Terminology(Protocol):
    def confirm(self, code: str, term: str, version: str) -> dict[str, str]:
        """The coded term to record, or UnknownTermError."""
        ...


class OfficerEntered:
    """No dictionary here: the code, term and version the officer typed are recorded."""

    def confirm(self, code: str, term: str, version: str) -> dict[str, str]:
        return {"code": code, "term": term, "version": version}


class LltFile:
    """A licensed MedDRA lowest-level-term file, loaded once."""

    def __init__(self, path: Path, version: str) -> None:
        self.version = version
        self.terms: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.split("$")
            if len(fields) > 1 and fields[0].isdigit():
                self.terms[fields[0]] = fields[1]

    def confirm(self, code: str, term: str, version: str) -> dict[str, str]:
        official = self.terms.get(code)
        if official is None:
            raise UnknownTermError(f"{code} is not a lowest-level term of MedDRA {self.version}")
        return {"code": code, "term": official, "version": self.version}


def terminology(llt_file: str, version: str) -> Terminology:
    return LltFile(Path(llt_file), version) if llt_file else OfficerEntered()

"""`python -m pharmacovigilance.exporter --from 2026-01-01 --to 2026-12-31 --out cases.zip`:
the regulator liaison's export written to a file, with a progress bar, for large periods.

Reads the service's database (DATABASE_URL) and decrypts with PERSONAL_DATA_MASTER_KEY,
as the service does. Like an export through the API, it is a staff read of every case it
holds: each goes into the case's access log, read by `--operator` (by default the user
running the command; the log keeps a stable id derived from the name, `operator_id`).
"""

import argparse
import getpass
import sys
import uuid
from datetime import date
from pathlib import Path

import uvloop

from contracts.pharmacovigilance.messages import ExportQuery
from kit.db import make_engine
from kit.usecases import Database
from pharmacovigilance.adapters.terminology import OfficerEntered
from pharmacovigilance.bootstrap import deps_for
from pharmacovigilance.handlers.exports import build, log_export
from pharmacovigilance.settings import PvSettings


def bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} cases")
    if done == total:
        sys.stderr.write("\n")


# The access log's reader ids of command-line operators: the same name, the same id.
OPERATORS = uuid.UUID("7d4f3c1e-5b2a-4e8f-9c6d-0a1b2c3d4e5f")


def operator_id(name: str) -> uuid.UUID:
    return uuid.uuid5(OPERATORS, name.strip().lower())


async def export_bytes(query: ExportQuery, settings: PvSettings,
                       operator: str) -> tuple[bytes, int]:
    engine = make_engine(settings.database_url, 2)
    deps = deps_for(Database(engine), settings, terms=OfficerEntered())
    try:
        async with engine.begin() as conn:  # the export and its access-log rows together
            included: list[uuid.UUID] = []
            data, cases, _ = await build(conn, deps, query, bar, included=included)
            await log_export(conn, operator_id(operator), included)
    finally:
        await engine.dispose()
    return data, cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pharmacovigilance.exporter",
                                     description=__doc__)
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    parser.add_argument("--status", default=None)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--operator", default=getpass.getuser(),
                        help="who runs the export, as the case access log names them "
                             "(default: the user running the command)")
    args = parser.parse_args(argv)
    query = ExportQuery.model_validate({"from": args.start, "to": args.end,
                                        "status": args.status})
    data, cases = uvloop.run(export_bytes(query, PvSettings(), args.operator))
    args.out.write_bytes(data)
    print(f"{cases} cases written to {args.out}")


if __name__ == "__main__":
    main()

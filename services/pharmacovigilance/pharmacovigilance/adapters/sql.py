"""Pharmacovigilance's tables: the event store, reports and cases, signal counts, and
the log of staff reads of cases."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.sql import Statement

metadata = sa.MetaData(schema="pharmacovigilance")
store = EventStore(metadata, "pharmacovigilance")
idempotency = idempotency_table(metadata)
references = sa.Sequence("case_reference_seq", metadata=metadata)
TZ = sa.DateTime(timezone=True)


class PvTable(SQLModel, registry=registry(metadata=metadata)):
    """A read-model table of pharmacovigilance, declared once: the table, and the typed row.
    Queried with SQLAlchemy Core, as the feed's are: the rows go straight into the replies."""


def _default(server_default: str) -> dict[str, Any]:
    return {"server_default": server_default}


class Report(PvTable, table=True):
    """Inline read model: one row per report, its clinical part in clear, personal part
    sealed; what the work list, the views, the ICSRs and the exports read."""

    __tablename__ = "reports"

    report_id: UUID = Field(primary_key=True)
    reporter_id: UUID = Field(index=True)
    status: str = Field(sa_type=sa.Text, index=True)
    reference: str | None = Field(default=None, sa_type=sa.Text, unique=True)
    clear: dict[str, Any] = Field(sa_type=JSONB)
    personal: str = Field(sa_type=sa.Text)  # encrypted with the reporter's key
    missing: list[str] = Field(sa_type=ARRAY(sa.Text))
    reaction_ids: list[UUID] | None = Field(default=None, sa_type=ARRAY(sa.Uuid))
    medicine_ids: list[UUID] | None = Field(default=None, sa_type=ARRAY(sa.Uuid))
    received: date | None = None
    version: int = Field(default=1, sa_column_kwargs=_default("1"))
    coding: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB,  # reaction -> MedDRA
                                   sa_column_kwargs=_default("{}"))
    causality: list[Any] = Field(default_factory=list, sa_type=JSONB,
                                 sa_column_kwargs=_default("[]"))
    seriousness_confirmed: bool = Field(default=False,
                                        sa_column_kwargs={"server_default": sa.false()})
    # reaction id -> the officer's E.i.3.2 criteria, where they differ from the reporter's
    seriousness: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB,
                                        sa_column_kwargs=_default("{}"))
    narrative: str | None = Field(default=None, sa_type=sa.Text)  # the officer's H.1, sealed
    serious: bool | None = None  # None: not known yet (treated as serious for due_at)
    due_at: datetime | None = Field(default=None, sa_type=TZ, index=True)  # due at PvPI
    follow_ups: list[Any] = Field(default_factory=list, sa_type=JSONB,  # answers sealed
                                  sa_column_kwargs=_default("[]"))
    safety_report_id: str | None = Field(default=None, sa_type=sa.Text)  # C.1.1 last submitted
    relay_detail: str | None = Field(default=None, sa_type=sa.Text)  # why rejected, returned
    duplicates: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB,  # other -> link…
                                       sa_column_kwargs=_default("{}"))
    created_at: datetime = Field(sa_type=TZ)
    updated_at: datetime = Field(sa_type=TZ)


class TimelineEntry(PvTable, table=True):
    """What the reporter sees: received, under review, …, acknowledged, with dates."""

    __tablename__ = "report_timeline"

    report_id: UUID = Field(primary_key=True)
    at: datetime = Field(primary_key=True, sa_type=TZ)
    status: str = Field(sa_type=sa.Text)


class SignalPair(PvTable, table=True):
    """The (case, medicine, reaction) pairs the disproportionality counts are made of, one
    row each, written as cases open. Rows, not running totals: a total is one row that
    every new case of a common pair (paracetamol, rash) would update, and that row's lock,
    held until the commit, made concurrent reports wait for each other (bench (d)); the
    signals query counts them instead (SIGNAL_TOTALS)."""

    __tablename__ = "signal_pairs"

    case_id: UUID = Field(primary_key=True)
    medicine: str = Field(primary_key=True, sa_type=sa.Text)
    reaction: str = Field(primary_key=True, sa_type=sa.Text)


class QueuedVersionRow(PvTable, table=True):
    """Case versions waiting for, or done with, the regulator: the relay works through them
    in order. Attempts and back-off are operational state, not events."""

    __tablename__ = "relay_queue"

    safety_report_id: str = Field(primary_key=True, sa_type=sa.Text)
    report_id: UUID
    case_version: int
    state: str = Field(sa_type=sa.Text, index=True)  # pending, sent, acknowledged…
    attempts: int = Field(default=0, sa_column_kwargs=_default("0"))
    next_attempt_at: datetime | None = Field(default=None, sa_type=TZ)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    queued_at: datetime = Field(sa_type=TZ)
    updated_at: datetime = Field(sa_type=TZ)


class Export(PvTable, table=True):
    """Finished exports, handed out in chunks, removed after a day."""

    __tablename__ = "exports"

    export_id: UUID = Field(primary_key=True)
    created_by: UUID
    created_at: datetime = Field(sa_type=TZ)
    cases: int
    data: bytes = Field(sa_type=sa.LargeBinary)


reports: sa.Table = Report.__table__  # type: ignore[attr-defined]
timeline: sa.Table = TimelineEntry.__table__  # type: ignore[attr-defined]
signal_pairs: sa.Table = SignalPair.__table__  # type: ignore[attr-defined]
relay_queue: sa.Table = QueuedVersionRow.__table__  # type: ignore[attr-defined]
exports: sa.Table = Export.__table__  # type: ignore[attr-defined]
# Every read of a case by staff: an append-only log with no key of its own, so a Core
# table (an ORM-mapped class needs a primary key).
case_reads = sa.Table(
    "case_reads", metadata,
    sa.Column("case_id", sa.Uuid, nullable=False, index=True),
    sa.Column("reader_id", sa.Uuid, nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("at", TZ, nullable=False),
)
INLINE = (relay_queue, signal_pairs, timeline, reports)

# What every complete report asks, compiled once (kit.sql).
LOCK_REPORTER = Statement(sa.select(sa.func.pg_advisory_xact_lock(
    sa.func.hashtextextended(sa.bindparam("reporter", type_=sa.Text), 0))))
SENT_SINCE = Statement(
    sa.select(sa.func.count(sa.distinct(timeline.c.report_id)), sa.func.min(timeline.c.at))
    .select_from(timeline.join(reports, reports.c.report_id == timeline.c.report_id))
    .where(reports.c.reporter_id == sa.bindparam("reporter_id", type_=sa.Uuid),
           timeline.c.status == sa.bindparam("status", type_=sa.Text),
           timeline.c.at > sa.bindparam("since", type_=TZ)))
NEXT_REFERENCE = Statement(sa.select(references.next_value()))

# The inline model's statements for a new report and a new case, the writes every report
# makes (bench (d)): compiled once. JSONB values go as JSON text.
SAVE_REPORT = Statement(sa.text("""
INSERT INTO pharmacovigilance.reports (report_id, reporter_id, status, clear, personal,
                                       missing, created_at, updated_at)
VALUES (:report_id, :reporter_id, :status, CAST(:clear AS jsonb), :personal, :missing, :at, :at)
ON CONFLICT (report_id) DO UPDATE SET clear = excluded.clear, personal = excluded.personal,
    missing = excluded.missing, updated_at = excluded.updated_at""").bindparams(
    sa.bindparam("report_id", type_=sa.Uuid), sa.bindparam("reporter_id", type_=sa.Uuid),
    sa.bindparam("status", type_=sa.Text), sa.bindparam("clear", type_=sa.Text),
    sa.bindparam("personal", type_=sa.Text), sa.bindparam("missing", type_=ARRAY(sa.Text)),
    sa.bindparam("at", type_=TZ)))
# The case opened, and its first entry in the timeline, in one round trip.
OPEN_CASE = Statement(sa.text("""
WITH opened AS (
    UPDATE pharmacovigilance.reports SET status = :status, reference = :reference,
        received = :received, reaction_ids = :reaction_ids, medicine_ids = :medicine_ids,
        serious = :serious, due_at = :due_at
    WHERE report_id = :report_id RETURNING report_id)
INSERT INTO pharmacovigilance.report_timeline (report_id, at, status)
SELECT report_id, :at, :status FROM opened""").bindparams(
    sa.bindparam("report_id", type_=sa.Uuid), sa.bindparam("status", type_=sa.Text),
    sa.bindparam("reference", type_=sa.Text), sa.bindparam("received", type_=sa.Date),
    sa.bindparam("reaction_ids", type_=ARRAY(sa.Uuid)),
    sa.bindparam("medicine_ids", type_=ARRAY(sa.Uuid)),
    sa.bindparam("serious", type_=sa.Boolean), sa.bindparam("due_at", type_=TZ),
    sa.bindparam("at", type_=TZ)))
COUNT_PAIRS = Statement(sa.text("""
INSERT INTO pharmacovigilance.signal_pairs (case_id, medicine, reaction)
SELECT :case_id, medicine, reaction FROM unnest(:medicines, :reactions) AS p(medicine, reaction)
ON CONFLICT DO NOTHING""").bindparams(
    sa.bindparam("case_id", type_=sa.Uuid),
    sa.bindparam("medicines", type_=ARRAY(sa.Text)),
    sa.bindparam("reactions", type_=ARRAY(sa.Text))))
# Each pair's cases: what the 2x2 tables are read from (domain.signals.Counts).
SIGNAL_TOTALS = (sa.select(signal_pairs.c.medicine, signal_pairs.c.reaction,
                           sa.func.count().label("pairs"))
                 .group_by(signal_pairs.c.medicine, signal_pairs.c.reaction))

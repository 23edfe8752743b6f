"""Pharmacovigilance's tables: the event store, reports and cases, signal counts, and
the log of staff reads of cases."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table

metadata = sa.MetaData(schema="pharmacovigilance")
store = EventStore(metadata, "pharmacovigilance")
idempotency = idempotency_table(metadata)
references = sa.Sequence("case_reference_seq", metadata=metadata)
TZ = sa.DateTime(timezone=True)

# Inline read model: one row per report, its clinical part in clear, personal part sealed.
reports = sa.Table(
    "reports", metadata,
    sa.Column("report_id", sa.Uuid, primary_key=True),
    sa.Column("reporter_id", sa.Uuid, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False, index=True),
    sa.Column("reference", sa.Text, unique=True),
    sa.Column("clear", JSONB, nullable=False),
    sa.Column("personal", sa.Text, nullable=False),  # encrypted with the reporter's key
    sa.Column("missing", ARRAY(sa.Text), nullable=False),
    sa.Column("reaction_ids", ARRAY(sa.Uuid)),
    sa.Column("medicine_ids", ARRAY(sa.Uuid)),
    sa.Column("received", sa.Date),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("coding", JSONB, nullable=False, server_default="{}"),  # reaction id -> MedDRA
    sa.Column("causality", JSONB, nullable=False, server_default="[]"),
    sa.Column("seriousness_confirmed", sa.Boolean, nullable=False, server_default=sa.false()),
    # reaction id -> the officer's E.i.3.2 criteria, where they differ from the reporter's
    sa.Column("seriousness", JSONB, nullable=False, server_default="{}"),
    sa.Column("narrative", sa.Text),  # the officer's H.1, sealed with the reporter's key
    sa.Column("serious", sa.Boolean),  # None: not known yet (treated as serious for due_at)
    sa.Column("due_at", TZ, index=True),  # when the case should be with the regulator
    sa.Column("follow_ups", JSONB, nullable=False, server_default="[]"),  # answers sealed
    sa.Column("safety_report_id", sa.Text),  # C.1.1 of the version last submitted
    sa.Column("relay_detail", sa.Text),  # the regulator's words on a rejection
    sa.Column("duplicates", JSONB, nullable=False, server_default="{}"),  # other id -> link…
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)
# What the reporter sees: received, under review, …, acknowledged, with dates.
timeline = sa.Table(
    "report_timeline", metadata,
    sa.Column("report_id", sa.Uuid, primary_key=True),
    sa.Column("at", TZ, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
)
# Disproportionality counts, kept as cases open: (case, medicine, reaction) pairs.
signal_pairs = sa.Table(
    "signal_pairs", metadata,
    sa.Column("medicine", sa.Text, primary_key=True),
    sa.Column("reaction", sa.Text, primary_key=True),
    sa.Column("pairs", sa.BigInteger, nullable=False),
)
# Case versions waiting for, or done with, the regulator: the relay works through them in
# order. Attempts and back-off are operational state, not events.
relay_queue = sa.Table(
    "relay_queue", metadata,
    sa.Column("safety_report_id", sa.Text, primary_key=True),
    sa.Column("report_id", sa.Uuid, nullable=False),
    sa.Column("case_version", sa.Integer, nullable=False),
    sa.Column("state", sa.Text, nullable=False, index=True),  # pending, sent, acknowledged…
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TZ),
    sa.Column("last_error", sa.Text),
    sa.Column("queued_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)
# Finished exports, handed out in chunks, removed after a day.
exports = sa.Table(
    "exports", metadata,
    sa.Column("export_id", sa.Uuid, primary_key=True),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("cases", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
# Every read of a case by staff.
case_reads = sa.Table(
    "case_reads", metadata,
    sa.Column("case_id", sa.Uuid, nullable=False, index=True),
    sa.Column("reader_id", sa.Uuid, nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("at", TZ, nullable=False),
)
INLINE = (relay_queue, signal_pairs, timeline, reports)

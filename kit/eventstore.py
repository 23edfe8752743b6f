"""The append-only SQL event store, with its transactional outbox.

One `events` table per service schema: `(stream_id, version)` unique for optimistic
concurrency, a global `position`, the envelope columns. Appending writes the outbox rows
of published events in the same transaction, so an event is published if and only if it
was committed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from kit.metrics import EVENTS_APPENDED
from kit.sql import driver


class ConcurrencyError(Exception):
    """The stream moved on since it was read: re-read and retry, or report a conflict."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} is no longer at version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


@dataclass(frozen=True)
class Metadata:
    """Who and what caused the events being appended."""

    actor: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    trace: dict[str, str] = field(default_factory=dict)


def outbox_channel(schema: str) -> str:
    return f"pu_outbox_{schema}"


class EventStore:
    """Events of one service, in that service's Postgres schema."""

    def __init__(self, metadata: sa.MetaData, service: str) -> None:
        if not metadata.schema:
            raise ValueError("the event store lives in the service's own schema")
        self.schema = metadata.schema
        self.service = service
        self.events = sa.Table(
            "events", metadata,
            sa.Column("position", sa.BigInteger, sa.Identity(), primary_key=True),
            sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
            sa.Column("stream_id", sa.Text, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("event_type", sa.Text, nullable=False),
            sa.Column("schema_version", sa.Integer, nullable=False),
            sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor", sa.Text),
            sa.Column("correlation_id", sa.Text),
            sa.Column("causation_id", sa.Text),
            sa.Column("trace", sa.JSON, nullable=False),
            sa.Column("data", JSONB, nullable=False),
            sa.UniqueConstraint("stream_id", "version", name="events_stream_version_key"),
        )
        self.outbox = sa.Table(
            "outbox", metadata,
            sa.Column("position", sa.BigInteger, sa.ForeignKey(self.events.c.position),
                      primary_key=True),
            sa.Column("subject", sa.Text, nullable=False),
        )
        events_table, outbox = f'"{self.schema}".events', f'"{self.schema}".outbox'
        self._append_sql = (
            f"WITH appended AS (INSERT INTO {events_table} (event_id, stream_id, version, "
            "event_type, schema_version, occurred_at, actor, correlation_id, causation_id, "
            "trace, data) SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], "
            "$4::text[], $5::int[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], "
            "$10::json[], $11::jsonb[]) RETURNING position, version), "
            f"queued AS (INSERT INTO {outbox} (position, subject) SELECT a.position, "
            "p.subject FROM appended a JOIN unnest($12::int[], $13::text[]) AS p(version, "
            "subject) USING (version)) "
            "SELECT position FROM appended ORDER BY version")

    async def append(self, conn: AsyncConnection, stream_id: str, expected_version: int,
                     events: Sequence[Event], meta: Metadata | None = None) -> list[Envelope]:
        """Append after `expected_version` (0 for a new stream) or raise ConcurrencyError.

        The events and their outbox rows go in one statement, on the transaction's own
        asyncpg connection: every write of every service makes it, and SQLAlchemy's
        execution path costs more than the statement itself (bench: POST /v1/posts)."""
        meta = meta or Metadata()
        now = datetime.now(UTC)
        rows = [self._row(stream_id, expected_version + i + 1, event, meta, now)
                for i, event in enumerate(events)]
        published = [(row["version"], event.subject)
                     for row, event in zip(rows, events, strict=True) if event.published]
        connection = await driver(conn)
        try:
            positions = [record[0] for record in await connection.fetch(
                self._append_sql, *_columns(rows), [v for v, _ in published],
                [subject for _, subject in published])]
        except asyncpg.UniqueViolationError as error:
            # The transaction is now aborted: the caller's unit of work rolls back.
            if error.constraint_name == "events_stream_version_key":
                raise ConcurrencyError(stream_id, expected_version) from error
            raise
        for event in events:
            EVENTS_APPENDED.labels(self.service, event.event_type).inc()
        return [_envelope(row, pos) for row, pos in zip(rows, positions, strict=True)]

    async def prepare(self, conn: AsyncConnection) -> None:
        """Install what the tables need besides themselves (idempotent, at start-up): a
        trigger that tells the relay of new outbox rows, in the server, without a round
        trip of the writer's."""
        schema, channel = self.schema, outbox_channel(self.schema)
        await conn.execute(sa.text(
            f'CREATE OR REPLACE FUNCTION "{schema}".notify_outbox() RETURNS trigger '
            f"LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{channel}', ''); "
            "RETURN NULL; END $$"))
        await conn.execute(sa.text(
            f'CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".notify_outbox()'))

    async def load(self, conn: AsyncConnection, stream_id: str) -> list[Envelope]:
        """Every event of one stream, oldest first."""
        result = await conn.execute(
            sa.select(self.events).where(self.events.c.stream_id == stream_id)
            .order_by(self.events.c.version))
        return [_from_row(row._mapping) for row in result]

    async def read_all(self, conn: AsyncConnection, after: int = 0,
                       limit: int = 1000) -> list[Envelope]:
        """Events of every stream in position order, for rebuilding inline read models."""
        result = await conn.execute(
            sa.select(self.events).where(self.events.c.position > after)
            .order_by(self.events.c.position).limit(limit))
        return [_from_row(row._mapping) for row in result]

    @staticmethod
    def _row(stream_id: str, version: int, event: Event, meta: Metadata,
             now: datetime) -> dict:
        return {
            "event_id": uuid4(), "stream_id": stream_id, "version": version,
            "event_type": event.event_type, "schema_version": event.version,
            "occurred_at": _day(now) if event.day_only else now, "actor": meta.actor,
            "correlation_id": meta.correlation_id,
            "causation_id": meta.causation_id, "trace": meta.trace,
            "data": event.model_dump(mode="json"),
        }


def _day(at: datetime) -> datetime:
    """The start of the instant's day (UTC): all an event that must not tell its time keeps."""
    return datetime(at.year, at.month, at.day, tzinfo=UTC)


COLUMNS = ("event_id", "stream_id", "version", "event_type", "schema_version", "occurred_at",
           "actor", "correlation_id", "causation_id")


def _columns(rows: list[dict]) -> list[list]:
    """The rows as the append statement's arrays, one per column."""
    return [*([row[name] for row in rows] for name in COLUMNS),
            [orjson.dumps(row["trace"]).decode() for row in rows],
            [orjson.dumps(row["data"]).decode() for row in rows]]


def _envelope(row: dict, position: int) -> Envelope:
    return Envelope(
        event_id=row["event_id"], event_type=row["event_type"],
        schema_version=row["schema_version"], stream_id=row["stream_id"],
        stream_version=row["version"], position=position, occurred_at=row["occurred_at"],
        actor=row["actor"], correlation_id=row["correlation_id"],
        causation_id=row["causation_id"], trace=row["trace"], data=row["data"])


def _from_row(row: sa.RowMapping) -> Envelope:
    return _envelope(dict(row), row["position"])

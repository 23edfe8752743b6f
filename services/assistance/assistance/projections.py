"""The assistance read models: the inline `applications` (each case as it stands, its
timeline of steps and its documents), written with the events so that the applicant reads
their own step at once; and the projection `schemes`, the feed's directory of government
schemes, which the eligibility check reads."""

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from assistance.adapters import sql
from assistance.domain import DECIDED, URGENCY_RANK
from contracts.assistance.events import (
    REGISTRY,
    ApplicationClosed,
    ApplicationDecided,
    ApplicationSubmitted,
    DisbursementRecorded,
    DocumentAdded,
    DocumentsRequested,
    HospitalVerified,
)
from contracts.envelope import Envelope
from contracts.feed.events import SchemeListed, SchemeRevised
from contracts.registry import ALL
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel


async def submitted(conn: AsyncConnection, event: ApplicationSubmitted,
                    envelope: Envelope) -> None:
    await conn.execute(insert(sql.applications).values(
        application_id=event.application_id, owner_id=event.owner_id,
        submitted_by=event.submitted_by, assisted_by=event.assisted_by, status="submitted",
        urgency=event.urgency, urgency_rank=URGENCY_RANK[event.urgency],
        patient_name=event.patient_name, diagnosis=event.diagnosis,
        disease_area=event.disease_area, hospital_name=event.hospital_name,
        hospital_type=event.hospital_type, estimate=event.estimate,
        payee_kind=event.payee_kind, suggested_schemes=event.suggested_schemes,
        submitted_at=envelope.occurred_at, updated_at=envelope.occurred_at)
        .on_conflict_do_nothing())
    await _step(conn, event.application_id, envelope, "submitted", event.submitted_by,
                amount=event.estimate, detail=event.hospital_name)


async def requested(conn: AsyncConnection, event: DocumentsRequested,
                    envelope: Envelope) -> None:
    row = await sql.application(conn, event.application_id)
    outstanding = sorted({*(row or {}).get("outstanding", []), *event.kinds})
    await _set(conn, event.application_id, envelope, status="documents_requested",
               outstanding=outstanding)
    await _step(conn, event.application_id, envelope, "documents_requested",
                event.requested_by, note=event.note, detail=", ".join(event.kinds))


async def document(conn: AsyncConnection, event: DocumentAdded, envelope: Envelope) -> None:
    await conn.execute(insert(sql.documents).values(
        document_id=event.document_id, application_id=event.application_id, kind=event.kind,
        content_type=event.content_type, size=event.size, media_key=event.media_key,
        added_at=envelope.occurred_at).on_conflict_do_nothing())
    row = await sql.application(conn, event.application_id)
    outstanding = [k for k in (row or {}).get("outstanding", []) if k != event.kind]
    status = (row or {}).get("status")
    if status == "documents_requested" and not outstanding:
        verified = await conn.scalar(sa.select(sa.func.count()).where(
            sql.steps.c.application_id == event.application_id,
            sql.steps.c.kind == "hospital_verified"))
        status = "verified" if verified else "submitted"
    await _set(conn, event.application_id, envelope, outstanding=outstanding, status=status)
    await _step(conn, event.application_id, envelope, "document_added", event.added_by,
                detail=event.kind)


async def verified(conn: AsyncConnection, event: HospitalVerified, envelope: Envelope) -> None:
    apps = sql.applications
    await _set(conn, event.application_id, envelope, status=sa.case(
        (apps.c.status == "submitted", "verified"), else_=apps.c.status))
    await _step(conn, event.application_id, envelope, "hospital_verified", event.verified_by,
                note=event.note)


async def decided(conn: AsyncConnection, event: ApplicationDecided, envelope: Envelope) -> None:
    await _set(conn, event.application_id, envelope, status=DECIDED[event.decision],
               approved=event.amount)
    await _step(conn, event.application_id, envelope, DECIDED[event.decision],
                event.decided_by, note=event.reason, amount=event.amount or None,
                detail=event.scheme)


async def disbursed(conn: AsyncConnection, event: DisbursementRecorded,
                    envelope: Envelope) -> None:
    await _set(conn, event.application_id, envelope, status="disbursed",
               disbursed=sql.applications.c.disbursed + event.amount)
    await _step(conn, event.application_id, envelope, "disbursed", event.recorded_by,
                amount=event.amount, detail=f"{event.payee}: {event.reference}")


async def closed(conn: AsyncConnection, event: ApplicationClosed, envelope: Envelope) -> None:
    await _set(conn, event.application_id, envelope, status="closed")
    await _step(conn, event.application_id, envelope, "closed", event.closed_by,
                note=event.note, detail=event.outcome)


async def _set(conn: AsyncConnection, application_id: UUID, envelope: Envelope,
               **values: Any) -> None:
    await conn.execute(sql.applications.update().where(
        sql.applications.c.application_id == application_id).values(
            **values, updated_at=envelope.occurred_at))


async def _step(conn: AsyncConnection, application_id: UUID, envelope: Envelope, kind: str,
                by: UUID, **values: Any) -> None:
    row = await sql.application(conn, application_id)
    await conn.execute(insert(sql.steps).values(
        event_id=envelope.event_id, application_id=application_id,
        position=envelope.position, kind=kind, at=envelope.occurred_at, by=by,
        by_role=role_of(row, by), **values).on_conflict_do_nothing())


def role_of(application: dict[str, Any] | None, by: UUID) -> str:
    """In what capacity someone acted on a case: its caseworker, its applicant (the owner
    or whoever filed it for them), or an officer."""
    if application is None:
        return "officer"
    if by == application["assisted_by"]:
        return "caseworker"
    if by in (application["owner_id"], application["submitted_by"]):
        return "applicant"
    return "officer"


APPLICATIONS = InlineModel(
    name="applications", tables=[sql.steps, sql.documents, sql.applications],
    registry=REGISTRY, store=sql.store,
    handlers={ApplicationSubmitted: one_by_one(submitted),
              DocumentsRequested: one_by_one(requested),
              DocumentAdded: one_by_one(document), HospitalVerified: one_by_one(verified),
              ApplicationDecided: one_by_one(decided),
              DisbursementRecorded: one_by_one(disbursed),
              ApplicationClosed: one_by_one(closed)})


async def scheme(conn: AsyncConnection, event: SchemeListed, _: Envelope) -> None:
    statement = insert(sql.schemes).values(
        scheme_id=event.scheme_id, slug=event.slug, names=event.name, needs=event.needs,
        states=event.states, link=event.link, helpline=event.helpline)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["scheme_id"], set_={c: statement.excluded[c] for c in (
            "slug", "names", "needs", "states", "link", "helpline")}))


SCHEMES = Projection(service="assistance", name="schemes", registry=ALL,
                     handlers={SchemeListed: one_by_one(scheme),
                               SchemeRevised: one_by_one(scheme)},
                     tables=[sql.schemes])

"""Curated resources and events (workshops, webinars, meetings, the annual conference,
health days): admins list them, everyone finds them."""

from datetime import UTC, datetime
from functools import partial
from uuid import uuid4

from contracts.feed.events import GatheringScheduled, ResourceAdded
from contracts.feed.messages import (
    AddResource,
    Gathering,
    GatheringRef,
    Gatherings,
    GatheringsQuery,
    Resource,
    ResourceRef,
    Resources,
    ResourcesQuery,
    ScheduleGathering,
)
from feed import domain, health_days
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.seeds import seed
from kit.usecases import Call


async def add_resource(call: Call[AddResource], deps: Deps) -> Resource:
    resource_id = uuid4()
    added = ResourceAdded(resource_id=resource_id, **call.command.model_dump())
    async with deps.db.transaction() as conn:
        await deps.listings.change(conn, domain.resource_stream(resource_id),
                                   lambda listing: domain.add_resource(listing, added),
                                   call.caller.metadata)
    return Resource(resource_id=resource_id, added_at=datetime.now(UTC),
                    **call.command.model_dump())


async def retire_resource(call: Call[ResourceRef], deps: Deps) -> dict[str, object]:
    resource_id = call.command.resource_id
    async with deps.db.transaction() as conn:
        await deps.listings.change(conn, domain.resource_stream(resource_id),
                                   lambda listing: domain.retire_resource(listing, resource_id),
                                   call.caller.metadata)
    return {"resource_id": str(resource_id), "retired": True}


async def list_resources(call: Call[ResourcesQuery], deps: Deps) -> Resources:
    query = call.command
    async with deps.db.connect() as conn:
        rows = await sql.resource_entries(conn, query.community, query.language, query.q)
    return Resources(items=[Resource(**row.entry, added_at=row.added_at) for row in rows])


async def schedule_gathering(call: Call[ScheduleGathering], deps: Deps) -> Gathering:
    gathering_id = uuid4()
    scheduled = GatheringScheduled(gathering_id=gathering_id, **call.command.model_dump())
    async with deps.db.transaction() as conn:
        await deps.listings.change(conn, domain.gathering_stream(gathering_id),
                                   lambda listing: domain.schedule(listing, scheduled),
                                   call.caller.metadata)
    return Gathering(gathering_id=gathering_id, **call.command.model_dump())


async def cancel_gathering(call: Call[GatheringRef], deps: Deps) -> dict[str, object]:
    gathering_id = call.command.gathering_id
    async with deps.db.transaction() as conn:
        await deps.listings.change(conn, domain.gathering_stream(gathering_id),
                                   lambda listing: domain.cancel(listing, gathering_id),
                                   call.caller.metadata)
    return {"gathering_id": str(gathering_id), "cancelled": True}


async def upcoming_gatherings(call: Call[GatheringsQuery], deps: Deps) -> Gatherings:
    query = call.command
    async with deps.db.connect() as conn:
        entries = await sql.upcoming(conn, query.starting or datetime.now(UTC),
                                     query.community)
    return Gatherings(items=[Gathering(**entry) for entry in entries])


async def seed_health_days(deps: Deps) -> None:
    """At start-up: the health days of the year ahead, each once."""
    for day in health_days.ahead(datetime.now(UTC).date()):
        await seed(deps.db, deps.listings, domain.gathering_stream(day.gathering_id),
                   partial(domain.schedule, gathering=day))

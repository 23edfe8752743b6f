"""Sample feed events shaped like the ones the platform writes, for (a) and (b)."""

from datetime import UTC, datetime
from uuid import uuid4

import orjson

from contracts.feed.events import PostCreated
from kit.eventstore import Metadata
from kit.outbox import message

BODY = ("Diagnosed with type 2 diabetes last year. Metformin upset my stomach for weeks; "
        "switching to the extended-release tablet helped. Walking after dinner brought my "
        "fasting sugar down more than anything else. What worked for you?")


def post() -> PostCreated:
    return PostCreated(post_id=uuid4(), author_id=uuid4(), community="diabetes",
                       kind="discussion", title="What helped my sugar levels", body=BODY,
                       language="en")


def metadata() -> Metadata:
    """Who caused the event, and the trace context a request handler's span would inject."""
    return Metadata(actor=str(uuid4()), correlation_id=uuid4().hex,
                    trace={"traceparent": f"00-{uuid4().hex}-{uuid4().hex[:16]}-01"})


def published(position: int) -> tuple[str, bytes, dict[str, str]]:
    """(subject, payload, headers) of one PostCreated exactly as the outbox relay sends it."""
    event, meta = post(), metadata()
    row = {"position": position, "subject": event.subject, "event_id": uuid4(),
           "event_type": event.event_type, "schema_version": event.version,
           "stream_id": f"post-{event.post_id}", "version": 1,
           "occurred_at": datetime.now(UTC), "actor": meta.actor,
           "correlation_id": meta.correlation_id, "causation_id": None,
           "trace": orjson.dumps(meta.trace).decode(),
           "data": orjson.dumps(event.model_dump(mode="json")).decode()}
    payload, headers = message(row)  # a dict reads like the relay's asyncpg.Record
    return event.subject, payload, headers

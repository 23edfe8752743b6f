"""The gateway's view of revoked tokens, from identity's events."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from contracts.envelope import Envelope
from gateway.revocations import Revocations


def event(event_type: str, at: datetime, **data: object) -> Envelope:
    return Envelope(event_id=uuid4(), event_type=event_type, schema_version=1,
                    stream_id="account-x", stream_version=1, position=1, occurred_at=at,
                    data={k: str(v) for k, v in data.items()})


def test_a_role_change_or_an_erasure_stops_the_tokens_issued_before_it() -> None:
    view, user, now = Revocations(900), uuid4(), datetime.now(UTC)
    view.apply(event("RolesChanged", now, user_id=user, roles=[]))
    assert view.refuses(user, now.timestamp() - 0.001, uuid4())
    assert not view.refuses(user, now.timestamp() + 0.001, uuid4())
    assert not view.refuses(uuid4(), now.timestamp() - 1, uuid4())  # someone else's
    view.apply(event("PersonErased", now + timedelta(seconds=5), user_id=user))
    assert view.refuses(user, now.timestamp() + 1, None)


def test_an_ended_session_stops_its_own_tokens_only() -> None:
    view, user, session, now = Revocations(900), uuid4(), uuid4(), datetime.now(UTC)
    view.apply(event("SessionEnded", now, user_id=user, session_id=session,
                     reason="signed_out"))
    assert view.refuses(user, now.timestamp() + 10, session)
    assert not view.refuses(user, now.timestamp() - 10, uuid4())
    view.apply(event("ConsentGiven", now, user_id=user, purpose="terms"))  # passes by
    assert not view.refuses(user, now.timestamp(), None)

"""Nobody on the bus is trusted without proof: no connection without an account, no
request but the gateway's, no principal the gateway did not sign."""

import uuid

import nats
import pytest
from nats.errors import Error as NatsError

from contracts.rpc import PRINCIPAL, STATUS, Principal
from contracts.subjects import rpc
from tests.platform import Platform, eventually

ADMIN = Principal(user_id=uuid.uuid4(), roles=("admin",)).model_dump_json()
SET_ROLES = rpc("identity", "set_roles")


async def test_a_process_without_credentials_cannot_connect(platform: Platform) -> None:
    with pytest.raises(NatsError, match="Authorization"):
        await nats.connect(f"nats://127.0.0.1:{platform.nats.port}", allow_reconnect=False,
                           max_reconnect_attempts=0, connect_timeout=2)


async def test_a_service_may_not_send_requests_nor_publish_anothers_events(
        platform: Platform) -> None:
    refusals: list[Exception] = []

    async def refused(error: Exception) -> None:
        refusals.append(error)

    feed = await nats.connect(platform.nats.url_for("feed"), error_cb=refused)
    try:
        await feed.publish(SET_ROLES, b"{}", headers={PRINCIPAL: ADMIN})
        await feed.publish("identity.account.roles_changed", b"{}")
        await feed.flush()
        await eventually(lambda: _at_least(refusals, 2))  # the server says so in its time
    finally:
        await feed.close()
    assert all("permissions violation" in str(e) for e in refusals)
    assert {SET_ROLES, "identity.account.roles_changed"} <= {
        str(e).rsplit(" ", 1)[-1].strip('"') for e in refusals}


async def _at_least(items: list, count: int) -> bool:
    return len(items) >= count


async def test_an_unsigned_principal_is_refused_by_the_service(platform: Platform) -> None:
    operator = await nats.connect(platform.nats.url)  # even with the right to publish
    try:
        reply = await operator.request(SET_ROLES, b'{"user_id": "%s", "roles": ["admin"]}'
                                       % str(uuid.uuid4()).encode(),
                                       headers={PRINCIPAL: ADMIN}, timeout=5)
    finally:
        await operator.close()
    assert (reply.headers or {})[STATUS] == "401"

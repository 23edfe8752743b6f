"""`python -m stack.rebuild SERVICE PROJECTION`: drop a read model and replay its events.

An operator's command: it speaks to the service over NATS (NATS_URL) as an admin.
"""

import argparse
import sys
import uuid

import nats
import orjson
import uvloop

from contracts.rpc import PRINCIPAL, STATUS, Principal
from contracts.subjects import rebuild
from contracts.system.messages import RebuildProjection
from kit.settings import ServiceSettings


async def request_rebuild(nats_url: str, service: str, projection: str) -> tuple[int, dict]:
    operator = Principal(user_id=uuid.UUID(int=0), roles=("admin",))
    nc = await nats.connect(nats_url)
    try:
        reply = await nc.request(
            rebuild(service), RebuildProjection(projection=projection).model_dump_json().encode(),
            headers={PRINCIPAL: operator.model_dump_json()}, timeout=600)
    finally:
        await nc.close()
    return int((reply.headers or {}).get(STATUS, "500")), orjson.loads(reply.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", help="e.g. feed, feed-worker, identity")
    parser.add_argument("projection", help="e.g. timeline, community-stats, accounts")
    args = parser.parse_args()
    status, body = uvloop.run(request_rebuild(ServiceSettings().nats_url, args.service,
                                              args.projection))
    print(orjson.dumps(body).decode())
    sys.exit(0 if status < 400 else 1)


if __name__ == "__main__":
    main()

"""`python -m stack.rebuild SERVICE PROJECTION`: drop a read model and replay its events.

An operator's command: it speaks to the service over NATS (NATS_URL, with the operator's
credentials) as an admin, signing its principal with PRINCIPAL_SIGNING_KEY as the gateway
does.
"""

import argparse
import sys
import uuid

import nats
import orjson
import uvloop

from contracts.rpc import PRINCIPAL, PRINCIPAL_SIGNATURE, STATUS, Principal
from contracts.subjects import rebuild
from contracts.system.messages import RebuildProjection
from kit.rpc import sign_principal, signing_key
from kit.settings import ServiceSettings


async def request_rebuild(nats_url: str, service: str, projection: str,
                          key: bytes | None) -> tuple[int, dict]:
    operator = Principal(user_id=uuid.UUID(int=0), roles=("admin",)).model_dump_json()
    subject = rebuild(service)
    headers = {PRINCIPAL: operator}
    if key is not None:
        headers[PRINCIPAL_SIGNATURE] = sign_principal(key, subject, operator)
    nc = await nats.connect(nats_url)
    try:
        reply = await nc.request(
            subject, RebuildProjection(projection=projection).model_dump_json().encode(),
            headers=headers, timeout=600)
    finally:
        await nc.close()
    return int((reply.headers or {}).get(STATUS, "500")), orjson.loads(reply.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", help="e.g. feed, feed-worker, identity")
    parser.add_argument("projection", help="e.g. timeline, community-stats, accounts")
    args = parser.parse_args()
    settings = ServiceSettings()
    status, body = uvloop.run(request_rebuild(settings.nats_url, args.service, args.projection,
                                              signing_key(settings.principal_signing_key)))
    print(orjson.dumps(body).decode())
    sys.exit(0 if status < 400 else 1)


if __name__ == "__main__":
    main()

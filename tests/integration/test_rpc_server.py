"""kit.rpc.Server on a real NATS: replicas share a route, a route's concurrency is bounded,
and stopping answers the requests already being handled."""

import asyncio

import orjson
from nats.aio.client import Client

from contracts.rpc import STATUS
from kit import rpc


def counting(seen: list[str], name: str, hold: asyncio.Event | None = None,
             busy: list[int] | None = None) -> rpc.RpcHandler:
    running = [0]

    async def handler(request: rpc.Request) -> rpc.Reply:
        seen.append(name)
        running[0] += 1
        if busy is not None:
            busy.append(running[0])
        try:
            if hold is not None:
                await hold.wait()
            return rpc.ok({"by": name})
        finally:
            running[0] -= 1
    return handler


async def ask(nc: Client, subject: str, n: int) -> list[dict]:
    replies = await asyncio.gather(*(nc.request(subject, b"{}", timeout=10) for _ in range(n)))
    assert {reply.headers[STATUS] for reply in replies} == {"200"}
    return [orjson.loads(reply.data) for reply in replies]


async def test_replicas_in_the_queue_group_each_answer_a_request_once(nc: Client) -> None:
    seen: list[str] = []
    subject = "rpc.servertest.share"
    servers = [rpc.Server(nc, "servertest", {subject: counting(seen, name)})
               for name in ("a", "b")]
    for server in servers:
        await server.start()
    try:
        answers = await ask(nc, subject, 40)
    finally:
        for server in servers:
            await server.stop()
    assert len(seen) == 40 and sorted(a["by"] for a in answers) == sorted(seen)
    assert set(seen) == {"a", "b"}  # both replicas took a share (2**-39 to fail by chance)


async def test_a_route_handles_at_most_its_concurrency_at_once(nc: Client) -> None:
    seen: list[str] = []
    busy: list[int] = []
    hold = asyncio.Event()
    subject = "rpc.servertest.bounded"
    server = rpc.Server(nc, "servertest", {subject: counting(seen, "a", hold, busy)},
                        concurrency=3)
    await server.start()
    try:
        asking = asyncio.create_task(ask(nc, subject, 12))
        while len(seen) < 3:
            await asyncio.sleep(0.01)
        await nc.flush()
        assert len(seen) == 3  # the other nine wait for room
        hold.set()
        await asking
    finally:
        await server.stop()
    assert len(seen) == 12 and max(busy) == 3


async def test_stopping_answers_what_is_being_handled(nc: Client) -> None:
    seen: list[str] = []
    hold = asyncio.Event()
    subject = "rpc.servertest.stop"
    server = rpc.Server(nc, "servertest", {subject: counting(seen, "a", hold)})
    await server.start()
    asking = asyncio.create_task(ask(nc, subject, 1))
    while not seen:
        await asyncio.sleep(0.01)
    stopping = asyncio.create_task(server.stop())
    while server.serving:
        await asyncio.sleep(0.01)
    hold.set()
    await stopping
    assert (await asking) == [{"by": "a"}]

"""kit.bus.CoalescingClient on a real NATS: what many tasks publish in a turn of the event
loop leaves in one socket write, in order, every message delivered, and nothing waits on a
flush that never comes."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from kit import bus
from kit.embedded import EmbeddedNats


@pytest.fixture
async def subscriber(nats_server: EmbeddedNats) -> AsyncIterator[Client]:
    client = await bus.connect(nats_server.url, "test-subscriber")
    yield client
    await client.close()


class Writes:
    """Counts the publishing client's socket writes (its transport's `writelines`)."""

    def __init__(self, client: Client) -> None:
        self.count = 0
        transport = client._transport
        assert transport is not None
        original = transport.writelines

        def counted(payload: list[bytes]) -> None:
            self.count += 1
            original(payload)
        transport.writelines = counted  # type: ignore[method-assign]


async def received(subscriber: Client, subject: str, n: int) -> tuple[list[bytes], asyncio.Event]:
    got: list[bytes] = []
    done = asyncio.Event()

    async def on(msg: Msg) -> None:
        got.append(msg.data)
        if len(got) == n:
            done.set()
    await subscriber.subscribe(subject, cb=on)
    await subscriber.flush()
    return got, done


async def test_what_tasks_publish_in_one_turn_leaves_in_one_write(
        nc: Client, subscriber: Client) -> None:
    assert isinstance(nc, bus.CoalescingClient)
    n = 100
    got, done = await received(subscriber, "coalesce.turn", n)
    writes = Writes(nc)

    async def publish(i: int) -> None:
        if i % 2:
            await asyncio.sleep(0)  # half of them a turn of the loop later
        await nc.publish("coalesce.turn", str(i).encode())
    await asyncio.gather(*(publish(i) for i in range(n)))
    await asyncio.wait_for(done.wait(), 10)
    # One write for the lot, where nats-py's own writer makes one per turn of the loop in
    # which someone published (two here).
    assert writes.count == 1
    assert sorted(int(data) for data in got) == list(range(n))


async def test_one_task_s_messages_arrive_in_the_order_published(
        nc: Client, subscriber: Client) -> None:
    n = 500
    got, done = await received(subscriber, "coalesce.order", n)
    for i in range(n):
        await nc.publish("coalesce.order", str(i).encode())
        if i % 50 == 0:
            await asyncio.sleep(0)
    await asyncio.wait_for(done.wait(), 10)
    assert [int(data) for data in got] == list(range(n))


async def test_flush_and_requests_are_answered(nc: Client, subscriber: Client) -> None:
    async def echo(msg: Msg) -> None:
        await msg.respond(msg.data)
    await subscriber.subscribe("coalesce.echo", cb=echo)
    await subscriber.flush()
    await asyncio.wait_for(nc.flush(), 5)  # a PING's PONG: the write went out
    replies = await asyncio.gather(*(nc.request("coalesce.echo", str(i).encode(), timeout=5)
                                     for i in range(200)))
    assert [int(reply.data) for reply in replies] == list(range(200))


async def test_publishing_goes_on_after_the_server_comes_back(
        nats_server: EmbeddedNats) -> None:
    client = await bus.connect(nats_server.url, "test-restart")
    try:
        nats_server.kill()
        async with asyncio.timeout(15):
            while client.is_connected:  # until the client has seen it go
                await asyncio.sleep(0.05)
        nats_server.start()  # on the same port
        async with asyncio.timeout(15):
            while not client.is_connected:
                await asyncio.sleep(0.1)
        listener = await bus.connect(nats_server.url, "test-restart-listener")
        try:
            got, done = await received(listener, "coalesce.after", 10)
            for i in range(10):
                await client.publish("coalesce.after", str(i).encode())
            await asyncio.wait_for(done.wait(), 10)
            assert [int(data) for data in got] == list(range(10))
        finally:
            await listener.close()
    finally:
        await client.close()


async def test_flush_returns_once_the_server_has_what_was_sent_before_it(nc: Client) -> None:
    """A subscription made, then flush(): its SUB reaches the socket before the PING whose
    PONG flush() waits for (nats-py's own client writes the PING at once, before what is
    still pending)."""
    transport = nc._transport
    assert transport is not None
    written: list[bytes] = []
    write, writelines = transport.write, transport.writelines

    def recorded(payload: bytes) -> None:
        written.append(bytes(payload))
        write(payload)

    def recorded_lines(payload: list[bytes]) -> None:
        written.append(b"".join(payload))
        writelines(payload)
    transport.write = recorded  # type: ignore[method-assign]
    transport.writelines = recorded_lines  # type: ignore[method-assign]
    await nc.subscribe("coalesce.sub-then-flush")
    await nc.flush()
    sent = b"".join(written)
    assert b"SUB coalesce.sub-then-flush" in sent and b"PING" in sent
    assert sent.index(b"SUB coalesce.sub-then-flush") < sent.index(b"PING")

"""Pipelined JetStream publishing: many messages on the wire, one future per message.

nats-py's `publish_async` pays for a timeout wrapper and a random token on every message;
the relay publishes in bounded batches and needs neither, so it uses this lighter path:
one reply subscription, sequential tokens, and the PubAck parsed when it arrives.
"""

import asyncio

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg


class PublishError(Exception):
    """JetStream did not store the message (no stream, or it refused it)."""


class AckedPublisher:
    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self._prefix = ""
        self._next = 0
        self._pending: dict[str, asyncio.Future[int]] = {}

    async def start(self) -> None:
        self._prefix = f"{self.nc.new_inbox()}."
        await self.nc.subscribe(self._prefix + "*", cb=self._acknowledged)

    async def publish(self, subject: str, payload: bytes,
                      headers: dict[str, str]) -> asyncio.Future[int]:
        """Send one message; the future gives its stream sequence once JetStream stored it."""
        if not self._prefix:
            await self.start()
        self._next += 1
        token = str(self._next)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda _: self._pending.pop(token, None))
        self._pending[token] = future
        await self.nc.publish(subject, payload, reply=self._prefix + token, headers=headers)
        return future

    async def _acknowledged(self, msg: Msg) -> None:
        future = self._pending.get(msg.subject[len(self._prefix):])
        if future is None or future.done():
            return
        if msg.headers and msg.headers.get("Status") == "503":
            future.set_exception(PublishError("no stream takes this subject"))
            return
        try:
            ack = orjson.loads(msg.data)
        except orjson.JSONDecodeError:
            future.set_exception(PublishError("unreadable acknowledgement"))
            return
        if "error" in ack:
            future.set_exception(PublishError(str(ack["error"])))
        else:
            future.set_result(int(ack.get("seq", 0)))

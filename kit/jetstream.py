"""JetStream on the hot paths, lighter than nats-py's helpers.

`AckedPublisher`: pipelined publishing, many messages on the wire, one future per message.
nats-py's `publish_async` pays for a timeout wrapper and a random token on every message;
the relay publishes in bounded batches and needs neither, so it uses this lighter path:
one reply subscription, sequential tokens, and the PubAck parsed when it arrives.

`ContinuousPull`: a durable pull consumer's messages, handed over as they arrive. nats-py's
`fetch` takes each message through a task of its own (`next_msg` with a timeout), so in a
process busy with requests a fetch gathers a message per turn of the event loop: a
projection there fell seconds behind its stream. Here one pull request stays open, its
messages are buffered by a subscription callback, and each batch is whatever has arrived
(up to the batch size) — small when the stream is quiet, full under load.
"""

import asyncio
import contextlib
import time

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription


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


class ContinuousPull:
    """Keeps up to `batch` messages asked for from `durable` on `stream`, renewing its pull
    requests as messages arrive or the requests expire (or are lost in a reconnect)."""

    def __init__(self, nc: Client, stream: str, durable: str, batch: int = 256,
                 expires: float = 2.0) -> None:
        self.nc, self.batch, self.expires = nc, batch, expires
        self._next = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}"
        self._inbox = ""
        self._sub: Subscription | None = None
        self._buffer: list[Msg] = []
        self._owed = 0  # messages the open pull requests may still deliver
        self._heard = 0.0  # when the server last sent a message or a status
        self._arrived = asyncio.Event()

    async def start(self) -> None:
        self._inbox = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(self._inbox, cb=self._received)
        await self._top_up()

    async def stop(self) -> None:
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None
        self._buffer.clear()

    async def next_batch(self, timeout: float = 1.0) -> list[Msg]:
        """What has arrived, up to `batch` messages; waits up to `timeout` for the first."""
        if not self._buffer:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        batch, self._buffer = self._buffer[:self.batch], self._buffer[self.batch:]
        if time.monotonic() - self._heard > self.expires + 1.0:
            self._owed = 0  # every request ends with a status: silence means they were lost
        await self._top_up()
        return batch

    async def _received(self, msg: Msg) -> None:
        self._heard = time.monotonic()
        status = msg.headers.get("Status") if msg.headers else None
        if status is None:
            self._buffer.append(msg)
            self._owed = max(0, self._owed - 1)
            self._arrived.set()
        elif status != "100":  # 408 expired, 409 ended otherwise: it owes what it says
            owed = (msg.headers or {}).get("Nats-Pending-Messages", "")
            self._owed = max(0, self._owed - int(owed)) if owed.isdigit() else 0
        await self._top_up()

    async def _top_up(self) -> None:
        """Ask for more once what is owed and buffered falls to half a batch (a full buffer
        asks for nothing: a slow handler holds the stream back, not the process's memory)."""
        if self._sub is None or self._owed + len(self._buffer) > self.batch // 2:
            return
        wanted = 2 * self.batch - self._owed - len(self._buffer)
        if not self._owed:
            self._heard = time.monotonic()
        self._owed += wanted
        request = {"batch": wanted, "expires": int(self.expires * 1e9)}
        with contextlib.suppress(Exception):  # disconnected: the silence check asks again
            await self.nc.publish(self._next, orjson.dumps(request), reply=self._inbox)

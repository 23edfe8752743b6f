"""NATS connections and the JetStream streams: one per context, plus dead letters; and who
may do what on NATS.

Every process has an account of its own, with subject permissions: only the gateway may
send requests (`rpc.>`), each service answers only its own (`rpc.<service>.>`) and
publishes only its own context's events and dead letters, the web app touches only its
sessions' key-value bucket; the operator (tests, `make
rebuild`) may do everything. The embedded NATS is started with these (kit.embedded); a
production cluster is given the same by `nats_authorization`.
"""

import asyncio
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import nats
from nats.aio.client import PING_PROTO, Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from contracts.subjects import (
    CONTEXTS,
    DLQ_STREAM,
    SERVICES,
    WEB_SESSIONS_BUCKET,
    stream_name,
    stream_subjects,
)
from kit.logging import get_logger

log = get_logger(__name__)

GATEWAY, WEB, OPERATOR = "gateway", "web", "operator"
ACCOUNTS = (*SERVICES, GATEWAY, WEB, OPERATOR)

# Long enough that a relay re-sending a batch after a long NATS outage is still de-duplicated.
DUPLICATE_WINDOW_S = 24 * 3600.0


async def connect(url: str, name: str) -> Client:
    """A client that reconnects for ever: an outage delays work, it never ends the process.
    `url` may name several servers of a cluster, separated by commas (each with the
    credentials to use there): the client moves to another when its own goes away."""

    async def disconnected() -> None:
        log.warning("nats_disconnected", client=name)

    async def reconnected() -> None:
        log.info("nats_reconnected", client=name)

    async def error(e: Exception) -> None:
        log.warning("nats_error", client=name, error=type(e).__name__)

    client = CoalescingClient()
    await client.connect(
        [server.strip() for server in url.split(",")], name=name, max_reconnect_attempts=-1,
        # half a second between tries (nats-py types it int, and sleeps it as a float)
        reconnect_time_wait=0.5,  # type: ignore[arg-type]
        connect_timeout=2, allow_reconnect=True,
        disconnected_cb=disconnected, reconnected_cb=reconnected, error_cb=error)
    return client


class CoalescingClient(Client):
    """nats-py's client, whose writer lets the event loop go round once more before it
    writes: what is published meanwhile (the replies of a group commit, the requests of
    many HTTP connections at once, a batch's acks) leaves in one socket write instead of
    one each. On this kind of machine a write that wakes another process costs ten times
    a plain one (issue 10: the gateway spent a quarter of its CPU in them).

    It replaces nats-py 2.16's `_flusher`, which writes at the first kick; it keeps that
    method's contract (the pending commands written in order, every kick's future
    answered once they are, errors handed to the client's error path), and
    tests/integration/test_bus.py holds it to that. Its PING joins the pending commands
    instead of going to the socket at once, before them: `flush()` then means what it
    says, that the server has what was sent before it (a subscription, say)."""

    async def _send_ping(self, future: asyncio.Future[Any] | None = None) -> None:
        self._pongs.append(future if future is not None else asyncio.Future())
        await self._send_command(PING_PROTO)
        await self._flush_pending()

    async def _flusher(self) -> None:
        assert self._transport is not None and self._flush_queue is not None
        queue = self._flush_queue
        while self.is_connected and not self.is_connecting:
            kicks = [await queue.get()]
            try:
                await asyncio.sleep(0)  # one more turn of the loop: company for the write
                while not queue.empty():
                    kicks.append(queue.get_nowait())
                if self._pending_data_size > 0:
                    self._transport.writelines(self._pending[:])
                    self._pending = []
                    self._pending_data_size = 0
                    await self._transport.drain()
            except OSError as error:
                await self._error_cb(error)
                await self._process_op_err(error)
                break
            except (asyncio.CancelledError, RuntimeError, AttributeError):
                break  # closed, or the loop is ending
            finally:
                for kick in kicks:
                    if not kick.done():
                        kick.set_result(None)


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create (or update) every context's stream and the dead-letter stream, each kept on
    `replicas` servers (NATS_STREAM_REPLICAS: 1 on the embedded server, 3 on a production
    cluster). This is the one place stream configuration is declared: every service calls
    it at start with the same shared setting, and an update changes a stream's replicas in
    place."""
    configs = [_config(stream_name(c), stream_subjects(c), replicas) for c in CONTEXTS]
    configs.append(_config(DLQ_STREAM, ["dlq.>"], replicas))
    for config in configs:
        for attempt in range(STREAM_API_TRIES):
            try:
                await _ensure_stream(js, config)
                break
            except nats.errors.TimeoutError:
                # A cluster electing its leaders, or busy with every pod starting at once.
                if attempt == STREAM_API_TRIES - 1:
                    raise
                log.warning("stream_api_timeout", stream=config.name, attempt=attempt + 1)
                await asyncio.sleep(0.5 * (attempt + 1))


STREAM_API_TRIES = 6


async def _ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Made when missing, updated only when its declared settings changed: on a cluster an
    update is a round of the meta leader's consensus, and every process starts with this."""
    try:
        found = (await js.stream_info(config.name or "")).config
    except NotFoundError:
        await js.add_stream(config)
        return
    declared = ("subjects", "num_replicas", "duplicate_window", "storage")
    if any(getattr(found, name) != getattr(config, name) for name in declared):
        await js.update_stream(config)


def _config(name: str, subjects: list[str], replicas: int) -> StreamConfig:
    return StreamConfig(name=name, subjects=subjects, storage=StorageType.FILE,
                        num_replicas=replicas, duplicate_window=DUPLICATE_WINDOW_S)


def permissions(account: str) -> dict[str, Any]:
    """What one account may publish and subscribe to."""
    if account == OPERATOR:
        return {"publish": {"allow": [">"]}, "subscribe": {"allow": [">"]}}
    if account == GATEWAY:
        return {"publish": {"allow": ["rpc.>", *_identity_reader()]},
                "subscribe": {"allow": ["_INBOX.>"]}}
    if account == WEB:
        return {"publish": {"allow": _bucket_user(WEB_SESSIONS_BUCKET)},
                "subscribe": {"allow": ["_INBOX.>"]}}
    context = account.split("-", 1)[0]  # feed-worker publishes as the feed
    return {
        # Its events, its dead letters, the JetStream API and acknowledgements; replies to
        # the requests it was sent (allow_responses), and nothing of another context's.
        "publish": {"allow": [f"{context}.>", f"dlq.{context}.>", "$JS.API.>", "$JS.ACK.>"]},
        "subscribe": {"allow": [f"rpc.{account}.>", "_INBOX.>"]},
        "allow_responses": True,
    }


def _identity_reader() -> list[str]:
    """The JetStream API the gateway's ephemeral consumer of the identity stream needs (it
    learns revoked tokens from it): look the stream up, create, read and delete consumers of
    it, answer their flow control. Its messages come to the gateway's own inbox; it may
    publish no event and touch no other stream."""
    stream = f"$JS.API.%s.{stream_name('identity')}"
    return [stream % "STREAM.INFO", stream % "CONSUMER.CREATE",
            stream % "CONSUMER.CREATE" + ".>", stream % "CONSUMER.INFO" + ".*",
            stream % "CONSUMER.DELETE" + ".*", f"$JS.FC.{stream_name('identity')}.>"]


def _bucket_user(bucket: str) -> list[str]:
    """One key-value bucket's JetStream API and its keys, nothing else: make it (or find
    it, and change its TTL) as it starts, read, write and delete keys."""
    stream = f"KV_{bucket}"
    return [f"$KV.{bucket}.>", f"$JS.API.STREAM.INFO.{stream}",
            f"$JS.API.STREAM.CREATE.{stream}", f"$JS.API.STREAM.UPDATE.{stream}",
            f"$JS.API.DIRECT.GET.{stream}.>",
            f"$JS.API.STREAM.MSG.GET.{stream}"]


def nats_authorization(passwords: dict[str, str]) -> dict[str, Any]:
    """The `authorization` block of a nats-server configuration for these accounts."""
    return {"users": [{"user": account, "password": password,
                       "permissions": permissions(account)}
                      for account, password in passwords.items()]}


def with_credentials(url: str, account: str, password: str) -> str:
    """`nats://host:port` as `account` would connect to it."""
    parts = urlsplit(url)
    netloc = f"{quote(account, safe='')}:{quote(password, safe='')}@{parts.hostname}"
    return urlunsplit(parts._replace(netloc=f"{netloc}:{parts.port}" if parts.port else netloc))

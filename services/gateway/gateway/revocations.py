"""Access tokens that stopped working before they expire: identity's facts, kept in memory.

A token is refused when its person's roles changed or the person was erased after it was
issued (its `iat`), or when its session (`sid`) ended: signed out, or its refresh token was
reused. The view is fed from the `PU_IDENTITY` stream by an ordered, ephemeral consumer
that starts an access token's lifetime in the past, so a restarted gateway forgets nothing
that still matters; an entry older than that lifetime is forgotten (its tokens expired).
"""

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.identity.events import PersonErased, RolesChanged, SessionEnded
from contracts.subjects import stream_name
from kit.logging import get_logger

log = get_logger(__name__)
STREAM = stream_name("identity")
SUBJECT = "identity.account.*"
# The events that end tokens issued before them, and the one that ends one session's.
CUTS = frozenset({RolesChanged.event_type, PersonErased.event_type})
# Clocks of identity and the gateway may differ a little; replay a margin further back.
MARGIN_S = 60.0


class Revocations:
    """Per person, the time before which their tokens are void; the sessions ended."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._cut: dict[UUID, float] = {}  # user -> tokens issued before this are void
        self._ended: dict[UUID, float] = {}  # session -> when it ended
        self._pruned_at = time.time()

    def refuses(self, user_id: UUID, issued_at: float, session_id: UUID | None) -> bool:
        cut = self._cut.get(user_id)
        if cut is not None and issued_at < cut:
            return True
        return session_id is not None and session_id in self._ended

    def apply(self, envelope: Envelope) -> None:
        """Take in one identity event (the others pass by)."""
        at = envelope.occurred_at.timestamp()
        if envelope.event_type in CUTS:
            user_id = UUID(str(envelope.data["user_id"]))
            self._cut[user_id] = max(at, self._cut.get(user_id, 0.0))
        elif envelope.event_type == SessionEnded.event_type:
            self._ended[UUID(str(envelope.data["session_id"]))] = at
        self._prune()

    def _prune(self) -> None:
        now = time.time()
        if now - self._pruned_at < 60:
            return
        oldest = now - self.ttl_s - MARGIN_S
        self._cut = {u: t for u, t in self._cut.items() if t > oldest}
        self._ended = {s: t for s, t in self._ended.items() if t > oldest}
        self._pruned_at = now


class RevocationFeed:
    """Keeps a `Revocations` current from the identity stream; `caught_up` once it has
    replayed what was there when it started (the gateway is not ready before)."""

    def __init__(self, nc: Client, revocations: Revocations) -> None:
        self.nc, self.revocations = nc, revocations
        self.caught_up = False
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        while True:  # until the stream exists (identity creates it) and NATS answers
            try:
                await self._follow()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.info("revocation_feed_waiting", error=type(error).__name__)
                await asyncio.sleep(1.0)

    async def _follow(self) -> None:
        js = self.nc.jetstream()
        since = datetime.now(UTC) - timedelta(seconds=self.revocations.ttl_s + MARGIN_S)
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_TIME,
                                opt_start_time=since)
        try:
            await js.stream_info(STREAM)
        except NotFoundError:
            raise ConnectionError("no identity stream yet") from None
        subscription = await js.subscribe(SUBJECT, stream=STREAM, cb=self._received,
                                          ordered_consumer=True, config=config)
        info = await subscription.consumer_info()
        if info.num_pending == 0 and not (info.delivered and info.delivered.stream_seq):
            self._now_caught_up()  # nothing to replay; else the last one replayed says so
        log.info("revocation_feed_started")

    async def _received(self, msg: Msg) -> None:
        try:
            self.revocations.apply(Envelope.model_validate_json(msg.data))
        except (ValidationError, KeyError, ValueError):
            log.warning("revocation_event_unreadable")
        if not self.caught_up and msg.metadata.num_pending == 0:
            self._now_caught_up()

    def _now_caught_up(self) -> None:
        self.caught_up = True
        log.info("revocation_feed_caught_up")

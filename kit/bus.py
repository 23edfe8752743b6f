"""NATS connections and the JetStream streams: one per context, plus dead letters."""

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from contracts.subjects import CONTEXTS, DLQ_STREAM, stream_name, stream_subjects
from kit.logging import get_logger

log = get_logger(__name__)

# Long enough that a relay re-sending a batch after a long NATS outage is still de-duplicated.
DUPLICATE_WINDOW_S = 24 * 3600.0


async def connect(url: str, name: str) -> Client:
    """A client that reconnects for ever: an outage delays work, it never ends the process."""

    async def disconnected() -> None:
        log.warning("nats_disconnected", client=name)

    async def reconnected() -> None:
        log.info("nats_reconnected", client=name)

    async def error(e: Exception) -> None:
        log.warning("nats_error", client=name, error=type(e).__name__)

    return await nats.connect(
        url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
        connect_timeout=2, allow_reconnect=True, disconnected_cb=disconnected,
        reconnected_cb=reconnected, error_cb=error)


async def ensure_streams(js: JetStreamContext) -> None:
    """Create (or update) every context's stream and the dead-letter stream."""
    configs = [_config(stream_name(c), stream_subjects(c)) for c in CONTEXTS]
    configs.append(_config(DLQ_STREAM, ["dlq.>"]))
    for config in configs:
        try:
            await js.stream_info(config.name or "")
            await js.update_stream(config)
        except NotFoundError:
            await js.add_stream(config)


def _config(name: str, subjects: list[str]) -> StreamConfig:
    return StreamConfig(name=name, subjects=subjects, storage=StorageType.FILE,
                        duplicate_window=DUPLICATE_WINDOW_S)

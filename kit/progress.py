"""How far a durable consumer has got: what tests, the bench and the platform's settling
wait on (kit.projection's consumers acknowledge a message only once it is handled)."""

import asyncio

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError


async def handled_up_to(js: JetStreamContext, durable: str, stream: str) -> int:
    """The stream sequence up to which the projection has handled every message it is
    given (its consumer takes only the subjects it handles).

    The consumer's ack floor, not the highest sequence handled: messages are acknowledged
    only after their transaction commits, and a batch lost in a crash is redelivered later
    than the batches after it. The ack floor stops at the last message of the projection's
    subjects; when nothing is left to deliver or to acknowledge and nothing delivered lies
    above the floor, every message the stream held when asked is behind the projection,
    those of other subjects included.
    """
    try:
        last = (await js.stream_info(stream)).state.last_seq  # before the consumer's state
        info = await js.consumer_info(stream, durable)
    except NotFoundError:
        return 0
    floor = info.ack_floor.stream_seq if info.ack_floor else 0
    delivered = info.delivered.stream_seq if info.delivered else 0
    # Nothing left to deliver, nothing unacknowledged, and nothing given back to come again
    # (a message handed back stays above the ack floor): every message is behind it.
    if not info.num_pending and not info.num_ack_pending and delivered <= floor:
        return max(floor, last)
    return floor


async def wait_for(js: JetStreamContext, durable: str, stream: str, seq: int,
                   timeout: float = 30.0) -> None:
    """Wait until consumer `durable` has handled `stream` up to `seq` (tests use this)."""
    async with asyncio.timeout(timeout):
        while await handled_up_to(js, durable, stream) < seq:
            await asyncio.sleep(0.02)

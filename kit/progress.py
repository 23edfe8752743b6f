"""How far a durable consumer has got: what tests, the bench and the platform's settling
wait on (kit.projection's consumers acknowledge a message only once it is handled)."""

import asyncio

import nats.errors
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
    # Deliveries are counted in consumer sequences (redeliveries too), which only messages
    # of the consumer's subjects take: when the acknowledged floor is the last delivery,
    # nothing delivered waits to come again. (In stream sequences a clustered consumer's
    # floor stays behind the other subjects' messages it skipped until its next ack.)
    delivered = info.delivered.consumer_seq if info.delivered else 0
    acknowledged = info.ack_floor.consumer_seq if info.ack_floor else 0
    # Nothing left to deliver, nothing unacknowledged, and nothing given back to come again
    # (a message handed back stays above the ack floor): every message is behind it.
    if not info.num_pending and not info.num_ack_pending and delivered <= acknowledged:
        return max(floor, last)
    return floor


async def wait_for(js: JetStreamContext, durable: str, stream: str, seq: int,
                   timeout: float = 30.0) -> None:
    """Wait until consumer `durable` has handled `stream` up to `seq` (tests use this)."""
    try:
        async with asyncio.timeout(timeout):
            while not await _past(js, durable, stream, seq):
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise TimeoutError(f"{durable} has not handled {stream} up to {seq}: "
                           f"{await _state(js, durable, stream)}") from None


async def _past(js: JetStreamContext, durable: str, stream: str, seq: int) -> bool:
    try:
        return await handled_up_to(js, durable, stream) >= seq
    except nats.errors.TimeoutError:  # no answer yet: a cluster electing a leader, say
        return False


async def _state(js: JetStreamContext, durable: str, stream: str) -> str:
    try:
        info = await js.consumer_info(stream, durable)
    except nats.errors.Error as error:
        return f"its state unknown ({type(error).__name__})"
    return (f"delivered {info.delivered}, ack floor {info.ack_floor}, pending "
            f"{info.num_pending}, unacknowledged {info.num_ack_pending}")


async def last_sequence(js: JetStreamContext, stream: str, timeout: float = 30.0) -> int:
    """The stream's last sequence, asked again while JetStream does not answer in time (its
    leader being elected, on a cluster)."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                return (await js.stream_info(stream)).state.last_seq
            except nats.errors.TimeoutError:
                await asyncio.sleep(0.1)

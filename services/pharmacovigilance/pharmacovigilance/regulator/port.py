"""The regulator port: where ICSR batches go and where their acknowledgements come from."""

from typing import Protocol

from pharmacovigilance.e2b import Acknowledgement


class RegulatorError(Exception):
    """The regulator did not take the batch."""


class RegulatorUnavailable(RegulatorError):
    """Worth retrying: unreachable, timed out, failing (5xx), or an unreadable answer."""


class RegulatorRefused(RegulatorError):
    """Refused as sent (4xx): the same batch will be refused again."""


class Regulator(Protocol):
    async def send(self, batch_id: str, xml: bytes) -> Acknowledgement | None:
        """Deliver one batch; its acknowledgement if the channel answers at once, else None."""
        ...

    async def acknowledgements(self) -> list[Acknowledgement]:
        """Acknowledgements that arrived since the last call."""
        ...

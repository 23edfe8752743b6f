"""The regulator over HTTP: POST the batch, read the acknowledgement from the reply."""

from types import TracebackType

import httpx

from kit.logging import get_logger
from pharmacovigilance.e2b import Acknowledgement, E2BError, read_ack
from pharmacovigilance.regulator.port import RegulatorRefused, RegulatorUnavailable

log = get_logger(__name__)

RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})  # timeout, too early, too many requests


class HttpRegulator:
    """POSTs each batch to one endpoint; the reply is the acknowledgement, so none comes later."""

    def __init__(self, endpoint: str, timeout_s: float, token: str | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Content-Type": "application/xml", "Accept": "application/xml"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._endpoint = endpoint
        self._client = httpx.AsyncClient(headers=headers, timeout=timeout_s, transport=transport)

    async def send(self, batch_id: str, xml: bytes) -> Acknowledgement:
        response = await self._post(batch_id, xml)
        _raise_for_status(batch_id, response)
        ack = _acknowledgement(batch_id, response.content)
        log.info("batch_acknowledged", batch_id=batch_id, code=ack.code,
                 messages=len(ack.messages))
        return ack

    async def acknowledgements(self) -> list[Acknowledgement]:
        return []

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> "HttpRegulator":
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.aclose()

    async def _post(self, batch_id: str, xml: bytes) -> httpx.Response:
        try:
            return await self._client.post(self._endpoint, content=xml)
        except httpx.TransportError as error:
            log.warning("regulator_unreachable", batch_id=batch_id, error=type(error).__name__)
            raise RegulatorUnavailable(f"{type(error).__name__}: {error}") from error


def _raise_for_status(batch_id: str, response: httpx.Response) -> None:
    status = response.status_code
    if response.is_success:
        return
    log.warning("regulator_answered_error", batch_id=batch_id, status=status)
    reason = f"HTTP {status}: {response.text[:200]}"
    if response.is_client_error and status not in RETRYABLE_CLIENT_ERRORS:
        raise RegulatorRefused(reason)
    raise RegulatorUnavailable(reason)


def _acknowledgement(batch_id: str, body: bytes) -> Acknowledgement:
    try:
        ack = read_ack(body)
    except E2BError as error:
        log.warning("acknowledgement_unreadable", batch_id=batch_id)
        raise RegulatorUnavailable(f"unreadable acknowledgement: {error}") from error
    if ack.batch_id != batch_id:
        raise RegulatorUnavailable(f"acknowledgement of batch {ack.batch_id}, not {batch_id}")
    return ack

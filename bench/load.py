"""A small HTTP/1.1 keep-alive load generator: closed loop, loopback only, bounded.

Each connection sends one request, waits for the whole response, then sends the next, so
`concurrency` is the number of requests in flight. Protocol callbacks (no coroutine per
request) keep the client light on a small machine, leaving the CPU to the servers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

HOST = "127.0.0.1"


def http_request(method: str, path: str, port: int, headers: dict[str, str] | None = None,
                 body: bytes = b"") -> bytes:
    """The raw bytes of one HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, one per completed request
    statuses: dict[int, int] = field(default_factory=dict)
    broken: int = 0  # connections lost before their response

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.broken + sum(n for code, n in self.statuses.items() if code >= 400)

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


@dataclass
class _Run:
    deadline: float
    budget: int  # requests that may still be sent
    supply: Iterator[bytes] | None = None  # one request per send, shared by the connections
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    broken: int = 0
    last_done: float = 0.0

    def take(self, own: bytes) -> bytes | None:
        """The next request to send (the connection's own, or the supply's), or None."""
        if self.budget <= 0 or time.perf_counter() >= self.deadline:
            return None
        request = own if self.supply is None else next(self.supply, None)
        if request is not None:
            self.budget -= 1
        return request

    def record(self, status: int, latency: float) -> None:
        self.latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.last_done = time.perf_counter()


class _Connection(asyncio.Protocol):
    def __init__(self, run: _Run, request: bytes, done: asyncio.Future[None]) -> None:
        self.run, self.request, self.done = run, request, done
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.waiting = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._next()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        status, size = _complete_response(self.buffer)
        if size:
            del self.buffer[:size]
            self.waiting = False
            self.run.record(status, time.perf_counter() - self.sent_at)
            self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiting:
            self.run.broken += 1
        self._finish()

    def _next(self) -> None:
        assert self.transport is not None
        request = self.run.take(self.request)
        if request is None:
            self.transport.close()
            self._finish()
            return
        self.waiting = True
        self.sent_at = time.perf_counter()
        self.transport.write(request)

    def _finish(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _complete_response(buffer: bytearray) -> tuple[int, int]:
    """(status, bytes) of the first complete response in `buffer`, or (0, 0)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0, 0
    head = bytes(buffer[:end]).lower()
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        raise ValueError("the load generator reads only responses with a Content-Length")
    stop = head.find(b"\r\n", start + 2)
    length = int(head[start + 17:stop if stop > 0 else None])
    size = end + 4 + length
    return (int(buffer[9:12]), size) if len(buffer) >= size else (0, 0)


async def run_load(port: int, requests: Sequence[bytes] | Iterator[bytes], *, concurrency: int,
                   seconds: float, max_requests: int) -> LoadResult:
    """Send requests over `concurrency` connections until the time or count runs out.

    Given a sequence, connection i sends requests[i % len(requests)] again and again (one
    client each); given an iterator, every send takes the next request from it, whichever
    connection sends it, and the run also ends when it runs out (requests that must not be
    repeated, as one person's one rating of a provider)."""
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    own, supply = (requests, None) if isinstance(requests, Sequence) else ((), requests)
    run = _Run(started + seconds, max_requests, supply, last_done=started)
    finished: list[asyncio.Future[None]] = []
    for i in range(concurrency):
        done: asyncio.Future[None] = loop.create_future()
        request = own[i % len(own)] if own else b""
        await loop.create_connection(partial(_Connection, run, request, done), HOST, port)
        finished.append(done)
    async with asyncio.timeout(seconds + 30):
        await asyncio.gather(*finished)
    return LoadResult(len(run.latencies), run.last_done - started, run.latencies,
                      run.statuses, run.broken)

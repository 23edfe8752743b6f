"""The raw pipeline: what this architecture costs with nothing of ours in it, the honest bar
for the gateway's figures. The same servers and settings, and the same hops as a request
of the platform, but the least code at each:

    HTTP (FastAPI, served as the gateway is) -> a NATS request -> a subscriber doing one
    asyncpg transaction -> the reply -> the HTTP answer

- write: `POST /raw/write` inserts one event row and one outbox row in one transaction;
- read:  `GET /raw/read` selects 20 rows and answers them as JSON.

python -m bench.raw http PORT NATS_URL      the HTTP side
python -m bench.raw worker NATS_URL DSN     the subscriber (creates and seeds its tables)
"""

import asyncio
import sys
import uuid
from datetime import UTC, datetime

import asyncpg
import nats
import orjson
import uvicorn
import uvloop
from fastapi import FastAPI, Request
from fastapi.responses import Response

WRITE, READ = "raw.write", "raw.read"
SCHEMA = """
CREATE TABLE IF NOT EXISTS raw_events (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, version int NOT NULL,
    occurred_at timestamptz NOT NULL, data jsonb NOT NULL, UNIQUE (stream_id, version));
CREATE TABLE IF NOT EXISTS raw_outbox (
    position bigint PRIMARY KEY REFERENCES raw_events (position), subject text NOT NULL);
"""
INSERT_EVENT = ("INSERT INTO raw_events (event_id, stream_id, version, occurred_at, data) "
                "VALUES ($1, $2, 1, $3, $4) RETURNING position")
INSERT_OUTBOX = "INSERT INTO raw_outbox (position, subject) VALUES ($1, 'raw.post.created')"
SELECT_PAGE = "SELECT event_id, stream_id, occurred_at, data FROM raw_events " \
              "ORDER BY position DESC LIMIT 20"


def http_app(nats_url: str) -> FastAPI:
    state: dict[str, nats.NATS] = {}

    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        state["nc"] = await nats.connect(nats_url)
        yield
        await state["nc"].drain()

    app = FastAPI(lifespan=lifespan)

    @app.post("/raw/write")
    async def write(request: Request) -> Response:
        reply = await state["nc"].request(WRITE, await request.body(), timeout=5)
        return Response(reply.data, status_code=201, media_type="application/json")

    @app.get("/raw/read")
    async def read() -> Response:
        reply = await state["nc"].request(READ, b"", timeout=5)
        return Response(reply.data, media_type="application/json")

    return app


async def worker(nats_url: str, dsn: str) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=10, max_size=10)
    async with pool.acquire() as conn:
        await conn.execute(SCHEMA)
        for _ in range(20):  # something to read
            await _write(conn, b'{"body": "seed"}')
    nc = await nats.connect(nats_url)

    async def on_write(msg: nats.aio.msg.Msg) -> None:
        async with pool.acquire() as conn:
            await msg.respond(await _write(conn, msg.data))

    async def on_read(msg: nats.aio.msg.Msg) -> None:
        async with pool.acquire() as conn:
            rows = await conn.fetch(SELECT_PAGE)
        await msg.respond(orjson.dumps({"items": [
            {"event_id": str(r["event_id"]), "stream_id": r["stream_id"],
             "occurred_at": r["occurred_at"].isoformat(), "data": orjson.loads(r["data"])}
            for r in rows]}))

    # nats-py hands a subscription's messages to its callback one at a time: each request
    # gets a task of its own, so that requests overlap as they do in the services.
    running: set[asyncio.Task[None]] = set()

    def concurrently(handle):  # type: ignore[no-untyped-def]
        async def start(msg: nats.aio.msg.Msg) -> None:
            task = asyncio.create_task(handle(msg))
            running.add(task)
            task.add_done_callback(running.discard)
        return start

    await nc.subscribe(WRITE, queue="raw", cb=concurrently(on_write))
    await nc.subscribe(READ, queue="raw", cb=concurrently(on_read))
    await asyncio.Event().wait()


async def _write(conn: asyncpg.Connection, body: bytes) -> bytes:
    event_id = uuid.uuid4()
    async with conn.transaction():
        position = await conn.fetchval(INSERT_EVENT, event_id, f"post-{event_id}",
                                       datetime.now(UTC), body.decode() or "{}")
        await conn.execute(INSERT_OUTBOX, position)
    return orjson.dumps({"event_id": str(event_id)})


def main() -> None:
    role = sys.argv[1]
    if role == "http":
        # The gateway's settings (gateway/__main__.py): uvloop, httptools, no access log.
        uvicorn.run(http_app(sys.argv[3]), host="127.0.0.1", port=int(sys.argv[2]),
                    log_config=None, access_log=False, loop="uvloop", http="httptools")
    else:
        uvloop.run(worker(sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()

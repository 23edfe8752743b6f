"""`make run` as an operator meets it: its own admin honoured, secrets private, and NATS and
Postgres killed with SIGKILL coming back by themselves with every acknowledged write."""

import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from kit.embedded import free_port
from tests.platform import eventually, login

ADMIN = ("ops-admin@union.example.in", "an-operators-own-passphrase")


def pid_of(command_part: str) -> int | None:
    """The process whose command line holds `command_part` (the data folder's NATS, say)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if command_part in command and int(entry.name) != os.getpid():
                return int(entry.name)
    return None


@pytest.fixture(scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "NATS_URL")}
    env.update(DATA_DIR=str(data), GATEWAY_PORT=str(port), ADMIN_EMAIL=ADMIN[0],
               ADMIN_PASSWORD=ADMIN[1])
    log = open(data / "make-run.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "stack.run"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        await eventually(lambda: _says(data / "make-run.log", "Ctrl-C stops everything"),
                         timeout=240)
        yield url, data
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


async def _says(path: Path, text: str) -> bool:
    return text in path.read_text(errors="replace")


async def ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            return (await client.get(f"{url}/ready")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_the_operators_admin_signs_in_and_secrets_are_private(
        running: tuple[str, Path]) -> None:
    url, data = running
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        admin = await login(client, *ADMIN)
        assert "admin" in (await client.get("/v1/me", headers=admin)).json()["roles"]
    for secret in ("jwt.pem", "secrets.json"):
        assert stat.S_IMODE((data / secret).stat().st_mode) == 0o600, secret
    banner = (data / "make-run.log").read_text()
    assert ADMIN[0] in banner and ADMIN[1] not in banner
    port = int((data / "postgres" / "postmaster.pid").read_text().splitlines()[3])
    with pytest.raises(asyncpg.InvalidPasswordError):  # the embedded Postgres takes one
        await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", password="guess")
    with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.ClientCannotConnectError)):
        await asyncpg.connect(host="127.0.0.1", port=port, user="postgres")


@pytest.mark.parametrize("server", ["nats", "postgres"])
async def test_a_killed_server_comes_back_by_itself_with_every_acknowledged_write(
        running: tuple[str, Path], server: str) -> None:
    url, data = running
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        admin = await login(client, *ADMIN)
        before = await client.post("/v1/posts", headers=admin, json={
            "community": "common", "body": f"before {server} died"})
        assert before.status_code == 201
        pid = pid_of(str(data / server))
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await eventually(lambda: _gone_or_new(pid, data / server), timeout=30)
        await eventually(lambda: ready(url), timeout=120)
        await eventually(lambda: _accepts_a_post(client, admin, server), timeout=60)
        kept = await client.get(f"/v1/posts/{before.json()['post_id']}")
        assert kept.status_code == 200 and kept.json()["body"] == f"before {server} died"
    log = (data / "make-run.log").read_text()
    assert re.search(rf"Embedded{'Nats' if server == 'nats' else 'Postgres'} exited", log)


async def _gone_or_new(pid: int, folder: Path) -> bool:
    return pid_of(str(folder)) != pid


async def _accepts_a_post(client: httpx.AsyncClient, headers: dict[str, str],
                          server: str) -> bool:
    reply = await client.post("/v1/posts", headers=headers, json={
        "community": "common", "body": f"after {server} came back"})
    return reply.status_code == 201


async def test_the_web_app_is_printed_beside_the_api_and_shows_the_demo_feed(
        running: tuple[str, Path]) -> None:
    _, data = running
    banner = (data / "make-run.log").read_text(errors="replace")
    web = re.search(r"Web:\s+(http://127\.0\.0\.1:\d+)", banner)
    assert web, banner[-2000:]
    async with httpx.AsyncClient(timeout=30) as client:
        page = await client.get(web.group(1) + "/")
    assert page.status_code == 200 and "Welcome to the Patients&#39; Union" in page.text

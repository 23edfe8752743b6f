"""The whole OpenAPI, fuzzed by schemathesis as an anonymous caller, a patient, a PV officer
and an admin: no server error, and every answer as the schema says. Bounded in time."""

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.adr import staff
from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, patient

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance," \
         "response_schema_conformance"
SECONDS_PER_ROLE = 20


async def bearer(platform: Platform, role: str) -> str | None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        if role == "anonymous":
            return None
        if role == "patient":
            headers = await patient(client, "Fuzzy")
        elif role == "admin":
            headers = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        else:
            headers = await staff(client, role)
    return headers["Authorization"]


@pytest.mark.parametrize("role", ["anonymous", "patient", "pv_officer", "admin"])
async def test_no_server_error_and_answers_as_documented(platform: Platform, role: str,
                                                         tmp_path: Path) -> None:
    token = await bearer(platform, role)
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{platform.url}/openapi.json",
               "--checks", CHECKS, "--max-examples", "6", "--max-time", str(SECONDS_PER_ROLE),
               "--seed", "20261201", "--workers", "1", "--request-timeout", "10",
               "--generation-deterministic", "--no-shrink", "--warnings", "off",
               "--report-dir", str(tmp_path)]
    if token:
        command += ["--header", f"Authorization: {token}"]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True,
                                   timeout=SECONDS_PER_ROLE * 4, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]

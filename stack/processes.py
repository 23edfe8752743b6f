"""Every service and the gateway as child processes: what `make run` and the tests start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kit.embedded import free_port, wait_for_port

# name -> python module to run
PROCESSES = {
    "identity": "identity",
    "feed": "feed",
    "feed-worker": "feed.worker",
    "ratings": "ratings",
    "pharmacovigilance": "pharmacovigilance",
    "voices": "voices",
    "surveys": "surveys",
    "assistance": "assistance",
}


@dataclass
class Stack:
    """The platform's processes, sharing one environment."""

    env: dict[str, str]
    log_dir: Path
    gateway_port: int = 0
    web_port: int = 0
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)
    regulator_port: int = 0  # the fake regulator's, unless REGULATOR_URL names a real one
    # Each process's own NATS_URL (its account's credentials); unset: the shared one.
    nats_urls: dict[str, str] = field(default_factory=dict)
    # The key the web app seals its sessions with (`make run`'s, kept across restarts);
    # unset: one of its process's own.
    web_session_key: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def regulator_url(self) -> str:
        return f"http://127.0.0.1:{self.regulator_port}"

    def start(self, timeout: float = 60.0) -> Stack:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # The feed's local media store (voice notes), inside the stack's own folder.
        self.env.setdefault("MEDIA_DIR", str(self.log_dir / "media"))
        if self.setting("FAKE_REGULATOR_DROP_DIR") or not (
                self.setting("REGULATOR_URL") or self.setting("REGULATOR_DROP_DIR")):
            self.start_regulator()
        for name in PROCESSES:
            self.start_process(name)
        self.start_gateway()
        self.start_web()
        self.wait_ready(timeout)
        return self

    def setting(self, name: str) -> str | None:
        """What the processes will see: the stack's own environment over the caller's."""
        return self.env.get(name) or os.environ.get(name)

    def start_process(self, name: str) -> None:
        port = self.metrics_ports.setdefault(name, free_port())
        self._spawn(name, ["-m", PROCESSES[name]], {"METRICS_PORT": str(port)})

    def start_replica(self, name: str, replica: int) -> str:
        """Another process of `name` (`feed-2`), on the same database and NATS: its requests
        shared through the queue group, its relay standing by while another leads."""
        replica_name = f"{name}-{replica}"
        port = self.metrics_ports.setdefault(replica_name, free_port())
        self._spawn(replica_name, ["-m", PROCESSES[name]], {"METRICS_PORT": str(port)})
        return replica_name

    def start_regulator(self) -> None:
        """The fake regulator (PvPI stand-in), its own process, and point the relay at it:
        over HTTP, or through the drop folder FAKE_REGULATOR_DROP_DIR when that is set."""
        self.regulator_port = self.regulator_port or free_port()
        folder = self.setting("FAKE_REGULATOR_DROP_DIR")
        self._spawn("fake-regulator", ["-m", "pharmacovigilance.fake_regulator",
                                       "--port", str(self.regulator_port),
                                       *(["--drop-dir", folder] if folder else [])], {})
        wait_for_port(self.regulator_port, timeout=30, process=self.processes["fake-regulator"])
        if folder:
            self.env.update(REGULATOR_DROP_DIR=folder, REGULATOR_URL="")
        else:
            self.env["REGULATOR_URL"] = f"{self.regulator_url}/e2b"

    def start_gateway(self) -> None:
        self.gateway_port = self.gateway_port or free_port(8000)
        self._spawn("gateway", ["-m", "gateway"], {"GATEWAY_PORT": str(self.gateway_port)})
        wait_for_port(self.gateway_port, timeout=30, process=self.processes["gateway"])

    def start_web(self) -> None:
        """The web app, a client of the gateway like any other: none of the platform's
        secrets in its environment, only NATS for its sessions (its own account's URL)."""
        self.web_port = self.web_port or free_port(8080)
        nats_url = self.nats_urls.get("web") or self.setting("NATS_URL") or ""
        key = {"WEB_SESSION_KEY": self.web_session_key} if self.web_session_key else {}
        self._spawn("web", ["-m", "web"], {"WEB_PORT": str(self.web_port),
                                           "GATEWAY_URL": self.url,
                                           **({"NATS_URL": nats_url} if nats_url else {}),
                                           **key},
                    platform_env=False)
        wait_for_port(self.web_port, timeout=30, process=self.processes["web"])

    def _spawn(self, name: str, args: list[str], extra: dict[str, str],
               platform_env: bool = True) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        own = {"NATS_URL": self.nats_urls[name]} if name in self.nats_urls else {}
        shared = self.env if platform_env else {}
        self.processes[name] = subprocess.Popen(
            [sys.executable, *args], env={**os.environ, **shared, **own, **extra},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                reply = httpx.get(f"{self.url}/ready", timeout=5)
                if reply.status_code == 200:
                    return
                last = reply.text
            except httpx.HTTPError as error:
                last = type(error).__name__
            time.sleep(0.2)
        raise TimeoutError(f"the platform is not ready after {timeout}s: {last}")

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")

    def kill(self, name: str) -> None:
        """SIGKILL one process, as a crash would."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        replicas = [name for name in self.processes if name not in PROCESSES
                    and name not in ("web", "gateway", "fake-regulator")]
        for name in ["web", "gateway", *replicas, *reversed(list(PROCESSES)), "fake-regulator"]:
            self.stop_process(name)

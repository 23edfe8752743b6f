"""`make run`: the whole platform on this machine, with demo data, until Ctrl-C."""

import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import uvloop

from kit.bus import GATEWAY, WEB
from kit.db import create_database
from kit.embedded import EmbeddedNats, EmbeddedPostgres
from stack import demo
from stack.processes import PROCESSES, Stack
from stack.secrets import DEMO_ACCOUNTS, demo_secrets, nats_users

DATABASE = "patients_union"


def main() -> None:
    data_dir = Path(os.environ.get("DATA_DIR", ".data")).resolve()
    secrets = demo_secrets(data_dir)
    servers: list[EmbeddedNats | EmbeddedPostgres] = []
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        postgres = EmbeddedPostgres(data_dir / "postgres",
                                    password=secrets["postgres_password"]).start()
        servers.append(postgres)
        database_url = uvloop.run(create_database(postgres.url, DATABASE))
    nats_url = os.environ.get("NATS_URL")
    nats_urls: dict[str, str] = {}
    if not nats_url:  # each process connects with an account of its own
        nats = EmbeddedNats(data_dir / "nats", users=nats_users(secrets)).start()
        servers.append(nats)
        nats_url = nats.url
        nats_urls = {name: nats.url_for(name) for name in (*PROCESSES, GATEWAY, WEB)}
    write_private(data_dir / "jwt.pem", secrets["jwt_private_key"])
    admin = admin_account(os.environ, secrets)
    env = {"DATABASE_URL": database_url, "NATS_URL": nats_url,
           "PERSONAL_DATA_MASTER_KEY": secrets["master_key"],
           "PRINCIPAL_SIGNING_KEY": secrets["principal_signing_key"],
           "JWT_PRIVATE_KEY_FILE": str(data_dir / "jwt.pem"),
           "ADMIN_EMAIL": admin[0], "ADMIN_PASSWORD": admin[1]}
    stack = Stack(env, data_dir / "logs", int(os.environ.get("GATEWAY_PORT", "0")),
                  web_port=int(os.environ.get("WEB_PORT", "0")), nats_urls=nats_urls,
                  web_session_key=secrets["web_session_key"])
    try:
        stack.start()
        demo.load(stack.url, secrets, admin)
        banner(stack, secrets, data_dir, admin[0])
        supervise(stack, servers)
    finally:
        stack.stop()
        for server in reversed(servers):
            server.stop()
        print("stopped.")


def admin_account(environ: Mapping[str, str], secrets: dict[str, str]) -> tuple[str, str]:
    """The first admin: the operator's own when ADMIN_EMAIL and ADMIN_PASSWORD are given,
    else the demo profile's."""
    email, password = environ.get("ADMIN_EMAIL"), environ.get("ADMIN_PASSWORD")
    if bool(email) != bool(password):
        raise SystemExit("give both ADMIN_EMAIL and ADMIN_PASSWORD, or neither")
    if email and password:
        return email, password
    return DEMO_ACCOUNTS["admin"], secrets["password_admin"]


def write_private(path: Path, text: str) -> None:
    """A secret file readable by its owner only, from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    path.chmod(0o600)  # a file left by an older release


def banner(stack: Stack, secrets: dict[str, str], data_dir: Path, admin_email: str) -> None:
    metrics = ", ".join(f"{name}=:{port}" for name, port in stack.metrics_ports.items())
    print(f"""
Patients' Union is running.
  API:      {stack.url}   (docs: {stack.url}/docs)
  Web:      {stack.web_url}   (patients' pages; the staff console at /console/cases)
  Data:     {data_dir}   (logs in {data_dir / 'logs'})
  Metrics:  {metrics}, gateway={stack.url}/metrics
  Regulator (fake PvPI, E2B over HTTP): {stack.regulator_url}/stats

Demo accounts (demo profile only):""")
    for role, email in DEMO_ACCOUNTS.items():
        if role == "admin" and admin_email != email:
            print(f"  {role:<20} {admin_email:<44} (the ADMIN_PASSWORD you gave)")
            continue
        print(f"  {role:<20} {email:<44} {secrets['password_' + role]}")
    print("\nCtrl-C stops everything.", flush=True)


def supervise(stack: Stack, servers: Sequence[EmbeddedNats | EmbeddedPostgres]) -> None:
    """Restart any process that dies, the embedded NATS and Postgres among them, until
    SIGINT or SIGTERM. A server comes back on its port with its data; the services
    reconnect by themselves."""
    stopping: list[bool] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(True))
    while not stopping:
        for server in servers:
            if server.process is not None and server.process.poll() is not None:
                print(f"{type(server).__name__} exited ({server.process.returncode}); "
                      "restarting", file=sys.stderr)
                server.start()
        for name, process in list(stack.processes.items()):
            if process.poll() is not None:
                print(f"{name} exited ({process.returncode}); restarting", file=sys.stderr)
                stack.processes.pop(name)
                if name == "gateway":
                    stack.start_gateway()
                elif name == "web":
                    stack.start_web()
                elif name == "fake-regulator":
                    stack.start_regulator()
                else:
                    stack.start_process(name)
        time.sleep(1)


if __name__ == "__main__":
    main()

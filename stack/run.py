"""`make run`: the whole platform on this machine, with demo data, until Ctrl-C."""

import os
import signal
import sys
import time
from pathlib import Path

import uvloop

from kit.db import create_database
from kit.embedded import EmbeddedNats, EmbeddedPostgres
from stack import demo
from stack.processes import Stack
from stack.secrets import DEMO_ACCOUNTS, demo_secrets

DATABASE = "patients_union"


def main() -> None:
    data_dir = Path(os.environ.get("DATA_DIR", ".data")).resolve()
    secrets = demo_secrets(data_dir)
    servers: list = []
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        postgres = EmbeddedPostgres(data_dir / "postgres").start()
        servers.append(postgres)
        database_url = uvloop.run(create_database(postgres.url, DATABASE))
    nats_url = os.environ.get("NATS_URL")
    if not nats_url:
        nats = EmbeddedNats(data_dir / "nats").start()
        servers.append(nats)
        nats_url = nats.url
    (data_dir / "jwt.pem").write_text(secrets["jwt_private_key"])
    env = {"DATABASE_URL": database_url, "NATS_URL": nats_url,
           "PERSONAL_DATA_MASTER_KEY": secrets["master_key"],
           "JWT_PRIVATE_KEY_FILE": str(data_dir / "jwt.pem"),
           "ADMIN_EMAIL": DEMO_ACCOUNTS["admin"], "ADMIN_PASSWORD": secrets["password_admin"]}
    stack = Stack(env, data_dir / "logs", int(os.environ.get("GATEWAY_PORT", "0")))
    try:
        stack.start()
        demo.load(stack.url, secrets)
        banner(stack, secrets, data_dir)
        supervise(stack)
    finally:
        stack.stop()
        for server in reversed(servers):
            server.stop()
        print("stopped.")


def banner(stack: Stack, secrets: dict[str, str], data_dir: Path) -> None:
    metrics = ", ".join(f"{name}=:{port}" for name, port in stack.metrics_ports.items())
    print(f"""
Patients' Union is running.
  API:      {stack.url}   (docs: {stack.url}/docs)
  Data:     {data_dir}   (logs in {data_dir / 'logs'})
  Metrics:  {metrics}, gateway={stack.url}/metrics
  Regulator (fake PvPI, E2B over HTTP): {stack.regulator_url}/stats

Demo accounts (demo profile only):""")
    for role, email in DEMO_ACCOUNTS.items():
        print(f"  {role:<20} {email:<44} {secrets['password_' + role]}")
    print("\nCtrl-C stops everything.", flush=True)


def supervise(stack: Stack) -> None:
    """Restart any process that dies, until SIGINT or SIGTERM."""
    stopping: list[bool] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(True))
    while not stopping:
        for name, process in list(stack.processes.items()):
            if process.poll() is not None:
                print(f"{name} exited ({process.returncode}); restarting", file=sys.stderr)
                stack.processes.pop(name)
                if name == "gateway":
                    stack.start_gateway()
                elif name == "fake-regulator":
                    stack.start_regulator()
                else:
                    stack.start_process(name)
        time.sleep(1)


if __name__ == "__main__":
    main()

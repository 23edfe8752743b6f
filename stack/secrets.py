"""Secrets of the embedded demo profile, generated once into the data folder."""

import base64
import json
import os
import secrets
from collections.abc import Callable
from functools import partial
from pathlib import Path

from identity.tokens import new_private_key_pem
from kit import bus
from kit.personal import new_master_key

# One demo account per role (demo profile only, never in production configuration).
DEMO_ACCOUNTS = {
    "admin": "admin@demo.patientsunion.in",
    "patient": "asha.patient@demo.patientsunion.in",
    "caregiver": "ravi.caregiver@demo.patientsunion.in",
    "applicant": "dr.meena.applicant@demo.patientsunion.in",
    "professional": "dr.farida.doctor@demo.patientsunion.in",
    "moderator": "kiran.moderator@demo.patientsunion.in",
    "pharmacist_reviewer": "joseph.pharmacist@demo.patientsunion.in",
    "pv_officer": "lakshmi.pv@demo.patientsunion.in",
    "regulator_liaison": "arjun.liaison@demo.patientsunion.in",
}


def _generators() -> dict[str, Callable[[], str]]:
    """Every secret of the embedded profile, and how to make it."""
    made: dict[str, Callable[[], str]] = {
        "master_key": new_master_key, "jwt_private_key": new_private_key_pem,
        "principal_signing_key": lambda: base64.b64encode(os.urandom(32)).decode(),
        "web_session_key": lambda: base64.b64encode(os.urandom(32)).decode(),
        "postgres_password": lambda: secrets.token_urlsafe(24)}
    made.update({f"nats_password_{account}": lambda: secrets.token_urlsafe(24)
                 for account in bus.ACCOUNTS})
    made.update({f"password_{role}": partial(_demo_password, role) for role in DEMO_ACCOUNTS})
    return made


def _demo_password(role: str) -> str:
    return f"demo-{role.replace('_', '-')}-{secrets.token_hex(4)}"


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Master key, signing keys, NATS credentials and demo passwords: made on the first run
    (and whatever a newer release added, on the first run of that), the same after."""
    path = data_dir / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make() for name, make in _generators().items() if name not in values}
    if missing or not path.exists():
        values.update(missing)
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:  # never readable by others, not for a moment
            file.write(json.dumps(values, indent=2))
        path.chmod(0o600)
    return values


def nats_users(values: dict[str, str]) -> dict[str, str]:
    """Each NATS account's password (kit.bus.ACCOUNTS)."""
    return {account: values[f"nats_password_{account}"] for account in bus.ACCOUNTS}

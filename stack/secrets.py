"""Secrets of the embedded demo profile, generated once into the data folder."""

import json
import os
import secrets
from pathlib import Path

from identity.tokens import new_private_key_pem
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


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Master key, token signing key and demo passwords; the same on every run."""
    path = data_dir / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {
        "master_key": new_master_key(), "jwt_private_key": new_private_key_pem()}
    missing = [role for role in DEMO_ACCOUNTS if f"password_{role}" not in values]
    if missing or not path.exists():
        values.update({f"password_{role}": f"demo-{role.replace('_', '-')}-"
                       f"{secrets.token_hex(4)}" for role in missing})
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:  # never readable by others, not for a moment
            file.write(json.dumps(values, indent=2))
        path.chmod(0o600)
    return values

"""Secrets of the embedded demo profile, generated once into the data folder."""

import json
import secrets
from pathlib import Path

from identity.tokens import new_private_key_pem
from kit.personal import new_master_key

DEMO_ACCOUNTS = {
    "admin": "admin@demo.patientsunion.in",
    "patient": "asha.patient@demo.patientsunion.in",
    "caregiver": "ravi.caregiver@demo.patientsunion.in",
}


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Master key, token signing key and demo passwords; the same on every run."""
    path = data_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {"master_key": new_master_key(), "jwt_private_key": new_private_key_pem(),
              **{f"password_{role}": f"demo-{role}-{secrets.token_hex(4)}"
                 for role in DEMO_ACCOUNTS}}
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values

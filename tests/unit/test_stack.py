"""`make run`'s own decisions: whose admin account, and secrets only their owner reads."""

import stat
from pathlib import Path

import pytest

from stack.run import admin_account, write_private
from stack.secrets import DEMO_ACCOUNTS, demo_secrets


def test_an_operators_admin_is_honoured_and_the_demo_one_is_the_default(tmp_path: Path) -> None:
    secrets = demo_secrets(tmp_path)
    assert admin_account({}, secrets) == (DEMO_ACCOUNTS["admin"], secrets["password_admin"])
    given = {"ADMIN_EMAIL": "ops@union.in", "ADMIN_PASSWORD": "a-passphrase-of-theirs"}
    assert admin_account(given, secrets) == ("ops@union.in", "a-passphrase-of-theirs")
    with pytest.raises(SystemExit):
        admin_account({"ADMIN_EMAIL": "ops@union.in"}, secrets)


def test_generated_secrets_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    demo_secrets(tmp_path)
    key = tmp_path / "jwt.pem"
    key.write_text("old")
    key.chmod(0o644)  # as an older release left it
    write_private(key, "-----BEGIN PRIVATE KEY-----")
    for path in (tmp_path / "secrets.json", key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert key.read_text() == "-----BEGIN PRIVATE KEY-----"

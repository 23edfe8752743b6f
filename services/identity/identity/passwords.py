"""Password rules: a minimum length, and none of the passwords everybody tries first."""

from functools import cache
from pathlib import Path

MIN_LENGTH = 10
COMMON = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON.read_text().splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def weakness(password: str, *personal: str | None) -> str | None:
    """Why the password is too weak, or None when it will do."""
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if lowered in common_passwords():
        return "this password is one of the most common: choose another"
    if len(set(password)) < 4:
        return "use more different characters"
    for value in personal:
        if value and len(value) >= 4 and value.lower().split("@")[0] in lowered:
            return "do not build the password from your name or contact"
    return None

"""What identity's use cases depend on."""

from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher

from identity import applications as apps
from identity import domain
from identity.tokens import TokenSigner
from kit.aggregates import Repository
from kit.personal import PersonalData
from kit.usecases import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    accounts: Repository[domain.Account]
    applications: Repository[apps.Application]
    personal: PersonalData
    keyed_hash: Callable[[str], str]  # blind indexes: login names, registrations, addresses
    signer: TokenSigner
    hasher: PasswordHasher
    sandbox: domain.SandboxRule
    throttle: domain.Throttle
    refresh_ttl_s: int
    refresh_grace_s: int = 30  # a retried refresh within it is no reuse

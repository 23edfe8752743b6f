"""Identity settings, from the environment."""

from kit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    jwt_private_key: str = ""  # Ed25519 private key, PEM
    jwt_private_key_file: str = ""  # or a file holding it
    jwt_issuer: str = "patients-union"
    jwt_audience: str = "patients-union-api"
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 30 * 24 * 3600
    refresh_token_grace_s: int = 30  # a flaky network's retried refresh is no reuse
    admin_email: str = ""
    admin_password: str = ""
    sandbox_hours: int = 24
    sandbox_posts_per_hour: int = 5
    login_failures_per_account: int = 10
    login_failures_per_address: int = 100
    login_lockout_s: int = 300
    login_failures_per_pair: int = 5  # one account from one address, then back-off
    signups_per_address: int = 30
    signup_window_s: int = 3600
    hashing_threads: int = 2
    hashing_bound: int = 16  # hashes running or waiting; beyond: 503

"""Identity settings, from the environment."""

from kit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    jwt_private_key: str = ""  # Ed25519 private key, PEM
    jwt_private_key_file: str = ""  # or a file holding it
    jwt_issuer: str = "patients-union"
    jwt_audience: str = "patients-union-api"
    access_token_ttl_s: int = 900
    admin_email: str = ""
    admin_password: str = ""

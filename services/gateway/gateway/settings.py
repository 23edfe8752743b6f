"""Gateway settings, from the environment."""

from pydantic_settings import BaseSettings

from contracts.subjects import SERVICES


class GatewaySettings(BaseSettings):
    nats_url: str = "nats://127.0.0.1:4222"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rpc_timeout_s: float = 5.0
    max_body_bytes: int = 256 * 1024
    public_cache_ttl_s: float = 1.0  # public reads (feed pages, communities); 0 turns it off
    cors_origins: list[str] = []
    jwt_issuer: str = "patients-union"
    jwt_audience: str = "patients-union-api"
    # identity's ACCESS_TOKEN_TTL_S: how far back the revocations are replayed at start
    access_token_ttl_s: int = 900
    log_level: str = "info"
    log_format: str = "json"
    otel_traces_exporter: str = "none"
    ready_services: list[str] = list(SERVICES)
    principal_signing_key: str = ""  # base64, shared with the services (kit.rpc)

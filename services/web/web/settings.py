"""The web app's settings, from the environment."""

from pydantic import Field
from pydantic_settings import BaseSettings


class WebSettings(BaseSettings):
    gateway_url: str = "http://127.0.0.1:8000"  # the public API this app is a client of
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # In production the session cookie is sent over HTTPS only (its Secure attribute).
    production: bool = False
    session_idle_s: int = 12 * 3600  # a session unused this long is forgotten
    # The sessions' key-value bucket (every replica's), on the web app's own NATS account;
    # kept on this many servers (NATS_STREAM_REPLICAS, as the streams are).
    nats_url: str = "nats://127.0.0.1:4222"
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    api_timeout_s: float = 15.0
    # The version of the terms and of the privacy notice that sign-up shows.
    consent_version: str = "2026-11"
    log_level: str = "info"
    log_format: str = "json"  # or console

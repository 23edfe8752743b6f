"""The web app's settings, from the environment."""

import base64
import os

from pydantic import Field, SecretStr, model_validator
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
    # The key the sessions are sealed with in the bucket (32 bytes, base64): the same in
    # every replica, from a Secret. Unset outside production: a key of this process's own
    # (its sessions end with it).
    web_session_key: SecretStr = Field(
        default_factory=lambda: SecretStr(base64.b64encode(os.urandom(32)).decode()))
    api_timeout_s: float = 15.0
    # The version of the terms and of the privacy notice that sign-up shows.
    consent_version: str = "2026-11"
    log_level: str = "info"
    log_format: str = "json"  # or console

    @model_validator(mode="after")
    def _a_shared_key_in_production(self) -> "WebSettings":
        if self.production and "web_session_key" not in self.model_fields_set:
            raise ValueError("WEB_SESSION_KEY must be set in production: every replica "
                             "seals and opens the sessions with it")
        session_key(self)  # a key of the right length, or no start
        return self


def session_key(settings: WebSettings) -> bytes:
    try:
        key = base64.b64decode(settings.web_session_key.get_secret_value(), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError("WEB_SESSION_KEY must be 32 bytes, base64-encoded")
    return key

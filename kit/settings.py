"""Settings from the environment (pydantic-settings). Never URLs at module level."""

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service process reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    nats_url: str = "nats://127.0.0.1:4222"
    # The servers each JetStream stream is kept on (kit.bus.ensure_streams): 1 on the
    # embedded server, 3 on a production cluster; the same value for every process.
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    metrics_port: int = 0  # 0: no metrics endpoint
    # Where /metrics listens: the loopback by default (a developer's machine); 0.0.0.0 in a
    # pod, for Prometheus (deploy/k8s: the NetworkPolicy lets only Prometheus reach it).
    metrics_host: str = "127.0.0.1"
    log_level: str = "info"
    log_format: str = "json"  # json or console
    otel_traces_exporter: str = "none"  # none or console
    db_pool_size: int = 10
    rpc_concurrency: int = 16  # requests of one route handled at once (within the pool)
    rpc_timeout_s: float = 5.0
    # 32 bytes, base64: wraps every per-person data key. Required outside the demo profile.
    personal_data_master_key: str = ""
    # base64, 32 bytes or more, the gateway's too: it signs the principal of each request.
    # Unset: the service trusts no principal (every signed-in request is refused).
    principal_signing_key: str = ""


class MediaSettings(ServiceSettings):
    """A service that keeps media (voice notes, recordings, documents): where (kit.media_s3
    `media_store`), the same variables for each."""

    # A local folder (the embedded default) or an S3-compatible bucket (production).
    media_store: Literal["local", "s3"] = "local"
    # The local media store's folder (MEDIA_DIR; the Stack gives one in its own folder).
    media_dir: str = ".data/media"
    # The S3-compatible store (MEDIA_STORE=s3): path-style URLs, `S3_ENDPOINT/S3_BUCKET/key`.
    s3_endpoint: str = ""  # https://s3.ap-south-1.amazonaws.com, http://minio:9000, …
    s3_bucket: str = ""
    s3_region: str = "us-east-1"  # what MinIO and Ceph expect unless configured otherwise
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_secret_access_key_file: str = ""  # or a file holding it, readable by its owner only
    s3_session_token: SecretStr = SecretStr("")  # temporary credentials only
    s3_session_token_file: str = ""
    s3_server_side_encryption: str = ""  # AES256 or aws:kms: the store encrypts at rest
    s3_timeout_s: float = 3.0  # one request
    s3_deadline_s: float = 4.0  # all the tries of one call: under the gateway's RPC time-out

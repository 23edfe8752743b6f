"""Feed settings, from the environment."""

from typing import Literal

from pydantic import SecretStr

from feed.moderation import DEFAULT_KEYWORDS, Action
from kit.settings import ServiceSettings


class FeedSettings(ServiceSettings):
    # GUIDELINES.md's keyword list: word or phrase -> block, hold or flag (KEYWORDS, JSON).
    keywords: dict[str, Action] = dict(DEFAULT_KEYWORDS)
    # How long the pharmacists' team has to answer a drug query before it is overdue.
    drug_query_sla_hours: float = 48.0
    drug_query_watch_s: float = 15.0  # how often the overdue queries are counted (metric)
    # The same variable identity reads: the limit for authors the feed has not heard of yet.
    sandbox_posts_per_hour: int = 5
    # The most policy inputs one report carries; a period with more is refused, not cut.
    policy_report_max: int = 5000
    # Where voice notes are kept: a local folder (the embedded default) or an S3 bucket.
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

"""A real S3-compatible server for tests: moto's, as a process of its own on a free port.

It checks every request's Signature Version 4 against the IAM keys it knows, as AWS does:
the first few requests (creating a user, its key and its policy) pass unsigned, every one
after must carry a good signature."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from kit.embedded import free_port
from kit.sigv4 import Credentials

REGION = "ap-south-1"
BUCKET = "voice-notes"
UNSIGNED_SETUP = ("create_user", "create_access_key", "put_user_policy", "create_role",
                  "put_role_policy")
ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:*", "sts:AssumeRole"], "Resource": "*"}]})
TRUST_ANYONE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    credentials: Credentials  # an IAM user's key, allowed s3:*
    role: str  # the ARN of a role the user may assume (temporary credentials)

    def client(self, service: str = "s3", credentials: Credentials | None = None) -> Any:
        key = credentials or self.credentials
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=key.access_key_id,
                            aws_secret_access_key=key.secret_access_key,
                            aws_session_token=key.session_token or None)

    def temporary_credentials(self) -> Credentials:
        given = self.client("sts").assume_role(
            RoleArn=self.role, RoleSessionName="feed")["Credentials"]
        return Credentials(given["AccessKeyId"], given["SecretAccessKey"],
                           given["SessionToken"])


@contextmanager
def running_s3(folder: Path) -> Iterator[S3Server]:
    """moto's server with an IAM user, a role and the bucket `voice-notes`, then stopped."""
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(len(UNSIGNED_SETUP))}
    with (folder / "moto.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                    "-p", str(port)], env=env, stdout=log, stderr=log,
                                   cwd=folder)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(endpoint, process)
        yield _set_up(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto's server exited at start (moto.log)")
        try:
            httpx.get(f"{endpoint}/moto-api/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError("moto's server did not start within 30 s")


def _set_up(endpoint: str) -> S3Server:
    anyone = Credentials("setup", "unsigned-setup")
    iam = S3Server(endpoint, anyone, "").client("iam")
    iam.create_user(UserName="feed")
    key = iam.create_access_key(UserName="feed")["AccessKey"]
    iam.put_user_policy(UserName="feed", PolicyName="s3",
                        PolicyDocument=ALLOW_S3)
    role = iam.create_role(RoleName="feed-media",
                           AssumeRolePolicyDocument=TRUST_ANYONE)["Role"]["Arn"]
    iam.put_role_policy(RoleName="feed-media", PolicyName="s3",
                        PolicyDocument=ALLOW_S3)
    server = S3Server(endpoint, Credentials(key["AccessKeyId"], key["SecretAccessKey"]), role)
    server.client().create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return server

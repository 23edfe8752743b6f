"""Messages every service answers."""

from pydantic import BaseModel


class HealthReply(BaseModel):
    service: str
    status: str = "ok"
    database: bool


class RebuildProjection(BaseModel):
    projection: str

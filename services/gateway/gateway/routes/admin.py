"""Operators' routes of the public API: read models rebuilt from the events."""

from fastapi import APIRouter
from starlette.responses import Response

from contracts.subjects import SERVICES, rebuild
from contracts.system.messages import RebuildProjection
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES, problem_response

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]


@router.post("/admin/projections/{service}/{projection}/rebuild", status_code=202,
             tags=["admin"])
async def rebuild_projection(service: str, projection: str, caller: CallerDep,
                             bus: BusDep) -> Response:
    """Drop a projection's read model and replay it from the events."""
    if service not in SERVICES:
        return problem_response(404, f"no service {service}", language=caller.language)
    return await bus.forward(rebuild(service), caller, RebuildProjection(projection=projection))

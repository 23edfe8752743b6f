"""Body limits by path pattern: every upload route's own limit (its `{name}` segments
matching one segment each), and the default everywhere else, its neighbours included."""

from contracts.assistance.messages import MAX_DOCUMENT_BYTES
from gateway.app import UPLOAD_BODY_LIMITS, create_app
from gateway.middleware import BodyLimits
from gateway.routes import assistance
from gateway.routing import flattened
from gateway.settings import GatewaySettings

DEFAULT = 256 * 1024
CASE = "6d1c0b3e-1111-4222-8333-444455556666"
LIMITS = BodyLimits(DEFAULT, UPLOAD_BODY_LIMITS)


def test_the_faith_document_route_takes_a_document_of_ten_mb() -> None:
    limit = LIMITS.of(f"/v1/assistance/applications/{CASE}/documents")
    assert limit == assistance.DOCUMENT_BODY_LIMIT > MAX_DOCUMENT_BYTES


def test_a_pattern_matches_one_whole_segment_and_nothing_around_it() -> None:
    for path in (f"/v1/assistance/applications/{CASE}/documents/{CASE}",  # a download
                 f"/v1/assistance/applications/{CASE}/x/documents",
                 f"/v1/assistance/applications/{CASE}/documentsX",
                 "/v1/assistance/applications//documents",
                 f"/v2/assistance/applications/{CASE}/documents",
                 f"/v1/assistance/applications/{CASE}/decision", "/v1/posts"):
        assert LIMITS.of(path) == DEFAULT, path


def test_exact_paths_and_recording_routes_keep_their_own_limits() -> None:
    assert LIMITS.of("/v1/media/voice-notes") == UPLOAD_BODY_LIMITS["/v1/media/voice-notes"]
    assert LIMITS.of(f"/v1/stories/{CASE}/media/parts/3") == \
        UPLOAD_BODY_LIMITS["/v1/stories/{story_id}/media/parts/{index}"]
    assert LIMITS.of(f"/v1/stories/{CASE}/media") == \
        UPLOAD_BODY_LIMITS["/v1/stories/{story_id}/media"]


def test_every_template_with_a_limit_is_a_route_of_the_api() -> None:
    routes = create_app(GatewaySettings()).router.routes[1:]  # the first: the route index
    paths = {getattr(route, "path", "") for route in flattened(routes)}
    assert set(UPLOAD_BODY_LIMITS) <= paths

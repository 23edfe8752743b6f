"""Government health schemes: search, filter by need and by state, and one scheme."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import fetch
from web.render import page

# The API's needs (GET /v1/schemes?need=) and the states and union territories, by the
# slug it filters on; their names are in the catalogues (`need.*`, `state.*`).
NEEDS = ("hospitalisation", "serious_illness", "medicines", "dialysis", "tuberculosis",
         "pregnancy", "child_health", "government_employees")
STATES = ("andhra-pradesh", "arunachal-pradesh", "assam", "bihar", "chhattisgarh", "goa",
          "gujarat", "haryana", "himachal-pradesh", "jharkhand", "karnataka", "kerala",
          "madhya-pradesh", "maharashtra", "manipur", "meghalaya", "mizoram", "nagaland",
          "odisha", "punjab", "rajasthan", "sikkim", "tamil-nadu", "telangana", "tripura",
          "uttar-pradesh", "uttarakhand", "west-bengal", "andaman-and-nicobar-islands",
          "chandigarh", "dadra-and-nagar-haveli-and-daman-and-diu", "delhi",
          "jammu-and-kashmir", "ladakh", "lakshadweep", "puducherry")


async def schemes(request: Request) -> Response:
    asked = request.query_params
    chosen = {"q": asked.get("q", "").strip()[:100],
              "state": asked.get("state", "") if asked.get("state") in STATES else "",
              "need": asked.get("need", "") if asked.get("need") in NEEDS else ""}
    params: dict[str, Any] = {k: v for k, v in chosen.items() if v}
    listed = await fetch(request, "/v1/schemes", params=params)
    return page(request, "schemes.html", schemes=listed["items"], chosen=chosen,
                needs=NEEDS, states=STATES)


async def scheme(request: Request) -> Response:
    item = await fetch(request, f"/v1/schemes/{request.path_params['scheme_id']}")
    return page(request, "scheme.html", scheme=item)


ROUTES = [
    Route("/schemes", schemes, methods=["GET"]),
    Route("/schemes/{scheme_id:uuid}", scheme, methods=["GET"]),
]

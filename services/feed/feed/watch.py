"""What operations watch in the feed: drug queries past the pharmacists' time to answer
(the metric behind the Grafana panel and the alert)."""

import asyncio
from datetime import UTC, datetime

from prometheus_client import Gauge

from feed.adapters import sql
from feed.deps import Deps
from kit.logging import get_logger

log = get_logger(__name__)

OVERDUE_DRUG_QUERIES = Gauge("pu_drug_queries_overdue",
                             "Drug queries open past the pharmacists' time to answer")
EVERY_S = 15.0


async def overdue_drug_queries(deps: Deps, every: float = EVERY_S) -> None:
    """Count the overdue queries now and then, for as long as the service runs."""
    while True:
        try:
            async with deps.db.connect() as conn:
                OVERDUE_DRUG_QUERIES.set(await sql.overdue_drug_queries(
                    conn, datetime.now(UTC) - deps.drug_query_sla))
        except Exception as error:  # the database is away: the next round counts again
            log.warning("drug_query_watch_failed", error=type(error).__name__)
        await asyncio.sleep(every)

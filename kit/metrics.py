"""Prometheus metrics. Names here are the ones the Grafana dashboards use."""

from prometheus_client import Counter, Gauge, Histogram, start_http_server

RPC_REQUESTS = Counter("pu_rpc_requests_total", "Request/reply calls handled",
                       ["service", "subject", "status"])
RPC_SECONDS = Histogram("pu_rpc_duration_seconds", "Time to handle a request",
                        ["service", "subject"])
RPC_OVERSIZE = Counter("pu_rpc_oversize_replies_total",
                       "Replies too large for a NATS message (answered with a problem)",
                       ["service", "subject"])
EVENTS_APPENDED = Counter("pu_events_appended_total", "Events appended to the event store",
                          ["service", "event_type"])
OUTBOX_PUBLISHED = Counter("pu_outbox_published_total", "Events the relay published",
                           ["service"])
OUTBOX_FAILURES = Counter("pu_outbox_failures_total", "Relay rounds that failed", ["service"])
OUTBOX_PENDING = Gauge("pu_outbox_pending", "Events waiting in the outbox", ["service"])
OUTBOX_LEADER = Gauge("pu_outbox_leader",
                      "1 while this process's relay publishes its service's outbox (one "
                      "replica at a time), 0 while it stands by", ["service"])
PROJECTION_EVENTS = Counter("pu_projection_events_total", "Events handled by projections",
                            ["projection", "outcome"])
PROJECTION_LAG = Gauge("pu_projection_checkpoint", "Last stream sequence a projection handled",
                       ["projection", "stream"])
HTTP_REQUESTS = Counter("pu_http_requests_total", "Gateway HTTP requests",
                        ["method", "route", "status"])
HTTP_SECONDS = Histogram("pu_http_request_duration_seconds", "Gateway request latency",
                         ["method", "route"])


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Expose /metrics on host:port (port 0: do not)."""
    if port:
        start_http_server(port, addr=host)

"""The Grafana dashboards (deploy/grafana/*.json) and the PrometheusRule that carries the
alert rules into the cluster (deploy/k8s/base/prometheus-rules.yaml), written from code:

    make dashboards                           # rewrite them
    .venv/bin/python deploy/dashboards.py --check  # exit 1 if one is out of date

The overview (platform.json), the gateway's and one dashboard per service. Every metric
they query is one the services export: tests/unit/test_dashboards.py checks each name
against the registry. deploy/prometheus/alerts.yml stays the rules' source, the file
`promtool check rules` reads.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parent
GRAFANA = DEPLOY / "grafana"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
RULE = DEPLOY / "k8s" / "base" / "prometheus-rules.yaml"

# Every service of the platform (a dashboard each); feed-worker is on the feed's.
SERVICES = ("identity", "feed", "ratings", "pharmacovigilance", "voices", "surveys",
            "assistance")


@dataclass(frozen=True)
class Panel:
    title: str
    exprs: tuple[tuple[str, str], ...]  # (PromQL, legend)
    kind: str = "timeseries"
    unit: str = ""


def panel(title: str, *exprs: str | tuple[str, str], kind: str = "timeseries",
          unit: str = "") -> Panel:
    pairs = tuple(e if isinstance(e, tuple) else (e, "") for e in exprs)
    return Panel(title, pairs, kind, unit)


def dashboard(uid: str, title: str, panels: list[Panel], tags: list[str]) -> dict[str, Any]:
    laid_out = []
    for i, p in enumerate(panels):
        laid_out.append({
            "id": i + 1,
            "type": p.kind,
            "title": p.title,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"x": 12 * (i % 2), "y": 8 * (i // 2), "w": 12, "h": 8},
            **({"fieldConfig": {"defaults": {"unit": p.unit}, "overrides": []}}
               if p.unit else {}),
            "targets": [{"refId": chr(ord("A") + j), "expr": expr,
                         **({"legendFormat": legend} if legend else {})}
                        for j, (expr, legend) in enumerate(p.exprs)],
        })
    return {
        "title": title,
        "uid": uid,
        "tags": ["patients-union", *tags],
        "schemaVersion": 39,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource",
                                 "query": "prometheus", "label": "Prometheus"}]},
        "panels": laid_out,
    }


def overview() -> dict[str, Any]:
    return dashboard("pu-platform", "Patients' Union — platform", [
        panel("Gateway requests by status",
              ("sum by (status) (rate(pu_http_requests_total[1m]))", "{{status}}"),
              unit="reqps"),
        panel("Gateway latency p95 by route",
              ("histogram_quantile(0.95, sum by (le, route) "
               "(rate(pu_http_request_duration_seconds_bucket[5m])))", "{{route}}"), unit="s"),
        panel("Gateway 5xx share and p99 latency",
              ("sum(rate(pu_http_requests_total{status=~\"5..\"}[5m])) "
               "/ sum(rate(pu_http_requests_total[5m]))", "5xx share"),
              ("histogram_quantile(0.99, sum by (le) "
               "(rate(pu_http_request_duration_seconds_bucket[5m])))", "p99 (s)")),
        panel("Service requests by subject and status",
              ("sum by (subject, status) (rate(pu_rpc_requests_total[1m]))",
               "{{subject}} {{status}}"), unit="reqps"),
        panel("Service handling time p95",
              ("histogram_quantile(0.95, sum by (le, subject) "
               "(rate(pu_rpc_duration_seconds_bucket[5m])))", "{{subject}}"), unit="s"),
        panel("Events appended and published",
              ("sum by (service) (rate(pu_events_appended_total[1m]))", "appended {{service}}"),
              ("sum by (service) (rate(pu_outbox_published_total[1m]))",
               "published {{service}}")),
        panel("Outbox waiting / relay failures",
              ("sum by (service) (pu_outbox_pending)", "waiting {{service}}"),
              ("sum by (service) (increase(pu_outbox_failures_total[15m]))",
               "failures {{service}}"), kind="stat"),
        panel("Projection events by outcome",
              ("sum by (projection, outcome) (rate(pu_projection_events_total[1m]))",
               "{{projection}} {{outcome}}")),
        panel("Projection checkpoints",
              ("max by (projection, stream) (pu_projection_checkpoint)",
               "{{projection}} {{stream}}")),
        panel("Group commit: commands per transaction (p50, p95)",
              ("histogram_quantile(0.5, sum by (le) (rate(pu_group_commit_commands_bucket[5m])))",
               "p50"),
              ("histogram_quantile(0.95, sum by (le) "
               "(rate(pu_group_commit_commands_bucket[5m])))", "p95"),
              ("sum(rate(pu_group_commit_splits_total[5m]))", "groups split")),
        *regulator_panels(),
        panel("Drug queries past the pharmacists' time to answer",
              ("max(pu_drug_queries_overdue)", "overdue"), kind="stat"),
    ], ["overview"])


def regulator_panels() -> list[Panel]:
    return [
        panel("Regulator relay queue by state / oldest wait (s)",
              ("max by (state) (pu_regulator_queue)", "{{state}}"),
              ("max(pu_regulator_oldest_pending_seconds)", "oldest wait (s)")),
        panel("Regulator sends by outcome / acknowledgements by code",
              ("sum by (outcome) (rate(pu_regulator_sends_total[5m]))", "{{outcome}}"),
              ("sum by (code) (increase(pu_regulator_acknowledgements_total[1h]))",
               "ack {{code}}")),
        panel("Regulator relay: leading / seconds since its last pass / restarts",
              ("max(pu_regulator_relay_leading)", "leading"),
              ("time() - max(pu_regulator_relay_heartbeat_seconds)", "since last pass (s)"),
              ("sum(increase(pu_regulator_relay_errors_total[15m]))", "restarts")),
    ]


def service_dashboard(service: str) -> dict[str, Any]:
    # The feed worker's projections are the feed's (their durables are feed-<name>).
    own = f'service="{service}"'
    projections = f'projection=~"{service}-.+"'
    panels = [
        panel("Requests by operation and status",
              (f"sum by (subject, status) (rate(pu_rpc_requests_total{{{own}}}[1m]))",
               "{{subject}} {{status}}"), unit="reqps"),
        panel("Handling time p50 / p99",
              (f"histogram_quantile(0.5, sum by (le) "
               f"(rate(pu_rpc_duration_seconds_bucket{{{own}}}[5m])))", "p50"),
              (f"histogram_quantile(0.99, sum by (le) "
               f"(rate(pu_rpc_duration_seconds_bucket{{{own}}}[5m])))", "p99"), unit="s"),
        panel("Handling time p95 by operation",
              (f"histogram_quantile(0.95, sum by (le, subject) "
               f"(rate(pu_rpc_duration_seconds_bucket{{{own}}}[5m])))", "{{subject}}"),
              unit="s"),
        panel("Replies too large for NATS",
              (f"sum by (subject) (increase(pu_rpc_oversize_replies_total{{{own}}}[1h]))",
               "{{subject}}")),
        panel("Events appended by type",
              (f"sum by (event_type) (rate(pu_events_appended_total{{{own}}}[1m]))",
               "{{event_type}}")),
        panel("Outbox: published / waiting / failed rounds",
              (f"sum(rate(pu_outbox_published_total{{{own}}}[1m]))", "published /s"),
              (f"max(pu_outbox_pending{{{own}}})", "waiting"),
              (f"sum(increase(pu_outbox_failures_total{{{own}}}[15m]))", "failed rounds")),
        panel("Projections: events by outcome",
              (f"sum by (projection, outcome) "
               f"(rate(pu_projection_events_total{{{projections}}}[1m]))",
               "{{projection}} {{outcome}}")),
        panel("Projections: checkpoints",
              (f"max by (projection, stream) (pu_projection_checkpoint{{{projections}}})",
               "{{projection}} {{stream}}")),
    ]
    if service == "pharmacovigilance":
        panels += regulator_panels()
    if service == "feed":
        panels.append(panel("Drug queries past the pharmacists' time to answer",
                            ("max(pu_drug_queries_overdue)", "overdue"), kind="stat"))
    return dashboard(f"pu-{service}", f"Patients' Union — {service}", panels, [service])


def gateway_dashboard() -> dict[str, Any]:
    """The edge: what clients see, by route."""
    return dashboard("pu-gateway", "Patients' Union — gateway", [
        panel("Requests by route and status",
              ("sum by (route, status) (rate(pu_http_requests_total[1m]))",
               "{{route}} {{status}}"), unit="reqps"),
        panel("5xx by route",
              ("sum by (route, status) (rate(pu_http_requests_total{status=~\"5..\"}[5m]))",
               "{{route}} {{status}}"), unit="reqps"),
        panel("Latency p50 / p99",
              ("histogram_quantile(0.5, sum by (le) "
               "(rate(pu_http_request_duration_seconds_bucket[5m])))", "p50"),
              ("histogram_quantile(0.99, sum by (le) "
               "(rate(pu_http_request_duration_seconds_bucket[5m])))", "p99"), unit="s"),
        panel("Latency p99 by route",
              ("histogram_quantile(0.99, sum by (le, method, route) "
               "(rate(pu_http_request_duration_seconds_bucket[5m])))", "{{method}} {{route}}"),
              unit="s"),
        panel("Refused at the edge (4xx) by status",
              ("sum by (status) (rate(pu_http_requests_total{status=~\"4..\"}[5m]))",
               "{{status}}"), unit="reqps"),
        panel("Requests by method",
              ("sum by (method) (rate(pu_http_requests_total[1m]))", "{{method}}"),
              unit="reqps"),
    ], ["gateway"])


def prometheus_rule() -> dict[str, Any]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": {"name": "patients-union",
                         "labels": {"app.kubernetes.io/part-of": "patients-union"}},
            "spec": {"groups": groups}}


def files() -> dict[Path, str]:
    out = {GRAFANA / "platform.json": overview()}
    out[GRAFANA / "gateway.json"] = gateway_dashboard()
    out |= {GRAFANA / f"{s}.json": service_dashboard(s) for s in SERVICES}
    texts = {path: json.dumps(d, indent=2, ensure_ascii=False) + "\n" for path, d in out.items()}
    # The expressions, folded in alerts.yml, are one line each here.
    texts[RULE] = ("# Generated by deploy/dashboards.py from deploy/prometheus/alerts.yml.\n"
                   "# yamllint disable rule:line-length\n---\n"
                   + yaml.safe_dump(prometheus_rule(), sort_keys=False, width=100))
    return texts


def main(argv: list[str]) -> int:
    stale = []
    for path, text in files().items():
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print("out of date (make dashboards):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

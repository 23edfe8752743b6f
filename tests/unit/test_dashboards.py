"""Grafana dashboards and Prometheus alerts query only metrics the services really export
(or, named below, the exporters deployed with them), and are what deploy/dashboards.py
writes."""

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import yaml
from prometheus_client import REGISTRY

import feed.watch  # noqa: F401 - the feed's drug-query watch
import kit.metrics  # noqa: F401 - registers the platform's metrics
import pharmacovigilance.metrics  # noqa: F401 - and the relay to the regulator's

DEPLOY = Path(__file__).parents[2] / "deploy"
DASHBOARDS = DEPLOY / "grafana"
SERIES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
# What the alerts may use from outside the platform: kube-state-metrics (the Deployments'
# replicas) and the NATS chart's Prometheus exporter (JetStream consumers, deploy/nats).
EXTERNAL = {"kube_deployment_status_replicas_available", "kube_deployment_spec_replicas",
            "jetstream_consumer_num_pending"}
EXTERNAL_NAME = re.compile(r"\b(?:kube|jetstream)_[a-z_]+")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dashboards", DEPLOY / "dashboards.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def alert_rules() -> list[dict]:
    return [rule for path in (DEPLOY / "prometheus").glob("*.yml")
            for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def exported() -> set[str]:
    """The series names Prometheus scrapes, labelled children or not."""
    return {family.name + suffix for family in REGISTRY.collect()
            for suffix in SERIES.get(family.type, ("",))}


def test_every_dashboard_metric_is_exported() -> None:
    known = exported()
    dashboards = list(DASHBOARDS.glob("*.json"))
    assert dashboards
    for path in dashboards:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                for name in re.findall(r"\bpu_[a-z_]+", target["expr"]):
                    assert name in known, (
                        f"{path.name}: {panel['title']}: {name} is not exported")


def test_every_alert_names_exported_metrics_and_says_what_is_wrong() -> None:
    known = exported()
    rules = alert_rules()
    assert {"RegulatorRelayStalled", "RegulatorRelayLeaderless"} <= {r["alert"] for r in rules}
    for rule in rules:
        assert rule["annotations"]["summary"] and rule["labels"]["severity"]
        names = re.findall(r"\bpu_[a-z_]+", rule["expr"])
        outside = EXTERNAL_NAME.findall(rule["expr"])
        assert names or outside, rule["alert"]
        for name in names:
            assert name in known, f"{rule['alert']}: {name} is not exported"
        for name in outside:
            assert name in EXTERNAL, f"{rule['alert']}: {name} is no exporter's we deploy"


def test_the_alerts_cover_what_operations_must_act_on() -> None:
    """Issue 15's list, each by what its expression watches."""
    exprs = {rule["alert"]: " ".join(rule["expr"].split()) for rule in alert_rules()}
    watched = {
        "outbox lag": "pu_outbox_pending",
        "projection lag": "jetstream_consumer_num_pending",
        "dead letters": 'outcome="dead_lettered"',
        "regulator queue age": "pu_regulator_oldest_pending_seconds",
        "regulator rejections": 'code="CR"',
        "drug-query SLA": "pu_drug_queries_overdue",
        "5xx rate": 'pu_http_requests_total{status=~"5.."}',
        "p99 latency": "histogram_quantile(0.99, sum by (le) (rate(pu_http_request_duration",
        "no ready replica": "kube_deployment_status_replicas_available",
    }
    for concern, fragment in watched.items():
        assert any(fragment in expr for expr in exprs.values()), f"no alert on {concern}"


def test_the_dashboards_and_the_prometheus_rule_are_generated_and_current() -> None:
    module = generator()
    written = module.files()
    for path, text in written.items():
        assert path.read_text() == text, f"{path.name} is out of date: make dashboards"
    # One per service of the platform, and the overview.
    from contracts.subjects import CONTEXTS
    assert {f"{c}.json" for c in CONTEXTS} | {"platform.json"} <= {
        p.name for p in written if p.suffix == ".json"}
    assert set(DASHBOARDS.glob("*.json")) <= set(written), "a dashboard not written by code"
    # The PrometheusRule carries alerts.yml's groups unchanged.
    rule = yaml.safe_load(module.RULE.read_text())
    assert rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == yaml.safe_load(module.ALERTS.read_text())["groups"]


def test_a_service_dashboard_queries_only_that_service() -> None:
    board = generator().service_dashboard("ratings")
    exprs = [t["expr"] for p in board["panels"] for t in p["targets"]]
    assert exprs and all('service="ratings"' in e or 'projection=~"ratings-.+"' in e
                         for e in exprs)

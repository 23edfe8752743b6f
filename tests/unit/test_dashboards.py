"""Grafana dashboards and Prometheus alerts query only metrics the services really export."""

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import feed.watch  # noqa: F401 - the feed's drug-query watch
import kit.metrics  # noqa: F401 - registers the platform's metrics
import pharmacovigilance.metrics  # noqa: F401 - and the relay to the regulator's

DEPLOY = Path(__file__).parents[2] / "deploy"
DASHBOARDS = DEPLOY / "grafana"
SERIES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


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
    rules = [rule for path in (DEPLOY / "prometheus").glob("*.yml")
             for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]
    assert {"RegulatorRelayStalled", "RegulatorRelayLeaderless"} <= {r["alert"] for r in rules}
    for rule in rules:
        assert rule["annotations"]["summary"] and rule["labels"]["severity"]
        names = re.findall(r"\bpu_[a-z_]+", rule["expr"])
        assert names, rule["alert"]
        for name in names:
            assert name in known, f"{rule['alert']}: {name} is not exported"

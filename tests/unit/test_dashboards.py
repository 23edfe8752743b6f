"""Grafana dashboards query only metrics the services really export."""

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import kit.metrics  # noqa: F401 - registers the platform's metrics
import pharmacovigilance.metrics  # noqa: F401 - and the relay to the regulator's

DASHBOARDS = Path(__file__).parents[2] / "deploy" / "grafana"
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

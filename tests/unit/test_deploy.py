"""The production manifests, checked offline: the image's Dockerfile, the kustomize overlays
(built, and validated against the Kubernetes API's schemas), the alert rules (promtool),
every YAML file (yamllint), and what the manifests must say (deploy/k8s/README.md).

A check whose tool is absent is skipped and says which tool: kubectl (Debian's
kubernetes-client), promtool (Debian's prometheus), hadolint, kubernetes-validate and
yamllint (the dev extra).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from contracts.subjects import SERVICES
from kit import bus
from kit.settings import ServiceSettings
from stack.processes import PROCESSES

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
OVERLAYS = ("dev", "prod")
# Custom resources: no schema in kubernetes-validate, so these may only warn.
CUSTOM = {"ServiceMonitor", "PodMonitor", "PrometheusRule", "HTTPRoute", "ScaledObject",
          "Cluster", "ScheduledBackup"}
LANDING = {"surveys", "assistance"}  # processes landing from other branches today


def tool(name: str) -> str:
    """The tool's path, in the venv or on PATH; skips the test without it."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@cache
def built(overlay: str) -> str:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed (Debian: kubernetes-client)")
    result = subprocess.run([kubectl, "kustomize", str(K8S / "overlays" / overlay)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def objects(overlay: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(built(overlay)) if d]


def of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in objects(overlay) if d["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


# -- the image ------------------------------------------------------------------------------

def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined), by stage."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    out: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            out.append([])
        assert out, "an instruction before the first FROM"
        out[-1].append(line)
    return out


def test_the_dockerfile_builds_in_stages_and_runs_as_a_user_of_its_own() -> None:
    build, *_, final = stages()
    assert len(stages()) >= 2, "multi-stage"
    assert all(s[0].split()[1] == "python:3.11-slim" for s in stages())
    # The lock file pins what is installed, in the build stage.
    assert any(re.search(r"pip install .*(-r|-c|--constraint|--requirement) requirements\.lock",
                         line) for line in build)
    # The final stage takes the built environment and no compiler.
    assert any(line.startswith("COPY --from=build") for line in final)
    assert not any(re.search(r"apt-get install|build-essential|gcc", line) for line in final)
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users, "no USER in the final stage"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0, "a numeric, non-root user (runAsNonRoot checks it)"
    assert any(line.startswith("CMD ") for line in final)


def test_the_image_leaves_out_what_it_does_not_run() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", "deploy", ".data"} <= set(ignored)


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = subprocess.run([tool("hadolint"), str(ROOT / "Dockerfile")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# -- generated files ------------------------------------------------------------------------

def test_the_generated_manifests_and_nats_values_are_current() -> None:
    generator = load(K8S / "generate.py", "deploy_k8s_generate")
    for path, text in generator.files().items():
        assert path.read_text() == text, (
            f"{path.relative_to(ROOT)} is out of date: run deploy/k8s/generate.py")


# -- the overlays build and validate --------------------------------------------------------

@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubectl_kustomize_builds_the_overlay(overlay: str) -> None:
    kinds = {d["kind"] for d in objects(overlay)}
    assert {"Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap",
            "HTTPRoute", "ServiceMonitor", "HorizontalPodAutoscaler", "ScaledObject",
            "Cluster", "ScheduledBackup", "PodMonitor", "PrometheusRule"} <= kinds
    assert {d["metadata"].get("namespace") for d in objects(overlay)
            if d["kind"] != "Namespace"} == {"patients-union"}


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("kubernetes-validate"), "--strict", "--quiet", str(path)],
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_built_object_validates_strictly(overlay: str, tmp_path: Path) -> None:
    manifest = tmp_path / f"{overlay}.yaml"
    manifest.write_text(built(overlay))
    result = validate(manifest)
    output = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 0, "\n".join(output)
    for line in output:
        found = re.search(r"Couldn't find schema for kind (\w+)", line)
        assert found and found.group(1) in CUSTOM, line


def test_validation_would_refuse_a_wrong_object(tmp_path: Path) -> None:
    """The check above can fail: an unknown field of a Deployment is an error."""
    deployment = of_kind("prod", "Deployment")["gateway"]
    container(deployment)["livenessProbes"] = container(deployment).pop("livenessProbe")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump(deployment))
    assert validate(wrong).returncode != 0


# -- what the manifests say -----------------------------------------------------------------

def expected_processes() -> set[str]:
    return {"gateway", "web", *PROCESSES, *LANDING}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_runs_hardened_with_probes_limits_a_budget_and_spread(
        overlay: str) -> None:
    deployments = of_kind(overlay, "Deployment")
    assert set(deployments) == expected_processes()
    budgets = of_kind(overlay, "PodDisruptionBudget")
    services = of_kind(overlay, "Service")
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        c = container(deployment)
        module = {"gateway": "gateway", "web": "web", **PROCESSES}.get(name, name)
        assert c["command"] == ["python", "-m", module], name
        assert c["image"].startswith("registry.patients-union.example/platform:"), name
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert probe in c, f"{name}: {probe}"
        assert set(c["resources"]) == {"requests", "limits"}, name
        assert {"cpu", "memory"} <= set(c["resources"]["requests"]), name
        assert {"cpu", "memory"} <= set(c["resources"]["limits"]), name
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert c["securityContext"] == {"allowPrivilegeEscalation": False,
                                        "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                                        "capabilities": {"drop": ["ALL"]}}, name
        tmp = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        assert any(m["mountPath"] == "/tmp" and m["name"] in tmp
                   for m in c["volumeMounts"]), name
        assert pod["topologySpreadConstraints"], name
        assert budgets[name]["spec"]["selector"] == deployment["spec"]["selector"]
        # A Service with named ports that reach the container's.
        ports = {p["name"] for p in c["ports"]}
        assert services[name]["spec"]["ports"]
        assert all(p["name"] and p["targetPort"] in ports
                   for p in services[name]["spec"]["ports"]), name


def test_the_probes_check_what_the_stack_waits_for() -> None:
    deployments = of_kind("prod", "Deployment")
    gateway = container(deployments["gateway"])
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/ready"  # as stack.wait_ready
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/health"
    config = {d["metadata"]["name"].rsplit("-", 1)[0]: d["data"]
              for d in objects("prod") if d["kind"] == "ConfigMap"}
    port = config["platform"]["METRICS_PORT"]
    for name in {*PROCESSES, *LANDING}:
        check = " ".join(container(deployments[name])["livenessProbe"]["exec"]["command"])
        assert f"127.0.0.1:{port}/metrics" in check, name


SECRET_NAME = re.compile(
    r"(PASSWORD|SECRET_ACCESS_KEY|PRIVATE_KEY|MASTER_KEY|SIGNING_KEY|SESSION_TOKEN)$")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_written(overlay: str) -> None:
    everything = objects(overlay)
    assert not [d for d in everything if d["kind"] == "Secret"], "a Secret's values in the repo"
    for config in (d for d in everything if d["kind"] == "ConfigMap"):
        for key in config["data"]:
            assert not SECRET_NAME.search(key), f"{config['metadata']['name']}: {key}"
            assert key not in {"DATABASE_URL", "NATS_URL"}
    for name, deployment in of_kind(overlay, "Deployment").items():
        env = {e["name"]: e for e in container(deployment).get("env", [])}
        for variable, entry in env.items():
            if SECRET_NAME.search(variable) or variable in {"DB_USER", "DB_PASSWORD"}:
                assert "secretKeyRef" in entry.get("valueFrom", {}), f"{name}: {variable}"
        # URLs with credentials are composed from the references, in the pod.
        for variable in ("DATABASE_URL", "NATS_URL"):
            if variable in env:
                assert "$(" in env[variable]["value"], f"{name}: {variable}"
    web = container(of_kind(overlay, "Deployment")["web"])
    # A client of the gateway: none of the platform's secrets, only its NATS account and
    # the key of its sessions.
    assert {e["name"] for e in web["env"]} == {"NATS_USER", "NATS_PASSWORD", "NATS_URL",
                                               "WEB_SESSION_KEY"}
    assert [ref["configMapRef"]["name"].split("-")[0] for ref in web["envFrom"]] == ["web"]


def test_each_service_connects_to_postgres_as_the_role_the_cluster_manages() -> None:
    cluster = of_kind("prod", "Cluster")["pu-postgres"]["spec"]
    assert cluster["instances"] == 3
    roles = {r["name"]: r["passwordSecret"]["name"] for r in cluster["managed"]["roles"]}
    for name, deployment in of_kind("prod", "Deployment").items():
        env = {e["name"]: e for e in container(deployment).get("env", [])}
        if name in {"gateway", "web"}:
            assert "DATABASE_URL" not in env
            continue
        secret = env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"]
        assert secret in roles.values(), name
        assert "@pu-postgres-rw:5432/" in env["DATABASE_URL"]["value"]
    assert cluster["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
    backup = of_kind("prod", "ScheduledBackup")["pu-postgres-nightly"]
    assert backup["spec"]["cluster"]["name"] == "pu-postgres"


def test_network_policies_deny_by_default_and_open_only_the_edge_nats_and_postgres() -> None:
    policies = of_kind("prod", "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert not deny.get("ingress") and not deny.get("egress")
    edge = "gateway-system"
    from_edge = {p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                 for p in policies.values()
                 for rule in p["spec"].get("ingress", [])
                 for peer in rule.get("from", [])
                 if peer.get("namespaceSelector", {}).get("matchLabels", {}).get(
                     "kubernetes.io/metadata.name") == edge}
    assert from_edge == {"gateway", "web"}
    # Egress: DNS, NATS, PostgreSQL, the gateway (from the web app), 443 outside for the
    # feed's store and the regulator, and the PostgreSQL instances' own.
    ports = {port["port"] for p in policies.values() for rule in p["spec"].get("egress", [])
             for port in rule.get("ports", [])}
    assert ports <= {53, 4222, 5432, 8000, 443, 6443}


def test_prometheus_scrapes_every_metrics_endpoint() -> None:
    monitors = of_kind("prod", "ServiceMonitor")
    services = of_kind("prod", "Service")
    assert set(monitors) == expected_processes() - {"web"}  # the web app exports none
    for name, monitor in monitors.items():
        ports = {p["name"] for p in services[name]["spec"]["ports"]}
        assert all(e["port"] in ports and e["path"] == "/metrics"
                   for e in monitor["spec"]["endpoints"]), name


def test_the_edge_routes_reach_only_the_gateway_and_the_web_app() -> None:
    routes = of_kind("prod", "HTTPRoute")
    backends = {ref["name"] for route in routes.values() for rule in route["spec"]["rules"]
                for ref in rule["backendRefs"]}
    assert backends == {"gateway", "web"}
    api = {m["path"]["value"] for rule in routes["api"]["spec"]["rules"]
           for m in rule["matches"]}
    assert "/v1" in api
    assert not any("/metrics".startswith(path) or path == "/" for path in api), (
        "the gateway's /metrics reachable from the edge")


def test_the_gateway_scales_on_cpu_and_the_feed_worker_on_its_consumers_lag() -> None:
    hpa = of_kind("prod", "HorizontalPodAutoscaler")["gateway"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "gateway"
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    keda = of_kind("prod", "ScaledObject")["feed-worker"]["spec"]
    assert keda["scaleTargetRef"]["name"] == "feed-worker"
    consumers = {(t["metadata"]["stream"], t["metadata"]["consumer"]) for t in keda["triggers"]}
    assert {t["type"] for t in keda["triggers"]} == {"nats-jetstream"}
    assert ("PU_FEED", "feed-worker-projections") in consumers
    assert ("PU_IDENTITY", "feed-worker-projections") in consumers


# -- NATS: the streams' replicas, one setting -----------------------------------------------

def test_streams_are_declared_with_the_replicas_the_setting_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NATS_STREAM_REPLICAS", raising=False)
    assert ServiceSettings().nats_stream_replicas == 1  # the embedded server's
    monkeypatch.setenv("NATS_STREAM_REPLICAS", "3")
    replicas = ServiceSettings().nats_stream_replicas
    assert replicas == 3
    assert bus._config("PU_FEED", ["feed.*.*"], replicas).num_replicas == 3
    monkeypatch.setenv("NATS_STREAM_REPLICAS", "0")
    with pytest.raises(ValueError, match="nats_stream_replicas"):
        ServiceSettings()


def test_the_overlays_set_the_replicas_for_their_nats() -> None:
    for overlay, replicas in (("dev", "1"), ("prod", "3")):
        platform = next(d for d in objects(overlay) if d["kind"] == "ConfigMap"
                        and d["metadata"]["name"].startswith("platform-"))
        assert platform["data"]["NATS_STREAM_REPLICAS"] == replicas, overlay
        web = next(d for d in objects(overlay) if d["kind"] == "ConfigMap"
                   and d["metadata"]["name"].startswith("web-"))
        assert web["data"]["NATS_STREAM_REPLICAS"] == replicas, overlay  # its sessions' bucket
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text())
    assert values["config"]["cluster"] == {"enabled": True, "replicas": 3}


def test_the_nats_values_give_a_jetstream_cluster_its_users_and_an_exporter() -> None:
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text())
    jetstream = values["config"]["jetstream"]
    assert jetstream["enabled"] and jetstream["fileStore"]["pvc"]["enabled"]
    assert values["config"]["monitor"]["enabled"] and values["promExporter"]["enabled"]
    users = {u["user"]: u for u in values["config"]["merge"]["authorization"]["users"]}
    assert {*SERVICES, *LANDING, bus.GATEWAY, bus.WEB, bus.OPERATOR} <= set(users)
    for name, user in users.items():
        assert user["permissions"] == bus.permissions(name)
        variable = re.fullmatch(r"<< \$(\w+) >>", user["password"])
        assert variable, f"{name}: a password written into the values"
        ref = values["container"]["env"][variable.group(1)]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "nats-users", "key": name}


# -- rules and YAML -------------------------------------------------------------------------

def test_promtool_checks_the_alert_rules(tmp_path: Path) -> None:
    promtool = tool("promtool")
    rule = yaml.safe_load((K8S / "base" / "prometheus-rules.yaml").read_text())
    wrapped = tmp_path / "from-prometheus-rule.yml"
    wrapped.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    for path in [*sorted((DEPLOY / "prometheus").glob("*.yml")), wrapped]:
        result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_passes_on_every_yaml_file() -> None:
    yamllint = tool("yamllint")
    result = subprocess.run([yamllint, "-c", str(DEPLOY / "yamllint.yml"), "-f", "parsable",
                             "--strict", "."], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout + result.stderr

"""Writes the repetitive manifests of deploy/k8s/base and the NATS chart's values from the
platform's own tables: the processes (stack.processes.PROCESSES, plus the gateway and the
web app), the NATS accounts and their permissions (kit.bus.permissions) and the feed
worker's projections (their durable consumers, for KEDA).

    .venv/bin/python deploy/k8s/generate.py          # rewrite the files
    .venv/bin/python deploy/k8s/generate.py --check  # exit 1 if a file is out of date

tests/unit/test_deploy.py runs the check: a process added to the table without its
manifests fails the suite. Hand-written: base/kustomization.yaml, base/config/, base/routes.yaml,
base/postgres/ and the overlays.
"""

from __future__ import annotations

import base64
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
NATS_VALUES = ROOT / "deploy" / "nats" / "values.yaml"

NAMESPACE = "patients-union"
IMAGE = "patients-union"  # kustomize's images: in the overlays give its registry and tag
PART_OF = "patients-union"
METRICS_PORT = 9100  # METRICS_PORT in base/config/platform.env
NATS_HOST = "nats.nats.svc.cluster.local"
PG_CLUSTER = "pu-postgres"
DATABASE = "patients_union"
EDGE_NAMESPACE = "gateway-system"  # where the Gateway API implementation's proxies run
MONITORING_NAMESPACE = "monitoring"
UID = 10001  # the Dockerfile's user

# Processes that land from other branches today (their service folders are not on this
# branch yet): their Deployments are here already, with the defaults every service has.
LANDING = {"surveys": "surveys", "assistance": "assistance"}


@dataclass(frozen=True)
class Process:
    name: str
    module: str
    component: str  # gateway, web, service or worker
    database_role: str = ""  # the PostgreSQL role (and schema) it connects as
    personal_data: bool = True  # needs PERSONAL_DATA_MASTER_KEY
    config: tuple[str, ...] = ()  # ConfigMaps of its own (base/config/<name>.env)
    secrets: tuple[tuple[str, str, str], ...] = ()  # (variable, Secret, key)
    egress_https: bool = False  # reaches a store or the regulator outside the cluster
    requests: dict[str, str] = field(default_factory=lambda: {"cpu": "200m",
                                                               "memory": "256Mi"})
    limits: dict[str, str] = field(default_factory=lambda: {"cpu": "1", "memory": "512Mi"})

    @property
    def nats_user(self) -> str:
        return self.name

    @property
    def http_port(self) -> int:
        return {"gateway": 8000, "web": 8080}.get(self.component, 0)


# The media store (kit.media_s3): the feed's voice notes, the voices' recordings and the
# FAITH documents, in one private bucket (base/config/media.env) with one key pair.
MEDIA_SECRETS = (("S3_ACCESS_KEY_ID", "media-s3", "access-key-id"),
                 ("S3_SECRET_ACCESS_KEY", "media-s3", "secret-access-key"))


def processes() -> list[Process]:
    from stack.processes import PROCESSES

    special = {
        "identity": Process("identity", "identity", "service", "identity",
                            config=("identity",),
                            secrets=(("JWT_PRIVATE_KEY", "identity-keys", "jwt-private-key"),
                                     ("ADMIN_PASSWORD", "identity-keys", "admin-password")),
                            # Argon2 hashing (HASHING_THREADS of them) needs the memory.
                            requests={"cpu": "500m", "memory": "512Mi"},
                            limits={"cpu": "2", "memory": "1Gi"}),
        "feed": Process("feed", "feed", "service", "feed", config=("feed", "media"),
                        secrets=MEDIA_SECRETS, egress_https=True),
        "feed-worker": Process("feed-worker", "feed.worker", "worker", "feed",
                               requests={"cpu": "250m", "memory": "384Mi"},
                               limits={"cpu": "1", "memory": "768Mi"}),
        "pharmacovigilance": Process("pharmacovigilance", "pharmacovigilance", "service",
                                     "pharmacovigilance", config=("pharmacovigilance",),
                                     egress_https=True),
        "voices": Process("voices", "voices", "service", "voices", personal_data=False,
                          config=("media",), secrets=MEDIA_SECRETS, egress_https=True),
        "assistance": Process("assistance", "assistance", "service", "assistance",
                              config=("media",), secrets=MEDIA_SECRETS, egress_https=True),
    }
    table = {**PROCESSES, **{k: v for k, v in LANDING.items() if k not in PROCESSES}}
    found = [special.get(name) or Process(name, module, "service", name)
             for name, module in table.items()]
    return [
        Process("gateway", "gateway", "gateway", personal_data=False,
                requests={"cpu": "250m", "memory": "256Mi"},
                limits={"cpu": "1", "memory": "512Mi"}),
        Process("web", "web", "web", personal_data=False, config=("web",),
                requests={"cpu": "100m", "memory": "128Mi"},
                limits={"cpu": "500m", "memory": "256Mi"}),
        *found,
    ]


def labels(p: Process) -> dict[str, str]:
    return {"app.kubernetes.io/name": p.name, "app.kubernetes.io/component": p.component,
            "app.kubernetes.io/part-of": PART_OF}


def selector(p: Process) -> dict[str, str]:
    return {"app.kubernetes.io/name": p.name}


def meta(name: str, p: Process | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, **({"labels": labels(p)} if p else {}), **extra}


def secret_env(variable: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def nats_env(p: Process) -> list[dict[str, Any]]:
    """NATS_URL with the process's own account (composed in the pod from the Secret)."""
    return [
        {"name": "NATS_USER", "value": p.nats_user},
        secret_env("NATS_PASSWORD", "nats-users", p.nats_user),
        # Passwords are hex (deploy/k8s/README.md): nothing to escape in the URL.
        {"name": "NATS_URL", "value": f"nats://$(NATS_USER):$(NATS_PASSWORD)@{NATS_HOST}:4222"},
    ]


def environment(p: Process) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """env (Secret references, never values, and what is composed from them) and envFrom."""
    if p.component == "web":
        # A client of the gateway: none of the platform's settings or keys, only its own
        # NATS account, for the sessions' bucket its replicas share, and the key they seal
        # the sessions with there.
        return ([*nats_env(p), secret_env("WEB_SESSION_KEY", "web-sessions", "key")],
                [{"configMapRef": {"name": "web"}}])
    env = [*nats_env(p),
           secret_env("PRINCIPAL_SIGNING_KEY", "platform-keys", "principal-signing-key")]
    if p.database_role:
        # The role's Secret, the one the CloudNativePG Cluster's managed role reads
        # (base/postgres/cluster.yaml): the service connects as its own role.
        secret = f"{PG_CLUSTER}-{p.database_role}"
        env += [secret_env("DB_USER", secret, "username"),
                secret_env("DB_PASSWORD", secret, "password"),
                {"name": "DATABASE_URL",
                 "value": f"postgresql://$(DB_USER):$(DB_PASSWORD)@{PG_CLUSTER}-rw:5432/"
                          f"{DATABASE}"}]
    if p.personal_data:
        env.append(secret_env("PERSONAL_DATA_MASTER_KEY", "platform-keys",
                              "personal-data-master-key"))
    env += [secret_env(*s) for s in p.secrets]
    env_from = [{"configMapRef": {"name": "platform"}}]
    env_from += [{"configMapRef": {"name": name}} for name in p.config]
    return env, env_from


def probes(p: Process) -> dict[str, Any]:
    if p.http_port:
        live = {"httpGet": {"path": "/health", "port": "http"}}
        # The gateway is ready once NATS, every service and the revoked tokens are
        # (its /ready); the web app once it serves.
        ready = {"httpGet": {"path": "/ready" if p.component == "gateway" else "/health",
                             "port": "http"}}
    else:
        # A service listens on NATS only; its /metrics opens once start-up is through
        # (schema, streams, projections, request handlers: kit.service.Runtime.start), on
        # the loopback interface (kit.metrics): so the probe runs inside the container.
        check = {"exec": {"command": [
            "python", "-c",
            "import urllib.request as u; "
            f"u.urlopen('http://127.0.0.1:{METRICS_PORT}/metrics', timeout=3)"]}}
        live = ready = check
    return {
        "startupProbe": {**live, "periodSeconds": 3, "timeoutSeconds": 5,
                         "failureThreshold": 40},
        "livenessProbe": {**live, "periodSeconds": 20, "timeoutSeconds": 5,
                          "failureThreshold": 3},
        "readinessProbe": {**ready, "periodSeconds": 10, "timeoutSeconds": 5,
                           "failureThreshold": 3},
    }


def ports(p: Process) -> list[dict[str, Any]]:
    if p.http_port:
        return [{"name": "http", "containerPort": p.http_port, "protocol": "TCP"}]
    return [{"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"}]


def deployment(p: Process) -> dict[str, Any]:
    env, env_from = environment(p)
    container = {
        "name": p.name,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": ["python", "-m", p.module],
        "ports": ports(p),
        **({"env": env} if env else {}),
        "envFrom": env_from,
        **probes(p),
        "resources": {"requests": dict(p.requests), "limits": dict(p.limits)},
        "securityContext": {"allowPrivilegeEscalation": False,
                            "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108 - an emptyDir
    }
    spread = [{"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
               "labelSelector": {"matchLabels": selector(p)}}
              for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")]
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(p.name, p),
        "spec": {
            "replicas": 2,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(p)},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": labels(p)},
                "spec": {
                    "serviceAccountName": p.name,
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    # SIGTERM: the service drains its handlers and stops its consumers.
                    "terminationGracePeriodSeconds": 30,
                    "securityContext": {"runAsNonRoot": True, "runAsUser": UID,
                                        "runAsGroup": UID, "fsGroup": UID,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "topologySpreadConstraints": spread,
                    "containers": [container],
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
                },
            },
        },
    }


def service(p: Process) -> dict[str, Any]:
    port = ports(p)[0]
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(p.name, p),
            "spec": {"type": "ClusterIP", "selector": selector(p),
                     "ports": [{"name": port["name"], "port": port["containerPort"],
                                "targetPort": port["name"], "protocol": "TCP"}]}}


def budget(p: Process) -> dict[str, Any]:
    # One at a time, whatever the replica count (the dev overlay runs one of each).
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(p.name, p),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(p)}}}


def account(p: Process) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(p.name, p),
            "automountServiceAccountToken": False}


def monitor(p: Process) -> dict[str, Any] | None:
    if p.component == "web":
        return None  # the web app exports no metrics; the gateway's cover its API calls
    port = ports(p)[0]["name"]
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": meta(p.name, p),
            "spec": {"selector": {"matchLabels": selector(p)},
                     "endpoints": [{"port": port, "path": "/metrics", "interval": "30s"}]}}


def policy(name: str, pod: dict[str, Any], **rules: Any) -> dict[str, Any]:
    types = [t for t in ("Ingress", "Egress") if t.lower() in rules]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name},
            "spec": {"podSelector": pod, "policyTypes": types, **rules}}


def in_namespace(namespace: str, pods: dict[str, str] | None = None) -> dict[str, Any]:
    peer: dict[str, Any] = {"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": namespace}}}
    if pods:
        peer["podSelector"] = {"matchLabels": pods}
    return peer


def components(*names: str) -> dict[str, Any]:
    return {"matchExpressions": [{"key": "app.kubernetes.io/component", "operator": "In",
                                  "values": list(names)}]}


def tcp(*numbers: int | str) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": n} for n in numbers]


def network_policies() -> list[dict[str, Any]]:
    everything: dict[str, Any] = {}
    prometheus = in_namespace(MONITORING_NAMESPACE, {"app.kubernetes.io/name": "prometheus"})
    public = {"0.0.0.0/0": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}
    return [
        # Nothing in, nothing out, but what the policies below allow.
        policy("default-deny", everything, ingress=[], egress=[]),
        policy("dns", everything, egress=[{
            "to": [in_namespace("kube-system", {"k8s-app": "kube-dns"})],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]),
        # The edge: only the gateway and the web app take traffic from outside.
        policy("edge-to-gateway", {"matchLabels": {"app.kubernetes.io/name": "gateway"}},
               ingress=[{"from": [in_namespace(EDGE_NAMESPACE),
                                  {"podSelector": {"matchLabels": {
                                      "app.kubernetes.io/name": "web"}}}],
                         "ports": tcp(8000)}]),
        policy("edge-to-web", {"matchLabels": {"app.kubernetes.io/name": "web"}},
               ingress=[{"from": [in_namespace(EDGE_NAMESPACE)], "ports": tcp(8080)}]),
        policy("web-to-gateway", {"matchLabels": {"app.kubernetes.io/name": "web"}},
               egress=[{"to": [{"podSelector": {"matchLabels": {
                   "app.kubernetes.io/name": "gateway"}}}], "ports": tcp(8000)}]),
        # Prometheus scrapes /metrics: the gateway's HTTP port, every service's metrics port.
        policy("prometheus-scrape", components("gateway", "service", "worker"),
               ingress=[{"from": [prometheus], "ports": tcp(8000, METRICS_PORT)}]),
        # The services, the gateway and the web app (its sessions) reach NATS; the services
        # PostgreSQL; nothing else.
        policy("platform-to-nats", components("gateway", "service", "worker", "web"),
               egress=[{"to": [in_namespace("nats", {"app.kubernetes.io/name": "nats"})],
                        "ports": tcp(4222)}]),
        policy("services-to-postgres", components("service", "worker"),
               egress=[{"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": PG_CLUSTER}}}],
                        "ports": tcp(5432)}]),
        # The media store (S3) and the relay to the regulator (E2B over HTTPS):
        # outside the cluster, on 443 only. An in-cluster MinIO needs a policy of its own.
        *[policy(f"{p.name}-to-internet", {"matchLabels": selector(p)},
                 egress=[{"to": [{"ipBlock": {"cidr": cidr, "except": private}}
                                 for cidr, private in public.items()],
                          "ports": tcp(443)}])
          for p in processes() if p.egress_https],
    ]


def projection_consumers() -> list[tuple[str, str]]:
    """(stream, durable) of the consumer the feed worker's projections share: what KEDA
    scales on."""
    from feed.bootstrap import bootstrap_worker
    from feed.settings import FeedSettings

    key = base64.b64encode(bytes(32)).decode()  # to construct the projections only
    worker = bootstrap_worker(FeedSettings(personal_data_master_key=key))
    return sorted({(stream, worker.consumer) for p in worker.projections
                   for stream in p.streams})


def autoscaling() -> list[dict[str, Any]]:
    gateway = {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "gateway"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"},
            "minReplicas": 2, "maxReplicas": 12,
            "metrics": [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }
    # The worker's durable consumers are shared by its replicas (one consumer, many
    # pullers): more replicas drain a backlog faster. KEDA reads the consumers' pending
    # counts from the NATS servers' monitoring endpoint (the chart's port 8222), through the
    # headless Service: in a cluster it asks the consumer's leader, `<pod>.<endpoint>`.
    triggers = [{"type": "nats-jetstream", "metadata": {
        "natsServerMonitoringEndpoint": "nats-headless.nats.svc.cluster.local:8222",
        "account": "$G",
        "stream": stream, "consumer": durable, "lagThreshold": "1000",
        "activationLagThreshold": "0"}} for stream, durable in projection_consumers()]
    worker = {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": "feed-worker"},
        "spec": {"scaleTargetRef": {"name": "feed-worker"}, "minReplicaCount": 2,
                 "maxReplicaCount": 8, "pollingInterval": 15, "cooldownPeriod": 300,
                 "triggers": triggers},
    }
    return [gateway, worker]


def nats_values() -> dict[str, Any]:
    """The official chart's values (https://github.com/nats-io/k8s, chart `nats` 1.x)."""
    from contracts.subjects import SERVICES
    from kit.bus import GATEWAY, OPERATOR, WEB, permissions

    accounts = [*dict.fromkeys([*SERVICES, *LANDING, GATEWAY, WEB, OPERATOR])]
    users = [{"user": a, "password": f"<< ${password_variable(a)} >>",
              "permissions": permissions(a)} for a in accounts]
    env = {password_variable(a): {"valueFrom": {"secretKeyRef": {"name": "nats-users",
                                                                "key": a}}}
           for a in accounts}
    return {
        "config": {
            "cluster": {"enabled": True, "replicas": 3},
            "jetstream": {
                "enabled": True,
                "fileStore": {"enabled": True, "dir": "/data",
                              "pvc": {"enabled": True, "size": "1Ti",
                                      "storageClassName": "fast-ssd"}},
                "memoryStore": {"enabled": False},
                "merge": {"max_file_store": "<< 900GB >>"},
            },
            "monitor": {"enabled": True, "port": 8222},
            # kit.bus.permissions, one user per process; the passwords from the Secret
            # nats-users (the same the Deployments' NATS_URL is built from).
            "merge": {"authorization": {"users": users},
                      "max_payload": "<< 1MB >>", "write_deadline": "<< 10s >>"},
        },
        "container": {
            "env": env,
            "merge": {"resources": {"requests": {"cpu": "1", "memory": "2Gi"},
                                    "limits": {"cpu": "2", "memory": "4Gi"}}},
        },
        "podTemplate": {
            "topologySpreadConstraints": {
                "kubernetes.io/hostname": {"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"},
                "topology.kubernetes.io/zone": {"maxSkew": 1,
                                                "whenUnsatisfiable": "ScheduleAnyway"},
            },
        },
        "podDisruptionBudget": {"enabled": True},
        "promExporter": {
            "enabled": True,
            "port": 7777,
            "podMonitor": {"enabled": True},
        },
        "natsBox": {"enabled": False},
    }


def password_variable(account: str) -> str:
    return "NATS_PASSWORD_" + account.upper().replace("-", "_")


HEADER = "# Generated by deploy/k8s/generate.py: edit the generator, not this file.\n"


def render(documents: list[dict[str, Any]]) -> str:
    return HEADER + "".join("---\n" + yaml.safe_dump(d, sort_keys=False, width=100)
                            for d in documents)


def files() -> dict[Path, str]:
    every = processes()
    per_process = []
    for p in every:
        per_process += [account(p), deployment(p), service(p), budget(p)]
        if (m := monitor(p)) is not None:
            per_process.append(m)
    return {
        BASE / "processes.yaml": render(per_process),
        BASE / "network-policies.yaml": render(network_policies()),
        BASE / "autoscaling.yaml": render(autoscaling()),
        NATS_VALUES: render([nats_values()]),
    }


def main(argv: list[str]) -> int:
    stale = []
    for path, text in files().items():
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print("out of date (run deploy/k8s/generate.py):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

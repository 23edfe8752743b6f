"""Losing a NATS node (issue 15): a three-node JetStream cluster on loopback ports, the
streams at three replicas, the platform's processes connected to every node. Under a write
load of posts and side-effect reports the leader of the feed's stream is killed (SIGKILL):
clients see at most a few 503s and 504s, never a 500; every write they saw acknowledged is
in the read models exactly once; the cluster and the services carry on without a restart."""

from collections.abc import AsyncIterator

import httpx
import nats
import pytest

from kit import bus
from tests.nats_cluster import NatsCluster
from tests.platform import Platform, eventually, running_platform
from tests.write_load import WriteLoad, assert_nothing_lost_nor_twice


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[NatsCluster]:
    nodes = NatsCluster(tmp_path_factory.mktemp("cluster")).start()
    try:
        await nodes.ready()
        yield nodes
    finally:
        nodes.stop()


@pytest.fixture(scope="module")
async def platform(postgres_url: str, tmp_path_factory: pytest.TempPathFactory,
                   cluster: NatsCluster) -> AsyncIterator[Platform]:
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("on-cluster"),
                                           cluster, NATS_STREAM_REPLICAS="3",
                                           ADR_REPORTS_PER_DAY="0"):  # reports all along
        yield running


async def stream_cluster(cluster: NatsCluster, stream: str) -> tuple[str | None, int]:
    """The stream's leader and how many of its replicas are current."""
    nc = await bus.connect(cluster.url, "tests-stream-leader")
    try:
        info = (await nc.jetstream().stream_info(stream)).cluster
    finally:
        await nc.close()
    assert info is not None
    current = [r for r in info.replicas or [] if r.current and not r.offline]
    return info.leader, 1 + len(current)


async def test_the_feed_streams_leader_killed_under_load_loses_nothing(
        platform: Platform, cluster: NatsCluster) -> None:
    for stream in ("PU_FEED", "PU_PHARMACOVIGILANCE"):
        assert (await stream_cluster(cluster, stream))[1] == 3, stream  # R3, all current
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        load = WriteLoad(client, reports_each=1_000_000)
        await load.start()
        await eventually(lambda: load.written(posts=60, reports=6), timeout=60)
        leader, _ = await stream_cluster(cluster, "PU_FEED")
        assert leader is not None
        cluster.node(leader).kill()  # SIGKILL: the stream leader, and the clients on it
        before = len(load.posts), len(load.reports)

        async def new_leader() -> bool:
            try:
                elected, _ = await stream_cluster(cluster, "PU_FEED")
            except nats.errors.TimeoutError:  # no leader to answer yet
                return False
            return elected not in (None, leader)
        await eventually(new_leader, timeout=30)
        # The services carry on on the two nodes left: posts and reports are acknowledged.
        await eventually(lambda: load.written(posts=before[0] + 60, reports=before[1] + 3),
                         timeout=60)
        await load.stop()
        await platform.settled(timeout=90)
        await assert_nothing_lost_nor_twice(platform, load)
    assert len(load.refused) < len(load.posts) / 4, "more than short unavailability"
    # The node comes back with its store and catches up: three current replicas again.
    cluster.node(leader).start()

    async def whole_again() -> bool:
        try:
            return (await stream_cluster(cluster, "PU_FEED"))[1] == 3
        except nats.errors.TimeoutError:
            return False
    await eventually(whole_again, timeout=60)

"""Every published event of every context: what the schema files and consumers know."""

from contracts.feed.events import REGISTRY as FEED
from contracts.identity.events import REGISTRY as IDENTITY

ALL = IDENTITY.merged(FEED)

"""Feed settings, from the environment."""

from kit.settings import ServiceSettings


class FeedSettings(ServiceSettings):
    pass

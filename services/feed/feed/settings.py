"""Feed settings, from the environment."""

from kit.settings import ServiceSettings


class FeedSettings(ServiceSettings):
    # The same variable identity reads: the limit for authors the feed has not heard of yet.
    sandbox_posts_per_hour: int = 5

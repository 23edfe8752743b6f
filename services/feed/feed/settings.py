"""Feed settings, from the environment."""



from feed.moderation import DEFAULT_KEYWORDS, Action
from kit.settings import MediaSettings


class FeedSettings(MediaSettings):
    # GUIDELINES.md's keyword list: word or phrase -> block, hold or flag (KEYWORDS, JSON).
    keywords: dict[str, Action] = dict(DEFAULT_KEYWORDS)
    # How long the pharmacists' team has to answer a drug query before it is overdue.
    drug_query_sla_hours: float = 48.0
    drug_query_watch_s: float = 15.0  # how often the overdue queries are counted (metric)
    # The same variable identity reads: the limit for authors the feed has not heard of yet.
    sandbox_posts_per_hour: int = 5
    # The most policy inputs one report carries; a period with more is refused, not cut.
    policy_report_max: int = 5000

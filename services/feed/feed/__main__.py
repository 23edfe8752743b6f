"""python -m feed: run the feed service (commands, queries, timeline projection)."""

from feed.bootstrap import bootstrap
from kit.process import run_service

if __name__ == "__main__":
    run_service(bootstrap)

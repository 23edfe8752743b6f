"""python -m feed.worker: run the feed's community-stats projection in its own process."""

from feed.bootstrap import bootstrap_worker
from kit.process import run_service

if __name__ == "__main__":
    run_service(bootstrap_worker)

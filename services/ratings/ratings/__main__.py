"""python -m ratings: run the ratings service."""

from kit.process import run_service
from ratings.bootstrap import bootstrap

if __name__ == "__main__":
    run_service(bootstrap)

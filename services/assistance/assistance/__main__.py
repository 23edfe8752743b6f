"""python -m assistance: run the assistance service."""

from assistance.bootstrap import bootstrap
from kit.process import run_service

if __name__ == "__main__":
    run_service(bootstrap)

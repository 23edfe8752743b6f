"""python -m identity: run the identity service."""

from identity.bootstrap import bootstrap
from kit.process import run_service

if __name__ == "__main__":
    run_service(bootstrap)

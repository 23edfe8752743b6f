"""python -m surveys: run the surveys service."""

from kit.process import run_service
from surveys.bootstrap import bootstrap

if __name__ == "__main__":
    run_service(bootstrap)

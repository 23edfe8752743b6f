"""python -m voices: run the voices service."""

from kit.process import run_service
from voices.bootstrap import bootstrap

if __name__ == "__main__":
    run_service(bootstrap)

"""python -m pharmacovigilance: run the pharmacovigilance service."""

from kit.process import run_service
from pharmacovigilance.bootstrap import bootstrap

if __name__ == "__main__":
    run_service(bootstrap)

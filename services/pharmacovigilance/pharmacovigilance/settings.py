"""Pharmacovigilance settings, from the environment."""

from pydantic import Field

from kit.settings import ServiceSettings


class PvSettings(ServiceSettings):
    e2b_sender_id: str = "IN-PATIENTS-UNION"  # N.1.3 / N.2.r.2
    e2b_receiver_id: str = "IN-PVPI-NCC"  # N.1.4 / N.2.r.3: PvPI's National Coordination Centre
    meddra_llt_file: str = ""  # a licensed MedDRA llt.asc; without it officers' entries stand
    meddra_version: str = ""
    # Where cases go: the regulator's E2B endpoint, or a folder for manual upload.
    regulator_url: str = ""
    regulator_drop_dir: str = ""
    regulator_timeout_s: float = 30.0
    regulator_max_backoff_s: float = 60.0
    # Complete reports one account may send in a rolling 24 hours (drafts are free, the PV
    # roles exempt): each is a case on the officers' list, due at PvPI in 15 or 90 days.
    # 0: no limit (the bench's load).
    adr_reports_per_day: int = Field(default=10, ge=0)

"""Pharmacovigilance settings, from the environment."""

from kit.settings import ServiceSettings


class PvSettings(ServiceSettings):
    e2b_sender_id: str = "IN-PATIENTS-UNION"  # N.1.3 / N.2.r.2
    e2b_receiver_id: str = "IN-PVPI-NCC"  # N.1.4 / N.2.r.3: PvPI's National Coordination Centre
    meddra_llt_file: str = ""  # a licensed MedDRA llt.asc; without it officers' entries stand
    meddra_version: str = ""

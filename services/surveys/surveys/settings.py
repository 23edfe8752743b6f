"""Surveys settings, from the environment."""

from kit.settings import ServiceSettings


class SurveysSettings(ServiceSettings):
    # The key of the anonymous surveys' "who answered" tokens, base64 (README.md). Unset:
    # derived from PERSONAL_DATA_MASTER_KEY, which is as secret and kept as well.
    surveys_participation_key: str = ""

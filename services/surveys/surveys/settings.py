"""Surveys settings, from the environment."""

from kit.settings import ServiceSettings


class SurveysSettings(ServiceSettings):
    # The key of the anonymous surveys' "who answered" tokens, base64 (README.md). Unset:
    # derived from PERSONAL_DATA_MASTER_KEY, which is as secret and kept as well.
    surveys_participation_key: str = ""
    # Anonymous answers wait in the ballot box and are written in batches (README.md):
    # every SURVEYS_BATCH_EVERY_S seconds, a survey's batch once 5 wait, or once they have
    # waited SURVEYS_BATCH_LONGEST_S, or when the survey has closed.
    surveys_batch_every_s: float = 60.0
    surveys_batch_longest_s: float = 6 * 3600.0
    # Export jobs (README.md, "Results"): looked for every SURVEYS_EXPORT_EVERY_S seconds,
    # written SURVEYS_EXPORT_PAGE responses at a time (the progress moves a page at a time).
    surveys_export_every_s: float = 1.0
    surveys_export_page: int = 500

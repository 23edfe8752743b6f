"""Assistance settings, from the environment."""

from kit.settings import ServiceSettings


class AssistanceSettings(ServiceSettings):
    # The documents' folder (the local media store): ASSISTANCE_MEDIA_DIR, else a folder
    # of its own inside MEDIA_DIR (the Stack gives one in its own folder).
    media_dir: str = ".data/media"
    assistance_media_dir: str = ""
    # How many times an approval is decided again when other approvals moved the fund
    # stream on meanwhile (each try folds the fund anew).
    assistance_fund_attempts: int = 20

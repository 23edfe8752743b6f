"""Assistance settings, from the environment."""

from kit.settings import MediaSettings


class AssistanceSettings(MediaSettings):
    # The documents' folder (the local media store): ASSISTANCE_MEDIA_DIR, else a folder
    # of its own inside MEDIA_DIR (the Stack gives one in its own folder).
    assistance_media_dir: str = ""
    # How many times an approval is decided again when other approvals moved the fund
    # stream on meanwhile (each try folds the fund anew).
    assistance_fund_attempts: int = 20

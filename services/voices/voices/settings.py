"""Voices settings, from the environment."""

from kit.settings import MediaSettings


class VoicesSettings(MediaSettings):
    # A story's recording: at most this many bytes and seconds (checked by decoding).
    voices_max_media_bytes: int = 50 * 1024 * 1024
    voices_max_media_seconds: float = 15 * 60.0
    # The machine transcriber's model (faster-whisper, the optional extra): a name such as
    # "tiny.en" or a folder; empty, or faster-whisper not installed: no machine transcripts.
    voices_transcriber_model: str = "tiny.en"
    voices_transcribe_every_s: float = 5.0  # how often the waiting recordings are looked for
    voices_flag_watch_s: float = 15.0  # how often the overdue flags are counted (metric)
    # How often stories whose embargo is over are looked for, to publish to everyone.
    voices_embargo_check_s: float = 30.0

"""The media core: pure functions over files (ffprobe, ffmpeg), no Flask, no database."""

from recordings.media.errors import MediaError
from recordings.media.pipeline import process_media
from recordings.media.plan import plan_transcode
from recordings.media.probe import MediaInfo, probe
from recordings.media.settings import MediaSettings

__all__ = ["MediaError", "MediaInfo", "MediaSettings", "plan_transcode", "probe", "process_media"]

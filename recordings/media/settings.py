"""Knobs of the media pipeline, with defaults chosen by measuring bench/pipeline.py."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaSettings:
    ladder: tuple[int, ...] = (1080, 720, 360)  # heights; never above the source's
    video_preset: str = "veryfast"
    crf: int = 23
    max_kbps: dict = dataclasses.field(
        default_factory=lambda: {1080: 5000, 720: 3000, 480: 1400, 360: 800}
    )
    segment_seconds: int = 2  # HLS segment and keyframe interval (aligned across renditions)
    audio_kbps: int = 128
    audio_rate: int = 48000
    loudnorm: bool = False  # EBU R128 (single pass) on the audio rendition
    loudnorm_target: str = "I=-16:TP=-1.5:LRA=11"
    thumb_width: int = 160
    thumb_columns: int = 10
    thumb_rows: int = 10
    max_thumbs: int = 300
    scene_threshold: float = 12.0  # Y+U+V mean abs difference (0-255) between samples
    chapter_min_seconds: float = 60.0
    silence_noise_db: int = -35
    silence_min_seconds: float = 2.0
    poster_width: int = 1280

    def max_kbps_for(self, height: int) -> int:
        best = None
        for h, kbps in sorted(self.max_kbps.items()):
            best = kbps
            if height <= h:
                return kbps
        return best or 800

    def fingerprint(self) -> dict:
        data = dataclasses.asdict(self)
        data["max_kbps"] = sorted(self.max_kbps.items())
        return data

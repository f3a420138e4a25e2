"""Decide what to produce for a recording: stream copy when possible, else an HLS ladder."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass

from recordings.media import commands
from recordings.media.probe import MediaInfo
from recordings.media.settings import MediaSettings

AUDIO_WEIGHT_PIXELS = 640 * 360 // 4  # AAC costs about a quarter of a 360p x264 encode


@dataclass(frozen=True)
class RenditionSpec:
    name: str  # "audio", "v360", "v720", ...
    kind: str  # "audio" | "video"
    width: int = 0
    height: int = 0
    max_kbps: int = 0
    copy: bool = False
    codec: str = ""  # RFC 6381 codec string of the output, for the master playlist
    nice: int = 0  # lower renditions get the CPU first, so the replay is playable early
    # "interval": a keyframe every segment; "source": where the source has one (a rung encoded
    # beside a stream copy must cut its segments where the copy does, for clean switching).
    keyframes: str = "interval"

    @property
    def weight(self) -> float:
        if self.kind == "audio":
            return 1.0 if self.copy else AUDIO_WEIGHT_PIXELS
        return 1.0 if self.copy else self.width * self.height


@dataclass(frozen=True)
class TranscodePlan:
    mode: str  # "remux" | "transcode"
    renditions: tuple[RenditionSpec, ...]
    fingerprint: str

    @property
    def video(self) -> list[RenditionSpec]:
        return [r for r in self.renditions if r.kind == "video"]

    @property
    def audio(self) -> RenditionSpec | None:
        return next((r for r in self.renditions if r.kind == "audio"), None)

    @property
    def secondary(self) -> list[RenditionSpec]:
        """Rungs encoded after a stream copy is published (lowest first, lowest priority)."""
        if self.mode != "remux":
            return []
        return sorted((r for r in self.video if not r.copy), key=lambda r: r.height)

    @property
    def top_video(self) -> RenditionSpec | None:
        return max(self.video, key=lambda r: r.height, default=None)

    def dirname(self, spec: RenditionSpec) -> str:
        """Published folder of a rendition: its name plus a hash of what produced it."""
        return f"{spec.name}-{self.fingerprint}"

    def commands(self, src: str, work_dir: str, settings: MediaSettings, info) -> dict:
        return {
            r.name: commands.rendition_command(
                src, r, os.path.join(work_dir, self.dirname(r)), settings, info
            )
            for r in self.renditions
        }


def even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def h264_codec_string(profile: str, level: int) -> str:
    profiles = {
        "constrained baseline": "42e0",
        "baseline": "4200",
        "main": "4d00",
        "high": "6400",
    }
    return f"avc1.{profiles.get(profile.lower(), '6400')}{max(level, 10):02x}"


def x264_level(width: int, height: int, fps: float) -> int:
    """The level x264 signals for this size at this frame rate (enough for CODECS)."""
    mbps = (width + 15) // 16 * ((height + 15) // 16) * max(fps, 1)
    for level, limit in ((30, 40500), (31, 108000), (32, 216000), (40, 245760), (42, 522240)):
        if mbps <= limit:
            return level
    return 51


def can_remux(info: MediaInfo) -> bool:
    v, a = info.video, info.audio
    video_ok = v is None or (
        v.codec == "h264" and v.pix_fmt in ("yuv420p", "yuvj420p") and v.rotation == 0
    )
    audio_ok = a is None or a.codec == "aac"
    return video_ok and audio_ok


def ladder_heights(source_height: int, ladder: tuple[int, ...]) -> list[int]:
    """Rungs at or below the source height; a small source keeps its own size."""
    heights = sorted({even(h) for h in ladder if h <= source_height})
    return heights or [even(source_height)]


def lower_rungs(source_height: int, ladder: tuple[int, ...]) -> list[int]:
    """Rungs worth encoding beside a copy: at most three quarters of the source's height."""
    return sorted({even(h) for h in ladder if even(h) * 4 <= source_height * 3})


def plan_transcode(info: MediaInfo, settings: MediaSettings | None = None) -> TranscodePlan:
    settings = settings or MediaSettings()
    renditions: list[RenditionSpec] = []
    remux = can_remux(info)
    if info.audio:
        renditions.append(RenditionSpec("audio", "audio", copy=remux, codec="mp4a.40.2"))
    v = info.video
    if v and remux:
        # The copy is published first; the lower rungs follow at low priority, so a phone on
        # a weak connection is not left with the full-size stream only.
        for height in lower_rungs(v.display_height, settings.ladder):
            width = even(round(v.display_width * height / v.display_height))
            renditions.append(
                RenditionSpec(
                    f"v{height}",
                    "video",
                    width=width,
                    height=height,
                    max_kbps=settings.max_kbps_for(height),
                    codec=h264_codec_string("high", x264_level(width, height, v.fps or 30)),
                    nice=19,
                    keyframes="source",
                )
            )
        renditions.append(
            RenditionSpec(
                f"v{v.height}",
                "video",
                width=v.width,
                height=v.height,
                copy=True,
                codec=h264_codec_string(v.profile, v.level),
            )
        )
    elif v:
        dw, dh = v.display_width, v.display_height
        for i, height in enumerate(ladder_heights(dh, settings.ladder)):
            width = even(round(dw * height / dh))
            renditions.append(
                RenditionSpec(
                    f"v{height}",
                    "video",
                    width=width,
                    height=height,
                    max_kbps=settings.max_kbps_for(height),
                    codec=h264_codec_string("high", x264_level(width, height, v.fps or 30)),
                    nice=min(19, 5 * i),
                )
            )
    key = {
        "renditions": [asdict(r) for r in renditions],
        "settings": settings.fingerprint(),
        "source": [info.size, round(info.duration, 3)],
    }
    digest = hashlib.sha1(json.dumps(key, sort_keys=True).encode()).hexdigest()[:10]
    return TranscodePlan("remux" if remux else "transcode", tuple(renditions), digest)

"""What a media file holds, read with ffprobe (ffmpeg-python's ``ffmpeg.probe``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction

import ffmpeg

from recordings.media import commands
from recordings.media.errors import CORRUPTED, NO_STREAMS, NOT_MEDIA, ZERO_DURATION, MediaError

# File signatures of containers we know: a file that starts like one but does not parse is
# damaged (for example an MP4 cut before its moov atom), not "some other kind of file".
_MEDIA_MAGIC = (
    (4, b"ftyp"),  # ISO BMFF (mp4, mov, m4a)
    (4, b"moov"),
    (4, b"mdat"),
    (4, b"free"),
    (4, b"wide"),
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM (EBML)
    (0, b"RIFF"),
    (0, b"OggS"),
    (0, b"fLaC"),
    (0, b"ID3"),
    (0, b"FLV"),
    (0, b"\x00\x00\x01\xba"),  # MPEG-PS
    (0, b"\x47"),  # MPEG-TS sync byte
)
_IMAGE_FORMATS = re.compile(r"(^image2$|_pipe$|^tty$|^gif$|^apng$|^webp)")
_IMAGE_CODECS = {"png", "mjpeg", "bmp", "gif", "webp", "tiff", "ansi"}
_DAMAGE_HINTS = ("partial file", "truncat", "invalid data", "corrupt", "error reading")


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    profile: str
    level: int
    pix_fmt: str
    width: int
    height: int
    rotation: int
    fps: float
    vfr: bool

    @property
    def display_width(self) -> int:
        return self.height if self.rotation % 180 else self.width

    @property
    def display_height(self) -> int:
        return self.width if self.rotation % 180 else self.height


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class MediaInfo:
    path: str
    format_name: str
    size: int
    duration: float
    bit_rate: int
    video: VideoStream | None
    audio: AudioStream | None

    @property
    def audio_only(self) -> bool:
        return self.video is None

    def metadata(self) -> dict:
        """Duration, size and codecs, as stored in the manifest and shown to users."""
        data = {
            "duration_seconds": round(self.duration, 3),
            "size_bytes": self.size,
            "container": self.format_name,
            "bit_rate": self.bit_rate,
        }
        if self.video:
            v = self.video
            data["video"] = {
                "codec": v.codec,
                "profile": v.profile,
                "pix_fmt": v.pix_fmt,
                "width": v.display_width,
                "height": v.display_height,
                "rotation": v.rotation,
                "fps": round(v.fps, 3),
                "vfr": v.vfr,
            }
        if self.audio:
            a = self.audio
            data["audio"] = {"codec": a.codec, "channels": a.channels, "sample_rate": a.sample_rate}
        return data


def _fraction(value: str | None) -> float:
    try:
        frac = Fraction(value or "0")
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(frac)


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _tag_duration(stream: dict) -> float:
    """Matroska writes per-stream ``DURATION`` tags as HH:MM:SS.frac."""
    for key, value in (stream.get("tags") or {}).items():
        if key.upper() == "DURATION":
            m = re.match(r"(\d+):(\d+):(\d+(?:\.\d+)?)", value)
            if m:
                return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    return 0.0


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(round(_float(side["rotation"]))) % 360
    return int(round(_float((stream.get("tags") or {}).get("rotate")))) % 360


def _looks_like_media(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return any(head[off : off + len(sig)] == sig for off, sig in _MEDIA_MAGIC)


def _video(streams: list[dict], format_name: str) -> VideoStream | None:
    for s in streams:
        if s.get("codec_type") != "video":
            continue
        if (s.get("disposition") or {}).get("attached_pic"):
            continue  # cover art of an audio file
        if s.get("codec_name") in _IMAGE_CODECS and _IMAGE_FORMATS.search(format_name):
            continue
        r_rate, avg_rate = _fraction(s.get("r_frame_rate")), _fraction(s.get("avg_frame_rate"))
        fps = avg_rate or r_rate
        return VideoStream(
            index=int(s["index"]),
            codec=s.get("codec_name", ""),
            profile=s.get("profile", ""),
            level=int(s.get("level") or 0),
            pix_fmt=s.get("pix_fmt", ""),
            width=int(s.get("width") or 0),
            height=int(s.get("height") or 0),
            rotation=_rotation(s),
            fps=fps,
            vfr=bool(r_rate and avg_rate and abs(r_rate - avg_rate) > 0.01 * r_rate),
        )
    return None


def _audio(streams: list[dict]) -> AudioStream | None:
    for s in streams:
        if s.get("codec_type") == "audio":
            return AudioStream(
                index=int(s["index"]),
                codec=s.get("codec_name", ""),
                channels=int(s.get("channels") or 0),
                sample_rate=int(s.get("sample_rate") or 0),
            )
    return None


def probe(path: str | os.PathLike, *, check_integrity: bool = True) -> MediaInfo:
    """Describe ``path`` or raise :class:`MediaError` with the reason it cannot be replayed.

    ``check_integrity`` demuxes every packet once (no decoding, disk speed) to catch truncated
    files and to measure the real duration of files whose container does not state one.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    if size == 0:
        raise MediaError(NOT_MEDIA, "empty file")
    try:
        data = ffmpeg.probe(path)
    except ffmpeg.Error as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[-500:]
        raise MediaError(CORRUPTED if _looks_like_media(path) else NOT_MEDIA, detail) from None
    fmt = data.get("format") or {}
    format_name = fmt.get("format_name", "")
    streams = data.get("streams") or []
    if format_name == "tty" or (
        _IMAGE_FORMATS.search(format_name)
        and not any(s.get("codec_type") == "audio" for s in streams)
    ):
        raise MediaError(NOT_MEDIA, f"format {format_name}")
    video, audio = _video(streams, format_name), _audio(streams)
    if video is None and audio is None:
        raise MediaError(NO_STREAMS, f"streams: {[s.get('codec_type') for s in streams]}")
    duration = _float(fmt.get("duration"))
    if duration <= 0:
        wanted = {s.index for s in (video, audio) if s}
        duration = max(
            (
                _float(s.get("duration")) or _tag_duration(s)
                for s in streams
                if int(s["index"]) in wanted
            ),
            default=0.0,
        )
    if check_integrity:
        demuxed, errors = commands.run_demux_check(path)
        if any(hint in errors.lower() for hint in _DAMAGE_HINTS):
            raise MediaError(CORRUPTED, errors[-500:])
        if duration > 0 and demuxed < duration * 0.9 - 1:
            raise MediaError(CORRUPTED, f"stops at {demuxed:.1f}s of {duration:.1f}s")
        duration = duration if duration > 0 else demuxed
    if duration < 0.1:
        raise MediaError(ZERO_DURATION, f"duration {duration}")
    return MediaInfo(
        path=path,
        format_name=format_name,
        size=size,
        duration=duration,
        bit_rate=int(_float(fmt.get("bit_rate"))),
        video=video,
        audio=audio,
    )

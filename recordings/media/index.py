"""Poster, storyboard with a WebVTT thumbnails track, chapters and silence markers."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

from recordings.media import commands
from recordings.media.errors import TRANSCODE_FAILED, MediaError
from recordings.media.plan import even
from recordings.media.settings import MediaSettings

_FRAME = re.compile(r"Parsed_metadata.*?pts_time:\s*([\d.]+)")
_PLANE_DIFF = re.compile(r"lavfi\.signalstats\.[YUV]AVG=([\d.]+)")
_SILENCE_START = re.compile(r"silence_start:\s*(-?[\d.]+)")
_SILENCE_END = re.compile(r"silence_end:\s*([\d.]+)")


@dataclass
class IndexResult:
    poster: str | None = None
    storyboard: list[str] = field(default_factory=list)
    thumbnails_vtt: str | None = None
    scene_changes: list[float] = field(default_factory=list)
    chapters: list[dict] = field(default_factory=list)
    silences: list[dict] = field(default_factory=list)


def vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def storyboard_interval(duration: float, settings: MediaSettings) -> int:
    return max(settings.segment_seconds, math.ceil(duration / settings.max_thumbs))


def thumbnails_vtt(
    duration: float, interval: int, size: tuple[int, int], grid: tuple[int, int], sheets: list
) -> str:
    """WebVTT track whose cues point at one tile of a storyboard sheet (``#xywh=``)."""
    cols, rows = grid
    per_sheet = cols * rows
    lines = ["WEBVTT", ""]
    count = max(1, math.ceil(duration / interval))
    for i in range(min(count, per_sheet * len(sheets))):
        start, end = i * interval, min(duration, (i + 1) * interval)
        sheet, pos = divmod(i, per_sheet)
        row, col = divmod(pos, cols)
        x, y = col * size[0], row * size[1]
        lines += [
            f"{vtt_time(start)} --> {vtt_time(end)}",
            f"{sheets[sheet]}#xywh={x},{y},{size[0]},{size[1]}",
            "",
        ]
    return "\n".join(lines)


def merge_chapters(scene_changes: list[float], duration: float, min_seconds: float) -> list[float]:
    """Chapter starts: 0 plus scene changes, none shorter than ``min_seconds``.

    A change too close to the previous start is merged into that chapter; a change too close to
    the end is merged into the last chapter.
    """
    starts = [0.0]
    for t in sorted(scene_changes):
        if t - starts[-1] >= min_seconds and duration - t >= min_seconds:
            starts.append(round(t, 3))
    return starts


def scene_changes(log: str, threshold: float) -> list[float]:
    """Where the picture changes a lot between two sampled frames (a slide change or a cut).

    The change happened after the earlier of the two samples: the chapter starts there, a
    little early rather than up to one sampling interval late.
    """
    scores: dict[float, float] = {}
    current = None
    for line in log.splitlines():
        if m := _FRAME.search(line):
            current = float(m[1])
        elif (m := _PLANE_DIFF.search(line)) and current is not None:
            scores[current] = scores.get(current, 0.0) + float(m[1])
    times = sorted(scores)
    starts = []
    for i, t in enumerate(times):
        if scores[t] >= threshold:
            starts.append(times[i - 1] if i else 0.0)
    return starts


def parse_silences(log: str, duration: float) -> list[dict]:
    silences, start = [], None
    for line in log.splitlines():
        if m := _SILENCE_START.search(line):
            start = max(0.0, float(m[1]))
        elif (m := _SILENCE_END.search(line)) and start is not None:
            silences.append({"start_seconds": round(start, 3), "end_seconds": float(m[1])})
            start = None
    if start is not None and duration - start > 0:
        silences.append({"start_seconds": round(start, 3), "end_seconds": round(duration, 3)})
    return silences


def _check(done, what: str) -> None:
    if done.returncode != 0:
        raise MediaError(TRANSCODE_FAILED, f"{what}: {done.stderr.strip()[-1000:]}")


def build_index(
    *,
    out_dir: str,
    duration: float,
    poster_src: str,
    video_src: str | None,
    video_size: tuple[int, int] | None,
    audio_src: str | None,
    settings: MediaSettings,
) -> IndexResult:
    """Write poster.jpg, storyboard-NNN.jpg and thumbnails.vtt into ``out_dir``."""
    result = IndexResult()
    poster = os.path.join(out_dir, "poster.jpg")
    if video_src:
        at = min(duration * 0.1, 30.0)
        cmd = commands.poster_command(poster_src, at, settings.poster_width, poster)
    else:
        cmd = commands.waveform_poster_command(poster_src, settings.poster_width, poster)
    _check(commands.run(cmd), "poster")
    result.poster = "poster.jpg"

    interval = storyboard_interval(duration, settings)
    grid = (settings.thumb_columns, settings.thumb_rows)
    size = (settings.thumb_width, 0)
    if video_src and video_size:
        size = (settings.thumb_width, even(settings.thumb_width * video_size[1] / video_size[0]))
    if video_src or audio_src:
        cmd = commands.index_command(
            video_src,
            audio_src,
            out_dir,
            interval=interval,
            thumb_size=size,
            grid=grid,
            silence_db=settings.silence_noise_db,
            silence_seconds=settings.silence_min_seconds,
        )
        done = commands.run(cmd)
        _check(done, "index")
        log = done.stderr
        result.scene_changes = scene_changes(log, settings.scene_threshold)
        result.silences = parse_silences(log, duration) if audio_src else []
    if video_src:
        result.storyboard = sorted(
            f for f in os.listdir(out_dir) if f.startswith("storyboard-") and f.endswith(".jpg")
        )
        if result.storyboard:
            vtt = thumbnails_vtt(duration, interval, size, grid, result.storyboard)
            with open(os.path.join(out_dir, "thumbnails.vtt"), "w", encoding="utf-8") as fh:
                fh.write(vtt)
            result.thumbnails_vtt = "thumbnails.vtt"
    starts = merge_chapters(result.scene_changes, duration, settings.chapter_min_seconds)
    result.chapters = [{"start_seconds": s} for s in starts]
    return result

"""Every ffmpeg command line of the pipeline, built here and only here, with ffmpeg-python.

Functions return argument lists (``["ffmpeg", ...]``) so that the benchmark can print and run
exactly the bare command that the pipeline runs.
"""

from __future__ import annotations

import os
import subprocess

import ffmpeg

FFMPEG = os.environ.get("FFMPEG_BINARY", "ffmpeg")
_QUIET = ["-hide_banner", "-nostdin", "-nostats", "-y", "-loglevel", "error"]
_PROGRESS = ["-progress", "pipe:1"]


def compile_command(stream, *, progress: bool = True, loglevel: str = "error") -> list[str]:
    """Compile an ffmpeg-python graph, putting the global options first."""
    args = stream.compile(cmd=FFMPEG)
    head = [a if a != "error" else loglevel for a in _QUIET]
    return [args[0], *head, *(_PROGRESS if progress else []), *args[1:]]


def hls_options(out_dir: str, segment_seconds: int) -> dict:
    return {
        "format": "hls",
        "hls_time": segment_seconds,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": "init.mp4",
        "hls_segment_filename": os.path.join(out_dir, "s%05d.m4s"),
        "hls_flags": "independent_segments",
    }


def x264_options(spec, settings) -> dict:
    kbps = spec.max_kbps
    seg = settings.segment_seconds
    return {
        "c:v": "libx264",
        "preset": settings.video_preset,
        "crf": settings.crf,
        "maxrate": f"{kbps}k",
        "bufsize": f"{2 * kbps}k",
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        # Keyframes every `seg` seconds of presentation time, and only there: every rendition
        # cuts its segments at the same instants, so players switch renditions cleanly.
        # Beside a stream copy, keyframes follow the source's, so segments cut where the copy's do.
        "force_key_frames": "source"
        if spec.keyframes == "source"
        else f"expr:gte(t,n_forced*{seg})",
        "x264-params": "scenecut=0:open-gop=0",
    }


def audio_filters(stream, settings):
    if settings.loudnorm:
        stream = stream.filter("loudnorm", **_kv(settings.loudnorm_target))
        stream = stream.filter("aresample", settings.audio_rate)
    return stream


def aac_options(settings, channels: int) -> dict:
    return {
        "c:a": "aac",
        "b:a": f"{settings.audio_kbps}k",
        "ac": max(1, min(channels or 2, 2)),
        "ar": settings.audio_rate,
    }


def _kv(text: str) -> dict:
    return dict(part.split("=", 1) for part in text.split(":") if part)


def rendition_command(src: str, spec, out_dir: str, settings, info) -> list[str]:
    """One HLS rendition (video-only or audio-only), encoded or stream-copied."""
    inp = ffmpeg.input(src)
    hls = hls_options(out_dir, settings.segment_seconds)
    playlist = os.path.join(out_dir, "index.m3u8")
    if spec.kind == "audio":
        if spec.copy:
            out = inp[f"{info.audio.index}"].output(playlist, **{"c:a": "copy"}, **hls)
        else:
            audio = audio_filters(inp[f"{info.audio.index}"], settings)
            out = audio.output(playlist, **aac_options(settings, info.audio.channels), **hls)
    elif spec.copy:
        out = inp[f"{info.video.index}"].output(playlist, **{"c:v": "copy"}, **hls)
    else:
        video = (
            inp[f"{info.video.index}"]
            .filter("scale", spec.width, spec.height, flags="bicubic")
            .filter("setsar", 1)
        )
        out = video.output(playlist, **x264_options(spec, settings), **hls)
    return compile_command(out)


def ladder_split_command(src: str, plan, work_dir: str, settings, info) -> list[str]:
    """The whole ladder from one process (decode once, ``split``): the benchmark's baseline."""
    inp = ffmpeg.input(src)
    outputs = []
    videos = plan.video
    split = inp[f"{info.video.index}"].split() if len(videos) > 1 else None
    for i, spec in enumerate(videos):
        out_dir = os.path.join(work_dir, plan.dirname(spec))
        stream = split[i] if split else inp[f"{info.video.index}"]
        stream = stream.filter("scale", spec.width, spec.height, flags="bicubic")
        stream = stream.filter("setsar", 1)
        outputs.append(
            stream.output(
                os.path.join(out_dir, "index.m3u8"),
                **x264_options(spec, settings),
                **hls_options(out_dir, settings.segment_seconds),
            )
        )
    if plan.audio:
        out_dir = os.path.join(work_dir, plan.dirname(plan.audio))
        audio = audio_filters(inp[f"{info.audio.index}"], settings)
        outputs.append(
            audio.output(
                os.path.join(out_dir, "index.m3u8"),
                **aac_options(settings, info.audio.channels),
                **hls_options(out_dir, settings.segment_seconds),
            )
        )
    return compile_command(ffmpeg.merge_outputs(*outputs))


def mp4_command(video_src: str | None, audio_src: str | None, out_path: str) -> list[str]:
    """Progressive download: stream copy, moov atom first (+faststart)."""
    streams = []
    if video_src:
        streams.append(ffmpeg.input(video_src)["v:0"])
    if audio_src:
        streams.append(ffmpeg.input(audio_src)["a:0"])
    out = ffmpeg.output(*streams, out_path, c="copy", movflags="+faststart", f="mp4")
    return compile_command(out)


def demux_check_command(path: str) -> list[str]:
    """Read every audio and video packet without decoding: finds truncation, measures length."""
    inp = ffmpeg.input(path)
    out = ffmpeg.output(inp["v?"], inp["a?"], "-", c="copy", f="null")
    return compile_command(out)


def poster_command(src: str, at_seconds: float, width: int, out_path: str) -> list[str]:
    video = ffmpeg.input(src, ss=f"{at_seconds:.3f}")["v:0"]
    video = video.filter("scale", f"min({width},iw)", -2).filter("setsar", 1)
    return compile_command(video.output(out_path, vframes=1, **{"q:v": 3}), progress=False)


def waveform_poster_command(src: str, width: int, out_path: str) -> list[str]:
    """Poster for audio-only recordings: the waveform of the whole recording."""
    height = width * 9 // 16
    audio = ffmpeg.input(src)["a:0"]
    pic = audio.filter("showwavespic", s=f"{width}x{height}", colors="0x3b82f6")
    pic = pic.filter("format", "yuvj420p")
    return compile_command(pic.output(out_path, vframes=1, **{"q:v": 3}), progress=False)


def index_command(
    video_src: str | None,
    audio_src: str | None,
    out_dir: str,
    *,
    interval: float,
    thumb_size: tuple[int, int],
    grid: tuple[int, int],
    silence_db: int,
    silence_seconds: float,
) -> list[str]:
    """One pass for the index: storyboard sprites, scene changes and silences.

    Video is decoded keyframes-only (renditions have one every segment), which is plenty for a
    storyboard and for slide changes, and keeps indexing a small share of the job.
    Frame differences and silences are read from the log (metadata print, silencedetect).
    """
    outputs = []
    if video_src:
        video = ffmpeg.input(video_src, skip_frame="nokey")["v:0"].split()
        sprite = (
            video[0]
            .filter("fps", fps=f"1/{interval:g}")
            .filter("scale", thumb_size[0], thumb_size[1])
            .filter("tile", f"{grid[0]}x{grid[1]}")
        )
        outputs.append(
            sprite.output(
                os.path.join(out_dir, "storyboard-%03d.jpg"), **{"q:v": 5, "fps_mode": "vfr"}
            )
        )
        # mean absolute difference between consecutive sampled frames, per plane, logged
        diff = video[1].filter("tblend", all_mode="difference").filter("signalstats")
        for plane in "YUV":
            diff = diff.filter("metadata", mode="print", key=f"lavfi.signalstats.{plane}AVG")
        scenes = diff
        outputs.append(scenes.output("-", f="null"))
    if audio_src:
        audio = ffmpeg.input(audio_src)["a:0"].filter(
            "silencedetect", n=f"{silence_db}dB", d=silence_seconds
        )
        outputs.append(audio.output("-", f="null"))
    return compile_command(ffmpeg.merge_outputs(*outputs), progress=True, loglevel="info")


def run(args: list[str], *, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run a short command; the caller decides what a non-zero exit means."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def parse_progress(text: str) -> float:
    """Seconds of output written, from ``-progress`` key=value lines (last value wins)."""
    seconds = 0.0
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("out_time_us", "out_time_ms") and value.strip().lstrip("-").isdigit():
            seconds = max(seconds, int(value) / 1_000_000)
    return seconds


def run_demux_check(path: str) -> tuple[float, str]:
    done = run(demux_check_command(path))
    errors = done.stderr.strip()
    if done.returncode != 0 and not errors:
        errors = f"ffmpeg exited with {done.returncode}"
    return parse_progress(done.stdout), errors

"""Small media files made at test time with ffmpeg's lavfi sources (a few seconds each)."""

from __future__ import annotations

import os
import subprocess

FF = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
SLIDE_COLORS = ["0xf4f4f4", "0x1e3a8a", "0xfde047", "0x166534"]


def _ff(*args: str) -> None:
    subprocess.run([*FF, *args], check=True, capture_output=True)


def slides(path: str, seconds_per_slide: float = 2.5, size: str = "320x180") -> str:
    """Slides with hard cuts: four very different 'slides' plus a tone with a silent gap."""
    parts = []
    for color in SLIDE_COLORS:
        parts += ["-f", "lavfi", "-i", f"color=c={color}:s={size}:r=25:d={seconds_per_slide}"]
    n = len(SLIDE_COLORS)
    total = n * seconds_per_slide
    concat = "".join(f"[{i}:v]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]"
    # tone, then 2.5 s of silence in the middle, then tone again
    tone = f"sine=f=330:d={total}:sample_rate=48000"
    silent = f"volume=enable='between(t,{total / 2 - 1.5},{total / 2 + 1})':volume=0"
    _ff(
        *parts,
        "-f", "lavfi", "-i", tone,
        "-filter_complex", f"{concat};[{n}:a]{silent}[a]",
        "-map", "[v]", "-map", "[a]", "-c:v", "mpeg4", "-q:v", "5", "-c:a", "libmp3lame",
        path,
    )  # fmt: skip
    return path


def moving(path: str, seconds: float = 3, size: str = "320x240", codec: str = "mpeg4") -> str:
    vcodec = {
        "h264": X264,
        "h264-gop1s": [*X264, "-g", "25"],  # a keyframe every second, as cameras and Meet do
        "h264-444": [  # 4:4:4 allows odd sizes
            "-vf",
            f"format=yuv444p,scale={size.replace('x', ':')}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv444p",
        ],
    }.get(codec, ["-c:v", codec, "-q:v", "5"])
    acodec = ["-c:a", "aac"] if codec.startswith("h264") else ["-c:a", "libmp3lame"]
    _ff(
        "-f", "lavfi", "-i", f"testsrc2=s={size}:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=f=440:d={seconds}:sample_rate=48000",
        *vcodec, *acodec, "-shortest", path,
    )  # fmt: skip
    return path


def audio_only(path: str, seconds: float = 4, channels: int = 1) -> str:
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    _ff(
        "-f", "lavfi", "-i", f"sine=f=220:d={seconds}:sample_rate=48000",
        "-af", f"aformat=channel_layouts={layout},"
        f"volume=enable='between(t,1,3.5)':volume=0",
        "-c:a", "libmp3lame" if channels <= 2 else "ac3", path,
    )  # fmt: skip
    return path


def surround(path: str, seconds: float = 2) -> str:
    _ff(
        "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=f=440:d={seconds}:sample_rate=48000",
        "-filter_complex", "[1:a]aformat=channel_layouts=5.1[a]",
        "-map", "0:v", "-map", "[a]", "-c:v", "mpeg4", "-c:a", "ac3", path,
    )  # fmt: skip
    return path


def rotated(path: str, seconds: float = 2) -> str:
    """A 320x240 h264 stream shown as portrait (display matrix 90°)."""
    plain = path + ".plain.mp4"
    moving(plain, seconds, "320x240", "h264")
    _ff("-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", path)
    os.unlink(plain)
    return path


def vfr(path: str, seconds: float = 3) -> str:
    """Variable frame rate: frames dropped unevenly, timestamps kept."""
    _ff(
        "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=30:d={seconds}",
        "-f", "lavfi", "-i", f"sine=d={seconds}",
        "-vf", "select='not(eq(mod(n,3),1))*lt(mod(t,2),1)+gte(mod(t,2),1)'",
        "-fps_mode", "vfr", "-c:v", "mpeg4", "-c:a", "aac", path,
    )  # fmt: skip
    return path


def webm_without_duration(path: str, seconds: float = 3) -> str:
    """VP8/Opus WebM written to a pipe, as a browser's MediaRecorder does: no duration."""
    args = [
        *FF,
        "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=d={seconds}:sample_rate=48000",
        "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
        "-c:a", "libopus", "-f", "webm", "pipe:1",
    ]  # fmt: skip
    with open(path, "wb") as fh:
        subprocess.run(args, check=True, stdout=fh, stderr=subprocess.PIPE)
    return path


def truncated_mp4(path: str) -> str:
    """A faststart MP4 cut in the middle of its media data."""
    full = path + ".full.mp4"
    moving(full, 3, "320x240", "h264")
    with open(full, "rb") as src, open(path, "wb") as dst:
        data = src.read()
        dst.write(data[: len(data) // 2])
    os.unlink(full)
    return path


def mp4_without_moov(path: str) -> str:
    """A plain MP4 (moov at the end) cut before the moov: what an interrupted upload leaves."""
    full = path + ".full.mp4"
    _ff(
        "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3", *X264, full,
    )  # fmt: skip
    with open(full, "rb") as src, open(path, "wb") as dst:
        data = src.read()
        dst.write(data[: len(data) * 2 // 3])
    os.unlink(full)
    return path


def single_frame(path: str) -> str:
    _ff("-f", "lavfi", "-i", "testsrc=s=320x240:r=25", "-frames:v", "1", *X264, path)
    return path


def subtitles_only(path: str) -> str:
    srt = path + ".srt"
    with open(srt, "w") as fh:
        fh.write("1\n00:00:01,000 --> 00:00:02,000\nhello\n")
    _ff("-i", srt, "-c:s", "mov_text", path)
    os.unlink(srt)
    return path

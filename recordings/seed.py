"""Demo data: a short sample recording (made with ffmpeg's lavfi) on the first past session."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from training.db import utcnow
from training.extensions import db

SAMPLE_SECONDS = 40


def make_sample(path: str) -> None:
    """Four 'slides' with a small moving inset and a tone: chapters, storyboard, silence."""
    slide = 10
    video = (
        f"color=c=white:s=1280x720:r=25:d={SAMPLE_SECONDS}[bg];"
        f"[bg]drawbox=x=0:y=0:w=1280:h=110:c=0x1e3a8a:t=fill,"
        f"hue=h=floor(t/{slide})*60,"
        f"drawbox=x=80:y=200+mod(floor(t/{slide})*90\\,300):w=800:h=40:c=0x334155:t=fill[s];"
        f"testsrc2=s=256x144:r=25:d={SAMPLE_SECONDS}[cam];"
        f"[s][cam]overlay=x='W-w-30-60*sin(t/3)':y=H-h-30,format=yuv420p[v];"
        f"[0:a]volume=enable='between(t,18,22)':volume=0[a]"
    )
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"sine=f=220:sample_rate=48000:d={SAMPLE_SECONDS}",
         "-filter_complex", video, "-map", "[v]", "-map", "[a]",
         "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "800k",
         "-c:a", "libvorbis", path],
        check=True,
    )  # fmt: skip


def seed_sample_recording(program, result) -> None:
    from recordings.ingest import ingest_file
    from training.sessions.models import TrainingSession

    session = db.session.scalar(
        db.select(TrainingSession)
        .where(TrainingSession.program_id == program.id, TrainingSession.starts_at < utcnow())
        .order_by(TrainingSession.starts_at)
        .limit(1)
    ) or db.session.scalar(
        db.select(TrainingSession).where(TrainingSession.program_id == program.id).limit(1)
    )
    if session is None:
        return
    fd, path = tempfile.mkstemp(suffix=".webm")
    os.close(fd)
    try:
        make_sample(path)
        recording = ingest_file(
            session, Path(path), filename="sample.webm", content_type="video/webm"
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        result.notes.append(f"No sample recording (ffmpeg: {exc}).")
        return
    finally:
        if os.path.exists(path):
            os.unlink(path)
    result.notes.append(f"Sample recording: /recordings/{recording.id} (processed by the worker)")

"""Recordings of training sessions, their renditions, captions and who watched how much."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recordings.lifecycle import RecordingStatus
from training.db import UTCDateTime, utcnow
from training.extensions import db
from training.sessions.models import TrainingSession

STATUSES = tuple(RecordingStatus)
WATCH_BUCKET_SECONDS = 10


class Recording(db.Model):
    __tablename__ = "recordings"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('uploading', 'queued', 'processing', 'ready', 'failed')",
            name="status_known",
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content_type: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=RecordingStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(sa.String(40))
    error_detail: Mapped[str | None] = mapped_column(sa.Text)
    # resumable upload: announced length and bytes received so far
    upload_length: Mapped[int | None] = mapped_column(sa.BigInteger)
    upload_offset: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    duration_seconds: Mapped[float | None] = mapped_column(sa.Float)
    # published outputs (relative to the recording's media folder)
    fingerprint: Mapped[str | None] = mapped_column(sa.String(20))
    hls_path: Mapped[str | None] = mapped_column(sa.String(200))
    mp4_path: Mapped[str | None] = mapped_column(sa.String(200))
    poster_path: Mapped[str | None] = mapped_column(sa.String(200))
    thumbnails_path: Mapped[str | None] = mapped_column(sa.String(200))
    media_info_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    chapters_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    silences_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    # processing bookkeeping: which job owns the recording, and when it last showed life
    attempts: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str | None] = mapped_column(sa.String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    playable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[TrainingSession] = relationship()
    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="recording", cascade="all, delete-orphan", order_by="Rendition.height"
    )
    captions: Mapped[list[Caption]] = relationship(
        back_populates="recording", cascade="all, delete-orphan", order_by="Caption.language"
    )

    @property
    def chapters(self) -> list[dict]:
        return json.loads(self.chapters_json or "[]")

    @chapters.setter
    def chapters(self, value: list[dict]) -> None:
        self.chapters_json = json.dumps(value)

    @property
    def silences(self) -> list[dict]:
        return json.loads(self.silences_json or "[]")

    @property
    def media_info(self) -> dict:
        return json.loads(self.media_info_json or "{}")

    @property
    def is_playable(self) -> bool:
        return bool(self.hls_path)


class Rendition(db.Model):
    __tablename__ = "recording_renditions"
    __table_args__ = (sa.UniqueConstraint("recording_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(200))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    bandwidth: Mapped[int] = mapped_column(default=0)
    codec: Mapped[str] = mapped_column(sa.String(40), default="")

    recording: Mapped[Recording] = relationship(back_populates="renditions")


class Caption(db.Model):
    __tablename__ = "recording_captions"
    __table_args__ = (sa.UniqueConstraint("recording_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(16))
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    vtt: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recording: Mapped[Recording] = relationship(back_populates="captions")
    cues: Mapped[list[CaptionCue]] = relationship(
        cascade="all, delete-orphan", order_by="CaptionCue.start_seconds"
    )


class CaptionCue(db.Model):
    """One caption cue as plain text, for the search across a program's recordings."""

    __tablename__ = "recording_caption_cues"

    id: Mapped[int] = mapped_column(primary_key=True)
    caption_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recording_captions.id", ondelete="CASCADE"), index=True
    )
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    start_seconds: Mapped[float] = mapped_column(sa.Float)
    end_seconds: Mapped[float] = mapped_column(sa.Float)
    text: Mapped[str] = mapped_column(sa.Text)


class WatchProgress(db.Model):
    """Where a member is in a recording, and which parts they have watched.

    ``watched`` has one character per WATCH_BUCKET_SECONDS of the recording: "1" once the
    member played through that stretch, so completion is what was seen, not where one jumped.
    """

    __tablename__ = "recording_watch_progress"
    __table_args__ = (sa.UniqueConstraint("recording_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    position_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    watched: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def completion(self) -> int:
        if not self.watched:
            return 0
        return round(100 * self.watched.count("1") / len(self.watched))

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import UTCDateTime, utcnow
from training.extensions import db
from training.programs.models import Program


class TrainingSession(db.Model):
    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    join_url: Mapped[str | None] = mapped_column(sa.String(2000))
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()


RSVP_RESPONSES = ("yes", "no", "maybe")
ATTENDANCE_STATUSES = ("present", "absent")
DEFAULT_REMINDER_MINUTES = (24 * 60, 60)


class SessionSettings(db.Model):
    """Per-program settings of the sessions feature (created on first change)."""

    __tablename__ = "session_settings"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    # Minutes before the start at which reminders go out, comma-separated ("1440,60").
    reminder_minutes: Mapped[str] = mapped_column(sa.String(100), default="1440,60")

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        return parse_reminder_minutes(self.reminder_minutes)


def parse_reminder_minutes(text: str | None) -> tuple[int, ...]:
    values = sorted({int(v) for v in (text or "").replace(" ", "").split(",") if v}, reverse=True)
    if any(v <= 0 or v > 60 * 24 * 14 for v in values):
        raise ValueError("reminder offsets must be between 1 minute and 14 days")
    return tuple(values)


class SessionMaterial(db.Model):
    """A file attached to a session; stored under MEDIA_ROOT/materials/<session id>/."""

    __tablename__ = "session_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(200))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionRsvp(db.Model):
    """A member's answer to a session: yes, no or maybe (one row per member and session)."""

    __tablename__ = "session_rsvps"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.CheckConstraint("response IN ('yes', 'no', 'maybe')", name="response_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(sa.String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class SessionAttendance(db.Model):
    """Whether a participant attended a session, as marked by the facilitator."""

    __tablename__ = "session_attendance"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.CheckConstraint("status IN ('present', 'absent')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10))
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

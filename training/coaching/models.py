"""Coaching tables: settings per program, slots, bookings, notes, weekly unavailability.

Holds (a slot kept for one participant after the expert cancelled their booking) are two columns
on the slot. "Booked" is not stored on the slot: a slot is booked when an active booking points
at it, and the partial unique index ``uq_coaching_bookings_active_slot`` makes that booking the
only one, on PostgreSQL and on SQLite alike.
"""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.coaching.rules import ACTIVE_STATUSES, STATUSES
from training.db import UTCDateTime, utcnow
from training.extensions import db
from training.programs.models import Program


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


_ACTIVE_SQL = sa.text(f"status IN ({_quoted(ACTIVE_STATUSES)})")
NOTE_KINDS = ("preparation", "private", "shared")
SLOT_STATUSES = ("open", "withdrawn")


class CoachingSettings(db.Model):
    """Per-program coaching rules; a program without a row uses the defaults."""

    __tablename__ = "coaching_settings"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    cutoff_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    min_notice_hours: Mapped[int] = mapped_column(default=12, server_default="12")
    pacing_days: Mapped[int] = mapped_column(default=0, server_default="0")
    late_cancel_counts: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class CoachingSlot(db.Model):
    __tablename__ = "coaching_slots"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="slot_ends_after_start"),
        sa.CheckConstraint("status IN ('open', 'withdrawn')", name="slot_status_known"),
        sa.Index("ix_coaching_slots_program_starts", "program_id", "starts_at"),
        sa.Index("ix_coaching_slots_expert_starts", "expert_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", server_default="open")
    hold_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    program: Mapped[Program] = relationship()

    def held_for_other(self, user_id: int, now: datetime) -> bool:
        return (
            self.hold_user_id is not None
            and self.hold_user_id != user_id
            and self.hold_until is not None
            and self.hold_until > now
        )


class Booking(db.Model):
    __tablename__ = "coaching_bookings"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_quoted(STATUSES)})", name="booking_status_known"),
        sa.Index(
            "uq_coaching_bookings_active_slot",
            "slot_id",
            unique=True,
            postgresql_where=_ACTIVE_SQL,
            sqlite_where=_ACTIVE_SQL,
        ),
        sa.Index("ix_coaching_bookings_participant", "program_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_slots.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20), default="booked", server_default="booked")
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[CoachingSlot] = relationship()
    program: Mapped[Program] = relationship()
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    notes: Mapped[list[CoachingNote]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="CoachingNote.id"
    )

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CoachingNote(db.Model):
    """preparation: the participant's "what I want from this session" (participant + expert);
    private: the expert's own notes (expert only); shared: the expert's notes for the
    participant (both). The facilitator never sees note text."""

    __tablename__ = "coaching_notes"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('preparation', 'private', 'shared')", name="note_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_bookings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(12))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="notes")


class WeeklyUnavailability(db.Model):
    """A weekly time a participant can't make, in their own time zone (weekday 0 = Monday)."""

    __tablename__ = "coaching_unavailability"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("end_time > start_time", name="unavailability_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column()
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)

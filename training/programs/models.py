from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import Company, User
from training.db import UTCDateTime, utcnow
from training.extensions import db


class Program(db.Model):
    __tablename__ = "programs"
    __table_args__ = (
        sa.CheckConstraint("coaching_quota >= 0", name="quota_not_negative"),
        sa.CheckConstraint("planned_sessions >= 0", name="planned_not_negative"),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"
        ),
        sa.CheckConstraint("invite_sender IN ('copa', 'google')", name="invite_sender_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/Toronto")
    coaching_quota: Mapped[int] = mapped_column(default=5)
    planned_sessions: Mapped[int] = mapped_column(default=10)
    locale: Mapped[str] = mapped_column(sa.String(10), default="fr_CA")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    # Who e-mails calendar invites: Copa itself, or Google Calendar (sendUpdates=all).
    invite_sender: Mapped[str] = mapped_column(sa.String(10), default="copa", server_default="copa")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="program")


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("program_id", "user_id", "role"),
        sa.CheckConstraint("role IN ('participant', 'facilitator', 'expert')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
    company: Mapped[Company | None] = relationship()

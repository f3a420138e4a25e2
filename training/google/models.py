"""Google Workspace tables: one connection per program, event links, recording imports.

Credentials are stored encrypted (``training.google.secrets``) and never leave the client
layer; only ``kind``, ``account`` and ``organizer_email`` are ever displayed.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.db import UTCDateTime, utcnow
from training.extensions import db

CONNECTION_STATUSES = ("pending", "ok", "error", "disabled")
LINK_KINDS = ("session", "booking")
IMPORT_STATUSES = ("waiting", "downloading", "imported", "not_found", "failed")


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _salt() -> str:
    return secrets.token_hex(16)


class GoogleConnection(db.Model):
    __tablename__ = "google_connections"
    __table_args__ = (
        sa.CheckConstraint(
            f"status IN ({_quoted(CONNECTION_STATUSES)})", name="google_status_known"
        ),
        sa.CheckConstraint(
            "kind IN ('service_account', 'authorized_user')", name="google_kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    account: Mapped[str] = mapped_column(sa.String(320), default="")  # SA e-mail / client id
    organizer_email: Mapped[str] = mapped_column(sa.String(254))
    calendar_id: Mapped[str] = mapped_column(sa.String(254), default="primary")
    credentials_encrypted: Mapped[str] = mapped_column(sa.Text)
    id_salt: Mapped[str] = mapped_column(sa.String(64), default=_salt)
    enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_reason: Mapped[str | None] = mapped_column(sa.String(100))
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recording_max_attempts: Mapped[int] = mapped_column(default=12, server_default="12")
    recording_retry_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:  # never the credentials
        return f"<GoogleConnection program={self.program_id} {self.kind} {self.status}>"


class GoogleEventLink(db.Model):
    """A Copa object (training session or coaching booking) mirrored as a Google event."""

    __tablename__ = "google_event_links"
    __table_args__ = (
        sa.UniqueConstraint("object_kind", "object_id"),
        sa.CheckConstraint(f"object_kind IN ({_quoted(LINK_KINDS)})", name="link_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    object_kind: Mapped[str] = mapped_column(sa.String(10))
    object_id: Mapped[int] = mapped_column()
    event_id: Mapped[str] = mapped_column(sa.String(1024))
    etag: Mapped[str | None] = mapped_column(sa.String(255))
    generation: Mapped[int] = mapped_column(default=0, server_default="0")
    meet_url: Mapped[str | None] = mapped_column(sa.String(500))
    html_link: Mapped[str | None] = mapped_column(sa.String(2000))
    conference_status: Mapped[str | None] = mapped_column(sa.String(20))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoogleRecordingImport(db.Model):
    """The search for, and download of, one training session's Meet recording."""

    __tablename__ = "google_recording_imports"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_quoted(IMPORT_STATUSES)})", name="import_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(12), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    file_id: Mapped[str | None] = mapped_column(sa.String(200))
    file_name: Mapped[str | None] = mapped_column(sa.String(500))
    source: Mapped[str | None] = mapped_column(sa.String(10))  # meet | drive
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    recording_id: Mapped[int | None] = mapped_column()  # the pipeline's Recording, once handed
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.db import UTCDateTime, utcnow
from training.extensions import db


class OutboxMessage(db.Model):
    """One e-mail. ``status`` goes queued → sent, or failed after the last retry.

    The send job claims a row by switching it to ``sending`` in its own transaction, so two
    runs of the same job never both hand the message to SMTP.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'held')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    ics: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    ics_method: Mapped[str | None] = mapped_column(sa.String(20))
    # Extra header lines as a JSON object (List-Unsubscribe, List-Unsubscribe-Post, ...).
    headers: Mapped[str | None] = mapped_column(sa.Text)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""The sessions block of the program overview: the next training session, and what the viewer
has to do about it (answer the invitation, join when it opens)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from training.db import utcnow
from training.extensions import db
from training.sessions.models import SessionRsvp, TrainingSession


def next_session_block(program) -> Markup:
    now = utcnow()
    upcoming = db.session.scalars(
        db.select(TrainingSession)
        .where(
            TrainingSession.program_id == program.id,
            TrainingSession.status == "scheduled",
            TrainingSession.ends_at > now,
        )
        .order_by(TrainingSession.starts_at)
        .limit(2)
    ).all()
    mine = None
    if upcoming:
        mine = db.session.scalar(
            db.select(SessionRsvp.response).where(
                SessionRsvp.session_id == upcoming[0].id, SessionRsvp.user_id == current_user.id
            )
        )
    return Markup(
        render_template(
            "sessions/_overview.html", program=program, upcoming=upcoming, mine=mine, now=now
        )
    )

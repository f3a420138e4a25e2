"""The sessions block of the program overview: the next training session, and what the viewer
has to do about it (answer the invitation, join when it opens)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from training.db import utcnow
from training.extensions import db
from training.policy import can
from training.programs.models import Membership
from training.sessions.models import SessionAttendance, SessionRsvp, TrainingSession

RECENT = 3


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
            "sessions/_overview.html",
            program=program,
            upcoming=upcoming,
            mine=mine,
            now=now,
            health=_health(program, now) if can("sessions.manage", program.id) else None,
        )
    )


def _health(program, now) -> dict:
    """For the facilitator: sessions scheduled against planned, and the attendance rate of the
    latest sessions held (present among the participants marked, out of all participants)."""
    scheduled = db.session.scalar(
        db.select(db.func.count()).where(
            TrainingSession.program_id == program.id, TrainingSession.status == "scheduled"
        )
    )
    participants = db.session.scalar(
        db.select(db.func.count()).where(
            Membership.program_id == program.id, Membership.role == "participant"
        )
    )
    held = db.session.scalars(
        db.select(TrainingSession)
        .where(
            TrainingSession.program_id == program.id,
            TrainingSession.status == "scheduled",
            TrainingSession.ends_at <= now,
        )
        .order_by(TrainingSession.starts_at.desc())
        .limit(RECENT)
    ).all()
    present = dict(
        db.session.execute(
            db.select(SessionAttendance.session_id, db.func.count())
            .where(
                SessionAttendance.session_id.in_([s.id for s in held]),
                SessionAttendance.status == "present",
            )
            .group_by(SessionAttendance.session_id)
        ).all()
    )
    return {
        "scheduled": scheduled,
        "planned": program.planned_sessions,
        "participants": participants,
        "held": [(s, present.get(s.id, 0)) for s in held],
    }

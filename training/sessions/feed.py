"""Training sessions in calendar feeds: each member's sessions, and a program-wide feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from training.calendar.feeds import Feed
from training.calendar.ical import CANCELLED_RETENTION
from training.db import utcnow
from training.extensions import db
from training.programs.models import Membership, Program
from training.sessions.events import SessionLinks, session_event
from training.sessions.models import TrainingSession


def _visible(now):
    """Scheduled sessions, and cancelled ones for 30 days after the cancellation."""
    return sa.or_(
        TrainingSession.status == "scheduled",
        TrainingSession.updated_at >= now - CANCELLED_RETENTION + timedelta(seconds=1),
    )


def _user_programs(user_id: int):
    return db.select(Membership.program_id).where(Membership.user_id == user_id)


def _fingerprint(where, program_filter) -> str:
    """count, newest change, sum of sequences, sum of ids of the visible sessions, and the
    programs' titles and zones: any change to what the feed shows changes one of these."""
    now = utcnow()
    row = db.session.execute(
        db.select(
            db.func.count(TrainingSession.id),
            db.func.max(TrainingSession.updated_at),
            db.func.coalesce(db.func.sum(TrainingSession.sequence), 0),
            db.func.coalesce(db.func.sum(TrainingSession.id), 0),
        ).where(where, _visible(now))
    ).one()
    programs = db.session.execute(
        db.select(Program.id, Program.title, Program.timezone)
        .where(program_filter)
        .order_by(Program.id)
    ).all()
    return repr((tuple(row), [tuple(p) for p in programs]))


# Built once: the 304 path of a feed runs these on every poll of every calendar client.
_MY_PROGRAMS = db.select(Membership.program_id).where(Membership.user_id == sa.bindparam("uid"))
_MY_SESSIONS_AGGREGATE = db.select(
    db.func.count(TrainingSession.id),
    db.func.max(TrainingSession.updated_at),
    db.func.coalesce(db.func.sum(TrainingSession.sequence), 0),
    db.func.coalesce(db.func.sum(TrainingSession.id), 0),
).where(
    TrainingSession.program_id.in_(_MY_PROGRAMS),
    sa.or_(
        TrainingSession.status == "scheduled",
        TrainingSession.updated_at >= sa.bindparam("since"),
    ),
)
_MY_PROGRAM_LABELS = (
    db.select(Program.id, Program.title, Program.timezone)
    .where(Program.id.in_(_MY_PROGRAMS))
    .order_by(Program.id)
)


def sessions_fingerprint(user_id: int) -> str:
    """Same as ``_fingerprint`` for the user's programs, with prebuilt statements."""
    params = {
        "uid": user_id,
        "since": utcnow() - CANCELLED_RETENTION + timedelta(seconds=1),
    }
    row = db.session.execute(_MY_SESSIONS_AGGREGATE, params).one()
    programs = db.session.execute(_MY_PROGRAM_LABELS, {"uid": user_id}).all()
    return repr((tuple(row), [tuple(p) for p in programs]))


_COLUMNS = (
    TrainingSession.id,
    TrainingSession.title,
    TrainingSession.description,
    TrainingSession.starts_at,
    TrainingSession.ends_at,
    TrainingSession.join_url,
    TrainingSession.status,
    TrainingSession.sequence,
    TrainingSession.created_at,
    TrainingSession.updated_at,
    Program.title.label("program_title"),
    Program.timezone.label("program_timezone"),
)


@dataclass(frozen=True)
class _ProgramView:
    title: str
    timezone: str


def _events(where) -> list:
    """Plain rows (no ORM identity map) turned into events: feeds can hold hundreds."""
    now = utcnow()
    rows = db.session.execute(
        db.select(*_COLUMNS)
        .join(Program, Program.id == TrainingSession.program_id)
        .where(where, _visible(now))
        .order_by(TrainingSession.starts_at)
    ).all()
    links = SessionLinks()
    programs: dict[tuple[str, str], _ProgramView] = {}
    events = []
    for row in rows:
        key = (row.program_title, row.program_timezone)
        program = programs.get(key) or programs.setdefault(key, _ProgramView(*key))
        events.append(session_event(row, program, links=links))
    return events


def sessions_feed_events(user_id: int) -> list:
    """The user's training sessions (all their programs) for their personal feed."""
    return _events(TrainingSession.program_id.in_(_user_programs(user_id)))


def program_feed(program: Program) -> Feed:
    """Every session of the program (the facilitator's program-wide feed)."""
    where = TrainingSession.program_id == program.id
    return Feed(
        name=_("%(program)s — all sessions", program=program.title),
        timezone=program.timezone,
        sources=[(lambda: _fingerprint(where, Program.id == program.id), lambda: _events(where))],
    )

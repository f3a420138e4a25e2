"""Participation health, for the facilitator only: per member, last visit, topics, replies,
questions and replays watched; who has been silent for the program's number of weeks; the
share of posts written by the three most active members; posts per week. Participants never
see these figures (the API and the page require the facilitator)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from training.db import utcnow
from training.extensions import db
from training.forum.errors import ForumError
from training.forum.models import (
    ForumContactNote,
    ForumPost,
    ForumSettings,
    ForumTopic,
    ForumVisit,
)
from training.forum.present import Reader
from training.programs.models import Membership
from training.programs.roles import PARTICIPANT

TOP_SHARE_WARNING = 0.5
MAX_CONTACT_NOTE = 4000


def set_silent_weeks(reader: Reader, weeks) -> ForumSettings:
    """The program setting: members silent for this many weeks are flagged (1 to 26)."""
    if not reader.facilitator:
        raise Forbidden()
    try:
        weeks = int(weeks)
    except (TypeError, ValueError):
        weeks = 0
    if not 1 <= weeks <= 26:
        raise ForumError(
            422, "invalid_value", _("Give a number of weeks from 1 to 26."), field="silent_weeks"
        )
    row = db.session.get(ForumSettings, reader.program_id)
    if row is None:
        row = ForumSettings(program_id=reader.program_id)
        db.session.add(row)
    row.silent_weeks = weeks
    return row


def add_contact_note(reader: Reader, member_id: int | None, body: str) -> ForumContactNote:
    """The facilitator's private log of reaching out ("many phone calls to understand what is
    wrong"): only the program's facilitators read it."""
    if not reader.facilitator:
        raise Forbidden()
    body = (body or "").strip()
    if not body:
        raise ForumError(422, "body_required", _("Write what was said."), field="body")
    if len(body) > MAX_CONTACT_NOTE:
        raise ForumError(
            422, "body_too_long", _("Keep the note under 4,000 characters."), field="body"
        )
    is_participant = member_id and db.session.scalar(
        db.select(Membership.id).where(
            Membership.program_id == reader.program_id,
            Membership.user_id == member_id,
            Membership.role == PARTICIPANT,
        )
    )
    if not is_participant:
        raise ForumError(
            422, "not_a_member", _("Choose a participant of this program."), field="member_id"
        )
    note = ForumContactNote(
        program_id=reader.program_id, member_id=member_id, author_id=reader.user_id, body=body
    )
    db.session.add(note)
    return note


def contact_notes(program_id: int) -> dict[int, list[ForumContactNote]]:
    """Member id → notes, newest first."""
    out: dict[int, list[ForumContactNote]] = {}
    for note in db.session.scalars(
        db.select(ForumContactNote)
        .where(ForumContactNote.program_id == program_id)
        .order_by(ForumContactNote.id.desc())
    ):
        out.setdefault(note.member_id, []).append(note)
    return out


def silent_weeks(program_id: int) -> int:
    row = db.session.get(ForumSettings, program_id)
    return row.silent_weeks if row else 3


def _replays(program_id: int) -> dict[int, int]:
    """Recordings each member started watching (the recordings feature's table, read by name
    so the forum does not import it)."""
    rows = db.session.execute(
        sa.text(
            "SELECT w.user_id, COUNT(*) FROM recording_watch_progress w"
            " JOIN recordings r ON r.id = w.recording_id"
            " WHERE r.program_id = :pid GROUP BY w.user_id"
        ),
        {"pid": program_id},
    ).all()
    return {uid: count for uid, count in rows}


def report(reader: Reader) -> dict:
    pid = reader.program_id
    now = utcnow()
    weeks = silent_weeks(pid)
    cutoff = now - timedelta(weeks=weeks)
    members = db.session.scalars(
        db.select(Membership).where(Membership.program_id == pid, Membership.role == PARTICIPANT)
    ).all()
    visits = dict(
        db.session.execute(
            db.select(ForumVisit.user_id, ForumVisit.visited_at).where(ForumVisit.program_id == pid)
        ).all()
    )
    live = sa.and_(ForumPost.program_id == pid, ForumPost.deleted_at.is_(None))
    counts: dict[tuple[int, bool], int] = {}
    last_post: dict[int, object] = {}
    for uid, first, count, last in db.session.execute(
        db.select(
            ForumPost.author_id,
            ForumPost.is_first,
            sa.func.count(ForumPost.id),
            sa.func.max(ForumPost.created_at),
        )
        .where(live)
        .group_by(ForumPost.author_id, ForumPost.is_first)
    ):
        counts[(uid, first)] = count
        if uid is not None and (uid not in last_post or last > last_post[uid]):
            last_post[uid] = last
    questions = dict(
        db.session.execute(
            db.select(ForumTopic.author_id, sa.func.count(ForumTopic.id))
            .where(
                ForumTopic.program_id == pid,
                ForumTopic.question.is_not(None),
                ForumTopic.deleted_at.is_(None),
            )
            .group_by(ForumTopic.author_id)
        ).all()
    )
    replays = _replays(pid)
    rows = []
    for m in members:
        uid = m.user_id
        seen = [d for d in (visits.get(uid), last_post.get(uid)) if d is not None]
        last_seen = max(seen) if seen else None
        rows.append(
            {
                "user_id": uid,
                "name": m.user.name,
                "company": m.company.name if m.company else None,
                "last_visit": visits.get(uid),
                "topics": counts.get((uid, True), 0),
                "replies": counts.get((uid, False), 0),
                "questions": questions.get(uid, 0),
                "replays": replays.get(uid, 0),
                "silent": last_seen is None or last_seen < cutoff,
            }
        )
    totals = sorted((r["topics"] + r["replies"] for r in rows), reverse=True)
    all_posts = sum(totals)
    share = (sum(totals[:3]) / all_posts) if all_posts else 0.0
    weekly: dict[str, int] = {}
    for (created,) in db.session.execute(
        db.select(ForumPost.created_at).where(
            live, ForumPost.created_at >= now - timedelta(weeks=12)
        )
    ):
        year, week, _d = created.isocalendar()
        key = f"{year}-W{week:02d}"
        weekly[key] = weekly.get(key, 0) + 1
    return {
        "members": sorted(rows, key=lambda r: r["name"].lower()),
        "silent_weeks": weeks,
        "top3_share": round(share, 3),
        "top3_warning": share > TOP_SHARE_WARNING,
        "weekly": sorted(weekly.items()),
    }


def report_json(reader: Reader) -> dict:
    data = report(reader)
    for row in data["members"]:
        row["last_visit"] = row["last_visit"].isoformat() if row["last_visit"] else None
    data["weekly"] = [{"week": w, "posts": n} for w, n in data["weekly"]]
    return data

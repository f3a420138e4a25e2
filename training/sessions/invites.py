"""E-mailed invites for training sessions (iTIP REQUEST / CANCEL through the outbox).

Each member gets their own message with only themselves as ATTENDEE (participants come from
competing companies: nobody sees the others' addresses). The SEQUENCE is the session's stored
``sequence``; the outbox ``dedupe_key`` makes each (session, sequence, method, member) mail go
out once even if a request or job runs twice.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from training.accounts.models import User
from training.calendar import invite_mail
from training.db import utcnow
from training.extensions import db
from training.mail.operations import queue_mail
from training.programs.models import Membership, Program
from training.sessions.events import attendee_for, organizer_for, session_event, session_url
from training.sessions.models import TrainingSession
from training.timeutil import when_in_words


def user_locale(user: User, program: Program) -> str:
    return user.locale or program.locale or "en"


def when_text(session: TrainingSession, tz_name: str, locale: str) -> str:
    return when_in_words(session.starts_at, session.ends_at, tz_name, locale)


def recipients(program_id: int, user_id: int | None = None) -> list[tuple[User, set[str]]]:
    """Members of the program (each user once, with all their roles)."""
    stmt = db.select(Membership).where(Membership.program_id == program_id)
    if user_id is not None:
        stmt = stmt.where(Membership.user_id == user_id)
    by_user: dict[int, tuple[User, set[str]]] = {}
    for membership in db.session.scalars(stmt.order_by(Membership.id)):
        user, roles = by_user.setdefault(membership.user_id, (membership.user, set()))
        roles.add(membership.role)
    return list(by_user.values())


def copa_sends_invites(program: Program) -> bool:
    """False when Google Calendar e-mails the invites for this program (its sync does)."""
    return program.invite_sender == "copa"


def send_invite(
    session: TrainingSession,
    program: Program,
    user: User,
    roles: set[str],
    method: str,
    *,
    change: str,
    reason: str = "",
) -> None:
    locale = user_locale(user, program)
    tz_name = user.timezone or program.timezone
    event = session_event(
        session, program, organizer=organizer_for(program), attendee=attendee_for(user, roles)
    )
    with force_locale(locale):
        context = {
            "session": session,
            "program": program,
            "method": method,
            "change": change,
            "when": when_text(session, tz_name, locale),
            "page_url": session_url(session.id),
        }
        if change == "removed":
            subject = _("No longer invited: %(title)s", title=session.title)
        elif method == "CANCEL":
            subject = _("Cancelled: %(title)s", title=session.title)
        elif change == "updated":
            subject = _("Updated: %(title)s", title=session.title)
        else:
            subject = _("Invitation: %(title)s", title=session.title)
        mail = invite_mail(
            event,
            method,
            subject=subject,
            text=render_template("sessions/email/invite.txt", **context),
            html=render_template("sessions/email/invite.html", **context),
        )
    key = f"session-{session.id}-{session.sequence}-{method}-{user.id}{reason}"
    queue_mail(user.email, **mail.queue_kwargs(), dedupe_key=key[:200])


def send_session_invites(session: TrainingSession, change: str) -> int:
    """REQUEST (created, updated) or CANCEL (cancelled) to every member. Returns the count."""
    program = db.session.get(Program, session.program_id)
    if not copa_sends_invites(program):
        return 0
    method = "CANCEL" if session.status == "cancelled" else "REQUEST"
    members = recipients(program.id)
    for user, roles in members:
        send_invite(session, program, user, roles, method, change=change)
    return len(members)


def upcoming_sessions(program_id: int) -> list[TrainingSession]:
    return list(
        db.session.scalars(
            db.select(TrainingSession)
            .where(
                TrainingSession.program_id == program_id,
                TrainingSession.status == "scheduled",
                TrainingSession.ends_at > utcnow(),
            )
            .order_by(TrainingSession.starts_at)
        )
    )


def on_member_added(sender, membership: Membership, **_kw) -> None:
    """A member added later gets REQUESTs for the sessions still to come."""
    program = db.session.get(Program, membership.program_id)
    if not copa_sends_invites(program):
        return
    (user, roles), *_rest = recipients(program.id, membership.user_id)
    if len(roles) > 1:  # already a member under another role: already invited
        return
    for session in upcoming_sessions(program.id):
        send_invite(
            session,
            program,
            user,
            roles,
            "REQUEST",
            change="created",
            reason=f"-joined{membership.id}",
        )


def on_member_removed(sender, membership: Membership, **_kw) -> None:
    """A member removed (and not in the program under another role) gets CANCELs."""
    program = db.session.get(Program, membership.program_id)
    if not copa_sends_invites(program):
        return
    others = [
        m
        for m in db.session.scalars(
            db.select(Membership).where(
                Membership.program_id == program.id,
                Membership.user_id == membership.user_id,
                Membership.id != membership.id,
            )
        )
    ]
    if others:
        return
    user = membership.user
    for session in upcoming_sessions(program.id):
        send_invite(
            session,
            program,
            user,
            {membership.role},
            "CANCEL",
            change="removed",
            reason=f"-left{membership.id}",
        )

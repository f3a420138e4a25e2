"""Who may do what: the single place where roles are checked.

A user outside a program gets 404 for everything in it (its existence is not revealed); a
member whose role does not allow the action gets 403. Admins may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context
from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound

from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import EXPERT, FACILITATOR, PARTICIPANT

# action → roles that may perform it
ACTIONS: dict[str, tuple[str, ...]] = {
    "program.view": (PARTICIPANT, FACILITATOR, EXPERT),
    "members.view": (PARTICIPANT, FACILITATOR, EXPERT),
    # E-mail addresses: the program's staff only; participants (often competitors) never
    # receive each other's addresses, in pages or in the API.
    "members.contacts": (FACILITATOR, EXPERT),
    "members.manage": (FACILITATOR,),
    "sessions.manage": (FACILITATOR,),
    "materials.upload": (FACILITATOR, EXPERT),
    "attendance.mark": (FACILITATOR,),
    "availability.manage_own": (EXPERT,),
    "availability.manage_any": (FACILITATOR,),
    "coaching.book_self": (PARTICIPANT,),
    "coaching.book_for_others": (FACILITATOR,),
    "coaching.override_cutoff": (FACILITATOR,),
    "coaching.overview": (FACILITATOR,),
    "coaching.coach": (EXPERT,),
    "recordings.upload": (FACILITATOR, EXPERT),
    "recordings.view": (PARTICIPANT, FACILITATOR, EXPERT),
    "recordings.analytics": (FACILITATOR,),
    "program.feed": (FACILITATOR,),
    # Whether Google sends the invites, when it last synced: the experts' bookings depend on it.
    "google.status": (FACILITATOR, EXPERT),
}


def _user(user):
    return current_user if user is None else user


def memberships(program_id: int, user=None) -> list[Membership]:
    """The user's memberships in the program, read once per request."""
    user = _user(user)
    if not getattr(user, "is_authenticated", False):
        return []
    cache = g.setdefault("copa_memberships", {}) if has_request_context() else {}
    key = (program_id, user.id)
    if key not in cache:
        cache[key] = list(
            db.session.scalars(
                db.select(Membership).where(
                    Membership.program_id == program_id, Membership.user_id == user.id
                )
            )
        )
    return cache[key]


def roles_in(program_id: int, user=None) -> set[str]:
    return {m.role for m in memberships(program_id, user)}


def is_admin(user=None) -> bool:
    user = _user(user)
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def program_member_or_404(program_id: int, user=None) -> Program:
    """The program if ``user`` belongs to it (or is an admin); 404 otherwise."""
    program = db.session.get(Program, program_id)
    if program is None or not (is_admin(user) or memberships(program_id, user)):
        raise NotFound()
    return program


def can(action: str, program_id: int, user=None) -> bool:
    if is_admin(user):
        return True
    return bool(roles_in(program_id, user) & set(ACTIONS[action]))


def require(action: str, program_id: int, user=None) -> Program:
    """The program, if ``user`` may perform ``action`` in it; 404 for outsiders, 403 else."""
    program = program_member_or_404(program_id, user)
    if not can(action, program_id, user):
        raise Forbidden()
    return program


def require_role(program_id: int, *roles: str, user=None) -> Membership | None:
    """The user's membership with one of ``roles`` (None for an admin who has none)."""
    program_member_or_404(program_id, user)
    for membership in memberships(program_id, user):
        if membership.role in roles:
            return membership
    if is_admin(user):
        return None
    raise Forbidden()


def require_admin(user=None) -> None:
    user = _user(user)
    if not getattr(user, "is_authenticated", False):
        raise Forbidden()
    if not user.is_admin:
        raise Forbidden()


def program_ids_of(user=None) -> Iterable[int]:
    user = _user(user)
    return db.session.scalars(
        db.select(Membership.program_id).where(Membership.user_id == user.id).distinct()
    ).all()

"""JSON shapes of programs and members."""

from __future__ import annotations

from training.programs.models import Membership, Program


def program_json(program: Program) -> dict:
    return {
        "id": program.id,
        "title": program.title,
        "timezone": program.timezone,
        "coaching_quota": program.coaching_quota,
        "planned_sessions": program.planned_sessions,
        "starts_on": program.starts_on.isoformat() if program.starts_on else None,
        "ends_on": program.ends_on.isoformat() if program.ends_on else None,
        "locale": program.locale.replace("_", "-"),
        "invite_sender": program.invite_sender,
    }


def membership_json(m: Membership, *, with_contact: bool = True) -> dict:
    """A member; ``email`` only ``with_contact`` (policy action ``members.contacts``)."""
    body = {
        "id": m.id,
        "user_id": m.user_id,
        "name": m.user.name,
        "role": m.role,
        "company": m.company.name if m.company else None,
    }
    if with_contact:
        body["email"] = m.user.email
    return body

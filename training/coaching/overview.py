"""The coaching block of the program overview, by role: a participant's usage and next
session, an expert's next session, the facilitator's count of participants behind."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from training.coaching import queries as q
from training.db import utcnow
from training.policy import can, roles_in
from training.programs.roles import EXPERT, PARTICIPANT


def coaching_block(program) -> Markup:
    now = utcnow()
    roles = roles_in(program.id)
    ctx: dict = {"program": program, "now": now}
    if PARTICIPANT in roles:
        usage = q.usage(program, current_user.id)
        upcoming = [b for b in usage["bookings"] if b.active and b.slot.starts_at > now]
        ctx["usage"] = usage
        ctx["next_booking"] = upcoming[0] if upcoming else None
        ctx["bookable"] = (
            len(q.bookable_slots(program, current_user.id, now)) if usage["remaining"] else 0
        )
    if EXPERT in roles:
        mine = [
            b
            for b in q.expert_bookings(program.id, current_user.id)
            if b.active and b.slot.starts_at > now
        ]
        ctx["expert_next"] = mine[0] if mine else None
        ctx["expert_count"] = len(mine)
    if can("coaching.overview", program.id):
        rows = q.overview_rows(program)
        ctx["participants"] = len(rows)
        ctx["behind"] = sum(1 for row in rows if row["behind"])
        ctx["never_booked"] = sum(1 for row in rows if row["used"] == 0)
        ctx["has_pace"] = bool(program.starts_on and program.ends_on)
    if len(ctx) == 2:
        return Markup("")
    return Markup(render_template("coaching/_overview.html", **ctx))

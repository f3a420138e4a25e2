"""Coaching API, planning side: weekly unavailability, "propose my sessions", the facilitator's
overview and batch plan, and the program's coaching settings."""

from __future__ import annotations

from datetime import time

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field

from training.api import ApiError, api, parse_json
from training.api.schemas import Strict
from training.coaching import operations as ops
from training.coaching import planning
from training.coaching import queries as q
from training.coaching.api import _slots, _tz
from training.coaching.models import CoachingSettings, CoachingSlot
from training.coaching.proposer import WeeklyBlock
from training.coaching.rules import RuleViolation
from training.extensions import db
from training.policy import program_member_or_404, require
from training.timeutil import isoformat


class BlockIn(Strict):
    weekday: int = Field(ge=0, le=6)
    start: time
    end: time


class BlocksIn(Strict):
    unavailable: list[BlockIn]


@api.put("/programs/<int:pid>/coaching/unavailability")
@login_required
def set_unavailability(pid: int):
    require("coaching.book_self", pid)
    blocks = [WeeklyBlock(b.weekday, b.start, b.end) for b in parse_json(BlocksIn).unavailable]
    if any(b.end <= b.start for b in blocks):
        raise ApiError(422, "invalid_value", _("A time range must end after it starts."))
    planning.set_weekly_blocks(pid, current_user.id, blocks)
    db.session.commit()
    return get_unavailability(pid)


@api.get("/programs/<int:pid>/coaching/unavailability")
@login_required
def get_unavailability(pid: int):
    require("coaching.book_self", pid)
    blocks = planning.weekly_blocks(pid, current_user.id)
    return jsonify(
        unavailable=[
            {
                "weekday": b.weekday,
                "start": b.start.isoformat("minutes"),
                "end": b.end.isoformat("minutes"),
            }
            for b in blocks
        ]
    )


@api.post("/programs/<int:pid>/coaching/proposal")
@login_required
def proposal(pid: int):
    program = require("coaching.book_self", pid)
    plan = planning.propose_for(program, current_user)
    slots = _slots([s.id for s in plan])
    return jsonify(slots=[q.slot_dict(s, _tz(program), "open", current_user.id) for s in slots])


@api.get("/programs/<int:pid>/coaching/overview")
@login_required
def overview(pid: int):
    program = require("coaching.overview", pid)
    rows = q.overview_rows(program)
    tz = _tz(program)
    for row in rows:
        row["next_session"] = isoformat(row["next_session"], tz)
        row["last_session"] = isoformat(row["last_session"], tz)
    return jsonify(participants=rows, companies=q.company_usage(rows, program.coaching_quota))


@api.post("/programs/<int:pid>/coaching/batch-proposal")
@login_required
def batch_proposal(pid: int):
    program = require("coaching.overview", pid)
    plans = planning.propose_for_behind(program)
    tz = _tz(program)
    return jsonify(
        plan=[
            {
                "participant_id": pid_,
                "slots": [
                    q.slot_dict(s, tz, "open", current_user.id)
                    for s in _slots([o.id for o in plan])
                ],
            }
            for pid_, plan in plans.items()
        ]
    )


class AcceptIn(Strict):
    slot_ids: list[int] = Field(min_length=1, max_length=20)
    participant_id: int | None = None


@api.post("/programs/<int:pid>/coaching/proposal/accept")
@login_required
def accept_proposal(pid: int):
    """Book all or some proposed slots; each booking stands on its own (one failure does not
    undo the others). 200 {booked: [...], failed: [{slot_id, code, message}]}."""
    program = program_member_or_404(pid)
    body = parse_json(AcceptIn)
    participant_id = body.participant_id or current_user.id
    if participant_id != current_user.id:
        require("coaching.book_for_others", pid)
    else:
        require("coaching.book_self", pid)
    user_id, tz = current_user.id, _tz(program)
    booked, failed = [], []
    for slot_id in body.slot_ids:
        slot = db.session.get(CoachingSlot, slot_id)
        if slot is None or slot.program_id != pid:
            failed.append({"slot_id": slot_id, "code": "not_found", "message": _("Not found.")})
            continue
        try:
            booking, _created = ops.book_slot(slot_id, participant_id, actor_id=user_id)
            db.session.commit()
            booked.append(q.booking_dict(booking, tz, user_id))
        except RuleViolation as exc:
            db.session.rollback()
            failed.append({"slot_id": slot_id, "code": exc.code, "message": exc.message})
    return jsonify(booked=booked, failed=failed)


class SettingsIn(Strict):
    cutoff_hours: int = Field(24, ge=0, le=24 * 14)
    min_notice_hours: int = Field(12, ge=0, le=24 * 14)
    pacing_days: int = Field(0, ge=0, le=90)
    late_cancel_counts: bool = True


def _settings_dict(program) -> dict:
    rules = ops.rules_for(program)
    return {
        "quota": rules.quota,
        "cutoff_hours": int(rules.cutoff.total_seconds() // 3600),
        "min_notice_hours": int(rules.min_notice.total_seconds() // 3600),
        "pacing_days": rules.pacing_days,
        "late_cancel_counts": rules.late_cancel_counts,
    }


@api.get("/programs/<int:pid>/coaching/settings")
@login_required
def get_settings(pid: int):
    return jsonify(_settings_dict(require("program.view", pid)))


@api.put("/programs/<int:pid>/coaching/settings")
@login_required
def put_settings(pid: int):
    program = require("coaching.overview", pid)
    body = parse_json(SettingsIn)
    row = db.session.get(CoachingSettings, pid) or CoachingSettings(program_id=pid)
    row.cutoff_hours, row.min_notice_hours = body.cutoff_hours, body.min_notice_hours
    row.pacing_days, row.late_cancel_counts = body.pacing_days, body.late_cancel_counts
    db.session.add(row)
    db.session.commit()
    return jsonify(_settings_dict(program))

"""``GET /api/v1/programs/{pid}/google``: the connection's state for staff (never a secret)."""

from __future__ import annotations

from flask import jsonify
from flask_login import login_required

from training.api import api
from training.extensions import db
from training.policy import require
from training.timeutil import isoformat

from .models import GoogleConnection, GoogleEventLink, GoogleRecordingImport


def _when(dt, tz):
    return isoformat(dt, tz) if dt else None


@api.get("/programs/<int:pid>/google")
@login_required
def google_status(pid: int):
    program = require("google.status", pid)
    tz = program.timezone
    conn = db.session.scalar(db.select(GoogleConnection).where(GoogleConnection.program_id == pid))
    if conn is None:
        return jsonify(connected=False, invite_sender=program.invite_sender)
    events = db.session.scalar(
        db.select(db.func.count())
        .select_from(GoogleEventLink)
        .where(GoogleEventLink.program_id == pid)
    )
    imports = db.session.scalars(
        db.select(GoogleRecordingImport)
        .where(GoogleRecordingImport.program_id == pid)
        .order_by(GoogleRecordingImport.session_id)
    )
    return jsonify(
        connected=True,
        invite_sender=program.invite_sender,
        kind=conn.kind,
        account=conn.account,
        organizer_email=conn.organizer_email,
        calendar_id=conn.calendar_id,
        status=conn.status,
        last_sync_at=_when(conn.last_sync_at, tz),
        last_error=(
            {
                "reason": conn.last_error_reason,
                "message": conn.last_error,
                "at": _when(conn.last_error_at, tz),
            }
            if conn.last_error
            else None
        ),
        synced_events=events,
        recording_imports=[
            {
                "session_id": row.session_id,
                "status": row.status,
                "attempts": row.attempts,
                "recording_id": row.recording_id,
                "next_attempt_at": _when(row.next_attempt_at, tz),
                "error": row.last_error,
            }
            for row in imports
        ],
    )

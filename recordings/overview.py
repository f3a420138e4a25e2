"""The replays block of the program overview: the latest recordings with how far the viewer
got ("new" when never opened), and for staff the recordings still processing or failed."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from recordings.lifecycle import RecordingStatus
from recordings.models import Recording, WatchProgress
from training.extensions import db
from training.policy import can

SHOWN = 3


def replays_block(program) -> Markup | None:
    if not can("recordings.view", program.id):
        return None
    latest = db.session.scalars(
        db.select(Recording)
        .where(Recording.program_id == program.id, Recording.status == RecordingStatus.READY)
        .order_by(Recording.ready_at.desc(), Recording.id.desc())
        .limit(SHOWN)
    ).all()
    progress = {
        p.recording_id: p
        for p in db.session.scalars(
            db.select(WatchProgress).where(
                WatchProgress.user_id == current_user.id,
                WatchProgress.recording_id.in_([r.id for r in latest]),
            )
        )
    }
    busy = failed = 0
    if can("recordings.upload", program.id):
        counts = dict(
            db.session.execute(
                db.select(Recording.status, db.func.count())
                .where(
                    Recording.program_id == program.id,
                    Recording.status.in_(
                        [RecordingStatus.QUEUED, RecordingStatus.PROCESSING, RecordingStatus.FAILED]
                    ),
                )
                .group_by(Recording.status)
            ).all()
        )
        busy = counts.get(RecordingStatus.QUEUED, 0) + counts.get(RecordingStatus.PROCESSING, 0)
        failed = counts.get(RecordingStatus.FAILED, 0)
    if not latest and not busy and not failed:
        return None
    return Markup(
        render_template(
            "recordings/_overview.html",
            program=program,
            latest=[(r, progress.get(r.id)) for r in latest],
            busy=busy,
            failed=failed,
        )
    )

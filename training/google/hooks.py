"""Signal receivers: when a session, booking or membership changes, queue the Google sync.

They run inside the caller's transaction and only enqueue after commit; programs without a
Google connection cost one SELECT and nothing else (no job, no network).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from training import signals

from .events import is_own_change
from .operations import connection_for


def on_session_changed(sender, session=None, change=None, **_kw):
    if session is None or connection_for(session.program_id) is None:
        return
    if is_own_change("session", session.id):  # the sync itself stored the Meet link
        return
    from workers import google as jobs
    from workers.queues import enqueue_after_commit

    enqueue_after_commit(jobs.sync_session, session.id, queue="default", **jobs.SYNC_OPTIONS)
    if session.status != "cancelled":
        delay = current_app.config.get("GOOGLE_IMPORT_DELAY_MINUTES", 20)
        jobs.schedule_import(session, timedelta(minutes=delay))


def on_booking_changed(sender, booking=None, change=None, **_kw):
    if booking is None or connection_for(booking.program_id) is None:
        return
    from workers import google as jobs
    from workers.queues import enqueue_after_commit

    enqueue_after_commit(jobs.sync_booking, booking.id, queue="default", **jobs.SYNC_OPTIONS)


def on_membership_changed(sender, membership=None, **_kw):
    """Attendee lists of upcoming sessions follow the membership."""
    if membership is None or connection_for(membership.program_id) is None:
        return
    from workers import google as jobs
    from workers.queues import enqueue_after_commit, job_id

    enqueue_after_commit(
        jobs.sync_program,
        membership.program_id,
        queue="default",
        job_id=job_id("google-sync-program", membership.program_id),
        **jobs.SYNC_OPTIONS,
    )


def connect_signals() -> None:
    signals.session_changed.connect(on_session_changed)
    signals.booking_changed.connect(on_booking_changed)
    signals.member_added.connect(on_membership_changed)
    signals.member_removed.connect(on_membership_changed)

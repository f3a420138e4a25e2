"""Signal receivers: when a session, booking or membership changes, queue the Google sync.

They run inside the caller's transaction and only enqueue after commit; programs without a
Google connection cost one SELECT and nothing else (no job, no network).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from training import signals

from . import jobs
from .events import is_own_change
from .operations import connection_for


def on_session_changed(sender, session=None, change=None, **_kw):
    if session is None or connection_for(session.program_id) is None:
        return
    if is_own_change("session", session.id):  # the sync itself stored the Meet link
        return
    jobs.sync_session.later(session.id)
    if session.status != "cancelled":
        delay = current_app.config.get("GOOGLE_IMPORT_DELAY_MINUTES", 20)
        jobs.schedule_import(session, timedelta(minutes=delay))


def on_booking_changed(sender, booking=None, change=None, **_kw):
    if booking is None or connection_for(booking.program_id) is None:
        return
    jobs.sync_booking.later(booking.id)


def on_membership_changed(sender, membership=None, **_kw):
    """Attendee lists of upcoming sessions follow the membership."""
    if membership is None or connection_for(membership.program_id) is None:
        return
    jobs.sync_program.later(membership.program_id)


def connect_signals() -> None:
    signals.session_changed.connect(on_session_changed)
    signals.booking_changed.connect(on_booking_changed)
    signals.member_added.connect(on_membership_changed)
    signals.member_removed.connect(on_membership_changed)

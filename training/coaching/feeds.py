"""Coaching bookings in personal calendar feeds (the calendar helper's feed-source registry)."""

from __future__ import annotations


def register() -> None:
    """Register ``invites.feed_events_for(user_id)`` as a feed source, once the calendar
    feature offers ``register_feed_source``; before that, feeds simply omit coaching."""
    try:
        from training.calendar import register_feed_source
    except ImportError:
        try:
            from training.calendar.feeds import register_feed_source
        except ImportError:
            return
    from training.coaching.invites import feed_events_for

    register_feed_source("coaching", feed_events_for)

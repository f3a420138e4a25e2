"""Live training sessions of a program: scheduling, invites, reminders, RSVP, attendance."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    from training import signals
    from training.calendar import register_feed_source
    from training.nav import register_program_nav
    from training.sessions import api, invites, models, views  # noqa: F401
    from training.sessions.feed import sessions_feed_events, sessions_fingerprint

    app.register_blueprint(views.bp)
    register_program_nav(app, "sessions.program_calendar", _l("Sessions"), order=20)
    register_feed_source("sessions", sessions_feed_events, fingerprint=sessions_fingerprint)
    from training.calendar.sources import register_program_feed
    from training.sessions.feed import program_feed

    register_program_feed(program_feed)
    signals.session_changed.connect(_on_session_changed, weak=False)
    signals.member_added.connect(invites.on_member_added, weak=False)
    signals.member_removed.connect(invites.on_member_removed, weak=False)
    views.register_member_extras(app)
    from training.nav import register_overview_block
    from training.sessions.overview import next_session_block

    register_overview_block(app, next_session_block, order=20)

    from training.seed import SEED_STEPS
    from training.sessions.seed import seed_sessions

    if seed_sessions not in SEED_STEPS:
        SEED_STEPS.append(seed_sessions)


def _on_session_changed(sender, session, change, **_kw):
    from training.sessions.invites import send_session_invites

    send_session_invites(session, change)

"""Google Workspace (optional, per program): Calendar events with Meet links, Meet recordings
imported into the recording pipeline. Without a connection nothing here runs."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    from training.nav import register_program_nav

    from . import api, hooks, models, views  # noqa: F401
    from .secrets import install_log_redaction

    app.register_blueprint(views.bp)
    register_program_nav(app, "google.status", _l("Google"), "sessions.manage", order=80)
    hooks.connect_signals()
    install_log_redaction()

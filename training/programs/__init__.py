"""Programs and their members."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    from training.nav import register_program_nav
    from training.programs import api, views  # noqa: F401  (routes register on import)

    app.register_blueprint(views.bp)
    register_program_nav(app, "programs.overview", _l("Overview"), order=0)
    register_program_nav(app, "programs.members", _l("Members"), "members.view", order=10)

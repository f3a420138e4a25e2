"""Users, companies, sign-in, invitations and API tokens."""


def init_app(app):
    from training.accounts import api, views  # noqa: F401  (routes register on import)

    app.register_blueprint(views.bp)

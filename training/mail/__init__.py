"""Outgoing mail: every message goes to the outbox table first, then an RQ job sends it."""


def init_app(app):
    from training.mail import views

    app.register_blueprint(views.bp)

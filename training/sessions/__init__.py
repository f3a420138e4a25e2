"""Live training sessions of a program."""


def init_app(app):
    from training.sessions import models  # noqa: F401

"""Language choice: the user's own choice, else the program's, else the browser's, else
Copa's default (``DEFAULT_LOCALE``, fr_CA: the networks it serves are in Québec)."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user

from training.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a job: the default, unless a caller forced one
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if session.get("locale") in languages:
        return session["locale"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    program_locale = getattr(g, "program_locale", None)
    if program_locale in languages:
        return program_locale
    best = request.accept_languages.best_match(["fr-CA", "fr", "en"])
    if best is None:  # no header, or only languages Copa does not speak: Copa's default
        return current_app.config.get("DEFAULT_LOCALE", "fr_CA")
    return "fr_CA" if best.startswith("fr") else "en"


def select_timezone() -> str:
    if getattr(current_user, "is_authenticated", False) and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.url_value_preprocessor
    def _program_locale(endpoint, values):
        pid = (values or {}).get("pid")
        if pid is None:
            return
        from training.extensions import db
        from training.programs.models import Program

        program = db.session.get(Program, pid)
        if program is not None:
            g.program_locale = program.locale

"""The application factory."""

from __future__ import annotations

import gc
import importlib
import logging

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException

from training import config as config_module
from training.errors import answers_json
from training.extensions import csrf, db, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(config_module.instance_path()),
        template_folder=str(config_module.ROOT / "templates"),
        static_folder="static",
    )
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    # hide_parameters: a failed statement's parameters (a coaching note, a name) never reach
    # the logs, neither in SQLAlchemy's own messages nor in the exception's text.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }

    from training import (
        assets,
        auth,
        errors,
        i18n,
        input_guard,
        logging_setup,
        metrics,
        nav,
        throttle,
        web_security,
    )

    logging_setup.configure_logging(logging.DEBUG if app.debug else logging.INFO)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from training.db import configure_sqlite

            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"))
    input_guard.init_app(app)  # before any blueprint: the bounded <int:…> converter
    csrf.init_app(app)
    web_security.init_app(app)
    web_security.init_headers(app)
    auth.init_app(app)
    throttle.init_app(app)
    i18n.init_app(app)
    logging_setup.init_app(app)
    nav.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)

    from training.api import api
    from training.features import FEATURES
    from training.health import bp as health_bp

    for name in FEATURES:
        importlib.import_module(name).init_app(app)
    app.register_blueprint(api)
    app.register_blueprint(health_bp)

    from training.cli import register_cli

    register_cli(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    # What exists now (modules, the app, its extensions) lives as long as the process: move
    # it out of the collector's sight, so a full collection during a request scans only that
    # request's garbage (bench/forum.py: a 500-post topic's p95 fell from ~160 to ~50 ms).
    gc.freeze()
    return app


def _register_error_pages(app: Flask) -> None:
    from flask_babel import gettext as _

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        db.session.rollback()
        if answers_json():
            message = _("Not found.") if exc.code == 404 else exc.description
            return jsonify(
                error={"code": exc.name.lower().replace(" ", "_"), "message": message}
            ), exc.code
        return render_template("errors/error.html", error=exc), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if answers_json():
            return jsonify(
                error={"code": "internal_error", "message": _("Something went wrong on our side.")}
            ), 500
        return render_template("errors/error.html", error=None), 500


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import format_datetime, get_locale, get_timezone

    from training.timeutil import to_local

    @app.template_filter("local")
    def _local(dt, tz_name=None, fmt="d MMM y, HH:mm"):  # people read minutes, not seconds
        if dt is None:
            return ""
        tz = tz_name or str(get_timezone())
        return format_datetime(to_local(dt, tz), fmt, rebase=False)

    @app.context_processor
    def _globals():
        return {"current_locale": str(get_locale()), "current_timezone": str(get_timezone())}

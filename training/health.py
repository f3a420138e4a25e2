"""``GET /healthz``: is the database answering, is Redis answering."""

from __future__ import annotations

from flask import Blueprint, jsonify

from training.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(db.text("SELECT 1"))
        checks["database"] = {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # report, don't crash: this page exists to say what is down
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        from workers.queues import get_redis

        get_redis().ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    ok = all(c["ok"] for c in checks.values())
    return jsonify(status="ok" if ok else "degraded", checks=checks), 200 if ok else 503

"""The one domain error: an operation says no, with a status, a machine code and a sentence.

Operations raise :class:`DomainError`; the API answers it as
``{"error": {"code", "message", "field"?, ...}}`` with its status, and pages flash the message
and send the user back to the form they came from (views that re-render a form with the values
kept catch it themselves and put ``field`` beside its input). Nothing else turns a rule into an
HTTP answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request


class DomainError(Exception):
    """A rule refused the action. ``status`` is the HTTP status the edges answer with."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None, **extra: Any
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.field:
            body["field"] = self.field
        return {"error": body}


def _same_site_referrer() -> str | None:
    ref = request.referrer
    if not ref:
        return None
    parts, here = urlsplit(ref), urlsplit(request.host_url)
    if parts.netloc != here.netloc or parts.scheme != here.scheme:
        return None
    return ref


def json_view(view):
    """Mark a page-side view that answers JSON (a widget's data): its errors are JSON too."""
    view.answers_json = True
    return view


def answers_json() -> bool:
    """Whether this request's errors are answered as JSON: the API, and views marked
    :func:`json_view`."""
    if request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "answers_json", False))


def init_app(app: Flask) -> None:
    from training.extensions import db

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        if answers_json():
            return jsonify(exc.to_json()), exc.status
        back = _same_site_referrer()
        if request.method != "GET" and back and exc.status not in (404,):
            flash(exc.message, "error")
            return redirect(back, code=303)
        return render_template("errors/error.html", error=None, refusal=exc), exc.status

"""The API blueprint, its error format and the one way a request body is validated.

Errors always look like ``{"error": {"code": "...", "message": "..."}}``: 400 for a body that
is not JSON or has unknown/missing fields, 422 for values that are well-formed but wrong.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from training.errors import DomainError
from training.extensions import csrf, db
from training.throttle import throttle_bearer_guesses

api = Blueprint("api", __name__, url_prefix="/api/v1")
# Not the form check: the API takes its CSRF token from the X-CSRFToken header, and only when
# the session cookie authenticates the call (training.web_security.check_api_csrf).
csrf.exempt(api)
# Unknown bearer tokens are guesses: 50 per address per 15 minutes, then 429.
throttle_bearer_guesses(api)

M = TypeVar("M", bound=BaseModel)

_STRUCTURAL = {"missing", "extra_forbidden", "model_type", "dict_type", "json_invalid"}


class ApiError(DomainError):
    """Kept for the API's own request-shape errors; new code raises :class:`DomainError`."""


def error_response(status: int, code: str, message: str, **extra: Any):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
    msg = err.get("msg", "invalid")
    if err.get("type") == "missing":
        return _("The field “%(field)s” is required.", field=where)
    if err.get("type") == "extra_forbidden":
        return _("Unknown field “%(field)s”.", field=where)
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def validation_error(exc: ValidationError) -> ApiError:
    errors = exc.errors(include_url=False, include_input=False)
    structural = any(e.get("type") in _STRUCTURAL for e in errors)
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": _describe(e)}
        for e in errors
    ]
    if structural:
        return ApiError(400, "invalid_request", details[0]["message"], details=details)
    return ApiError(422, "invalid_value", details[0]["message"], details=details)


def parse_json(model: type[M], *, partial: bool = False) -> M:
    """The request body validated by ``model`` (pydantic, ``extra='forbid'``)."""
    if not request.is_json:
        raise ApiError(400, "invalid_request", _("The body must be JSON (application/json)."))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "malformed_json", _("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", _("The body must be a JSON object."))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def parse_query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise validation_error(exc) from None


@api.errorhandler(DomainError)
def _api_error(exc: DomainError):
    db.session.rollback()
    return jsonify(exc.to_json()), exc.status


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    code = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        422: "invalid_value",
        429: "rate_limited",
    }.get(exc.code or 500, "error")
    message = exc.description or exc.name
    if exc.code == 404:
        message = _("Not found.")
    elif exc.code == 403:
        message = (
            exc.description
            if exc.description and "permission" not in exc.description
            else _("You are not allowed to do this.")
        )
    elif exc.code == 401:
        message = _("Authentication required: send a bearer token or sign in.")
    return error_response(exc.code or 500, code, message)


@api.errorhandler(Exception)
def _unexpected(exc: Exception):
    db.session.rollback()
    import logging

    logging.getLogger("training.api").exception("unhandled error in API request")
    return error_response(500, "internal_error", _("Something went wrong on our side."))

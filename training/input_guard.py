"""Malformed input gets a clear 4xx before it reaches a rule or the database.

- ids: every ``<int:…>`` in a route stops at 2^31 - 1 (the database's integer), so a larger id
  is a plain 404 instead of an overflow; :func:`check_ints` does the same for request bodies;
- JSON nested too deep for the parser is a malformed body (400), not a RecursionError;
- NUL characters, which PostgreSQL cannot store in text, are refused (422) in query strings,
  forms and JSON bodies, and a path holding one is not found;
- :func:`header_int` reads a numeric header as ASCII digits only ("²" is a digit to Python);
- a view marked :func:`body_limit` refuses a larger request body with 413 before anything
  (CSRF included) parses it; views without a mark stream their bodies themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from training.errors import DomainError

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


class IdConverter(IntegerConverter):
    """``<int:…>`` bounded by the database's integer."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class GuardedJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def header_int(value: str | None) -> int | None:
    """A non-negative integer header (ASCII digits), or None when absent or malformed."""
    if value is None or not _DIGITS.fullmatch(value.strip()):
        return None
    return int(value.strip())


def out_of_range_int(value: Any) -> bool:
    """Whether ``value`` (a body value, lists included) holds an int the database can't store."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_ID
    if isinstance(value, list | tuple):
        return any(out_of_range_int(v) for v in value)
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def body_limit(limit: Callable[[], int]):
    """Mark a view whose request body may hold at most ``limit()`` bytes."""

    def mark(view):
        view.body_limit = limit
        return view

    return mark


def _limit_body() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "body_limit", None)
    if limit is not None:
        request.max_content_length = limit()


def _refuse_nul() -> None:
    if "\x00" in request.path:
        raise NotFound()
    texts = [*request.args.values()]
    # Multipart bodies are left to their views, which stream them (recordings, materials).
    if request.mimetype == "application/x-www-form-urlencoded":
        texts += [*request.form.values()]
    body = request.get_json(silent=True) if request.is_json else None
    if any("\x00" in t for t in texts) or _has_nul(body):
        raise DomainError(
            422, "invalid_characters", _("This text contains characters that are not allowed.")
        )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.json = GuardedJSONProvider(app)
    app.before_request(_limit_body)  # first: CSRF and _refuse_nul read the form
    app.before_request(_refuse_nul)

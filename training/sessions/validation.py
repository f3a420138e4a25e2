"""Checking what a facilitator enters for a session; one place for the API and the form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from training.errors import DomainError
from training.timeutil import parse_local_datetime, to_local, zone

MAX_DURATION = timedelta(hours=12)
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
JOIN_URL_MAX = 2000
# C0 control characters other than tab, newline and carriage return (PostgreSQL refuses NUL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SessionError(DomainError):
    """A rule of the sessions feature was broken (a :class:`DomainError`: the API and pages
    answer it without a try/except of their own)."""


def invalid(code: str, message: str, field: str | None = None) -> SessionError:
    return SessionError(422, code, message, field)


@dataclass
class SessionInput:
    """Raw values as received; None means "not given" (a PATCH keeps the stored value)."""

    title: str | None = None
    starts_at: str | datetime | None = None
    duration_minutes: int | None = None
    ends_at: str | datetime | None = None
    timezone: str | None = None
    join_url: str | None = None
    description: str | None = None


def check_text(value: str, field: str, limit: int, *, single_line: bool = False) -> str:
    """``value`` stripped; 422 when it is too long or holds control characters."""
    value = value.strip()
    if _CONTROL.search(value) or (single_line and ("\n" in value or "\r" in value)):
        raise invalid(
            "invalid_characters", _("This text contains characters that are not allowed."), field
        )
    if len(value) > limit:
        raise invalid(
            f"{field}_too_long", _("This text is longer than %(n)s characters.", n=limit), field
        )
    return value


def check_join_url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > JOIN_URL_MAX or _CONTROL.search(value) or any(c.isspace() for c in value):
        raise invalid(
            "invalid_join_url",
            _(
                "The join link must be a single web address of at most %(n)s characters.",
                n=JOIN_URL_MAX,
            ),
            "join_url",
        )
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise invalid(
            "invalid_join_url",
            _("The join link must be a web address starting with http:// or https://."),
            "join_url",
        )
    return value


def _parse_time(value, tz_name: str, field: str) -> datetime:
    try:
        parsed = parse_local_datetime(value, tz_name)
        wall = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
        to_local(parsed + MAX_DURATION, tz_name)  # room for the end (year 9999 overflows)
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise invalid(
            "invalid_datetime",
            _("“%(value)s” is not a date and time (use 2026-03-08T10:00).", value=value),
            field,
        ) from None
    if wall.tzinfo is None and to_local(parsed, tz_name).replace(tzinfo=None) != wall:
        # a wall-clock time inside the spring-forward gap does not exist: never shift it silently
        raise invalid(
            "nonexistent_local_time",
            _(
                "%(value)s does not exist in %(zone)s: the clocks jump forward that night. "
                "Choose another time.",
                value=wall.strftime("%Y-%m-%d %H:%M"),
                zone=tz_name,
            ),
            field,
        )
    return parsed


def clean_session_input(
    data: SessionInput, *, program_tz: str, now: datetime, current=None
) -> dict:
    """The validated changes (title, starts_at, ends_at, join_url, description).

    ``current`` is the stored session for an edit: missing fields keep its values, and a start
    in the past is only refused when the start changes.
    """
    tz_name = program_tz
    if data.timezone is not None:
        try:
            zone(data.timezone)
        except ValueError:
            raise invalid(
                "unknown_timezone",
                _(
                    "Unknown time zone “%(zone)s” (use a name like America/Toronto).",
                    zone=data.timezone,
                ),
                "timezone",
            ) from None
        tz_name = data.timezone

    changes: dict = {}
    if data.title is not None or current is None:
        title = (data.title or "").strip()
        if not title:
            raise invalid("title_required", _("Give the session a title."), "title")
        if len(title) > TITLE_MAX:
            raise invalid(
                "title_too_long",
                _("The title is longer than %(n)s characters.", n=TITLE_MAX),
                "title",
            )
        changes["title"] = check_text(title, "title", TITLE_MAX, single_line=True)

    if current is None and data.starts_at is None:
        raise invalid("start_required", _("Give the session a start time."), "starts_at")
    starts_at = (
        _parse_time(data.starts_at, tz_name, "starts_at")
        if data.starts_at is not None
        else current.starts_at
    )
    if data.duration_minutes is not None and data.ends_at is not None:
        raise invalid(
            "duration_or_end",
            _("Give either a duration or an end time, not both."),
            "duration_minutes",
        )
    if data.duration_minutes is not None:
        if isinstance(data.duration_minutes, bool) or not isinstance(data.duration_minutes, int):
            raise invalid(
                "invalid_duration", _("The duration is a number of minutes."), "duration_minutes"
            )
        if data.duration_minutes <= 0 or data.duration_minutes > MAX_DURATION.seconds // 60:
            raise invalid(
                "invalid_duration",
                _("The duration must be more than 0 minutes and at most 12 hours."),
                "duration_minutes",
            )
        ends_at = starts_at + timedelta(minutes=data.duration_minutes)
    elif data.ends_at is not None:
        ends_at = _parse_time(data.ends_at, tz_name, "ends_at")
    elif current is not None:
        ends_at = starts_at + (current.ends_at - current.starts_at)
    else:
        raise invalid("duration_required", _("Give the session a duration."), "duration_minutes")
    if ends_at <= starts_at:
        raise invalid("ends_before_start", _("The end must be after the start."), "ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise invalid(
            "invalid_duration",
            _("The duration must be more than 0 minutes and at most 12 hours."),
            "duration_minutes",
        )
    start_changed = current is None or starts_at != current.starts_at
    if start_changed and starts_at <= now:
        raise invalid("starts_in_past", _("The start is in the past."), "starts_at")
    if current is None or starts_at != current.starts_at or ends_at != current.ends_at:
        changes["starts_at"] = starts_at
        changes["ends_at"] = ends_at

    if data.join_url is not None:
        changes["join_url"] = check_join_url(data.join_url)
    if data.description is not None or current is None:
        changes["description"] = check_text(data.description or "", "description", DESCRIPTION_MAX)
    return changes

"""Media URLs: signed and expiring, with the token in the path so HLS relative URLs keep it."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from training.links import absolute_url

MEDIA_URL_HOURS = 12


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="copa-recording-media")


def media_token(recording_id: int, user_id: int) -> str:
    return _serializer().dumps([recording_id, user_id])


def read_media_token(token: str, recording_id: int) -> int | None:
    """The user id the token was issued to, if it is for this recording and not expired."""
    try:
        rid, uid = _serializer().loads(token, max_age=MEDIA_URL_HOURS * 3600)
    except (BadSignature, ValueError, TypeError):
        return None
    return uid if rid == recording_id else None


def media_url(recording, user, name: str | None, *, external: bool = True) -> str | None:
    if not name:
        return None
    build = absolute_url if external else url_for
    return build(
        "recordings.media", rid=recording.id, token=media_token(recording.id, user.id), name=name
    )

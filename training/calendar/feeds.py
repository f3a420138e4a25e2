"""Personal calendar feeds: secret URLs, their rotation, and the feed body with its ETag."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from training.accounts.models import User
from training.calendar import ical
from training.calendar.ical import RENDER_VERSION, _locale_key, feed_etag, render_feed
from training.calendar.models import CalendarFeed
from training.calendar.sources import feed_sources
from training.db import utcnow
from training.extensions import db

TOKEN_BYTES = 24  # 192 bits


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode()


def token_for(user_id: int, salt: str) -> str:
    digest = hmac.new(_secret(), f"copa-feed:{user_id}:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_salt() -> str:
    return secrets.token_hex(16)


def feed_of(user: User) -> CalendarFeed:
    """The user's feed row, created on first use (flushes)."""
    feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        salt = _new_salt()
        feed = CalendarFeed(
            user_id=user.id, salt=salt, token_hash=token_hash(token_for(user.id, salt))
        )
        db.session.add(feed)
        db.session.flush()
    return feed


def rotate_feed(user: User) -> CalendarFeed:
    """A new secret: the old URL answers 404 from now on."""
    feed = feed_of(user)
    feed.salt = _new_salt()
    feed.token_hash = token_hash(token_for(user.id, feed.salt))
    feed.rotated_at = utcnow()
    db.session.flush()
    return feed


def user_for_feed_token(token: str) -> User | None:
    """The feed's owner (one query), or None for an unknown or rotated token."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        db.select(User, CalendarFeed.salt)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(token))
    ).first()
    if row is None or not hmac.compare_digest(token_for(row[0].id, row[1]), token):
        return None
    return row[0]


def _links(path: str) -> dict[str, str]:
    feed_url = current_app.config["BASE_URL"] + path
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    google_url = "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe="")
    return {"feed_url": feed_url, "webcal_url": webcal_url, "google_url": google_url}


def feed_links(user: User) -> dict[str, str]:
    feed = feed_of(user)
    return _links(url_for("calendar.user_feed", token=token_for(user.id, feed.salt)))


def program_feed_links(user: User, program_id: int) -> dict[str, str]:
    feed = feed_of(user)
    token = token_for(user.id, feed.salt)
    return _links(url_for("calendar.program_feed", token=token, pid=program_id))


# --- the feed itself ---------------------------------------------------------------------------


@dataclass
class Feed:
    name: str
    timezone: str
    sources: list  # (fingerprint or None, events callable)

    def etag(self) -> str:
        """From the sources' fingerprints (cheap queries) or, failing that, their events."""
        digest = hashlib.blake2b(digest_size=20)
        locale = get_locale() or ""
        header = f"{RENDER_VERSION}\0{locale}\0{current_app.config['BASE_URL']}\0{self.name}\0"
        digest.update(f"{header}{self.timezone}\0".encode())
        # the translated "Join:"/"Details:" lines are content too (a new translation changes them)
        digest.update("\0".join(ical._link_labels(_locale_key())).encode() + b"\0")
        for fingerprint, events in self.sources:
            part = fingerprint() if fingerprint is not None else feed_etag(events(), self.name)
            digest.update(part.encode() + b"\0")
        return digest.hexdigest()

    def render(self) -> bytes:
        events = [e for _fp, fn in self.sources for e in fn()]
        return render_feed(events, self.name, timezone=self.timezone)


def _bind(source, user_id: int):
    fingerprint = None
    if source.fingerprint is not None:

        def fingerprint():
            return f"{source.name}:{source.fingerprint(user_id)}"

    def events():
        return source.events(user_id)

    return fingerprint, events


def user_feed(user: User) -> Feed:
    """The user's personal feed: every registered source's events for them."""
    return Feed(
        name=_("Copa — %(name)s", name=user.name),
        timezone=user.timezone or current_app.config["DEFAULT_TIMEZONE"],
        sources=[_bind(source, user.id) for source in feed_sources()],
    )

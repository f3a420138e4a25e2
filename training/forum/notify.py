"""Forum notifications: who hears of a post, the bell, and e-mail without clutter.

A new post notifies the topic's and the category's watchers, the members it mentions (who
then watch the topic) and, for a new question, the experts (and the facilitator for a private
one); never its own author, and never someone who may not read the topic. Each notification is
a row (the bell counts the unread ones); reading the topic marks them read. E-mail follows
each member's preference: ``each`` (one mail per notification), ``daily`` (the default) or
``weekly`` digest of what is still unread, sent once per period and not at all when empty, or
``off``. Every mail carries a one-click unsubscribe (RFC 8058). Authors are named through
:func:`training.forum.present.author_for`, as on the pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.forum.errors import ForumError
from training.forum.models import (
    ForumMailPreference,
    ForumNotification,
    ForumPost,
    ForumTopic,
    ForumWatch,
)
from training.forum.present import author_for, reader_for
from training.links import absolute_url
from training.programs.models import Membership, Program
from training.programs.roles import EXPERT, FACILITATOR
from training.timeutil import to_local

DEFAULT_EMAIL = "daily"
DIGEST_HOUR = 7  # local time after which the day's (or Monday's) digest goes
_PRIORITY = ["mention", "question", "accepted", "hidden", "reply", "topic"]


# --- preferences and unsubscribe ---------------------------------------------------------------


def email_preference(user_id: int) -> str:
    pref = db.session.get(ForumMailPreference, user_id)
    return pref.email if pref is not None else DEFAULT_EMAIL


def set_email_preference(user_id: int, email: str) -> ForumMailPreference:
    if email not in ("each", "daily", "weekly", "off"):
        raise ForumError(
            422, "invalid_value", _("Choose each, daily, weekly or off."), field="email"
        )
    pref = db.session.get(ForumMailPreference, user_id)
    if pref is None:
        pref = ForumMailPreference(user_id=user_id)
        db.session.add(pref)
    pref.email = email
    db.session.flush()
    return pref


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="forum-unsubscribe")


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def user_of_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def unsubscribe_headers(user_id: int) -> dict[str, str]:
    url = absolute_url("forum.unsubscribe", token=unsubscribe_token(user_id))
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- who hears of what -------------------------------------------------------------------------


def _staff_ids(program_id: int, roles) -> set[int]:
    return set(
        db.session.scalars(
            db.select(Membership.user_id).where(
                Membership.program_id == program_id, Membership.role.in_(roles)
            )
        )
    )


def _watchers(topic: ForumTopic) -> set[int]:
    cond = ForumWatch.topic_id == topic.id
    if topic.category_id is not None:
        cond = sa.or_(cond, ForumWatch.category_id == topic.category_id)
    return set(db.session.scalars(db.select(ForumWatch.user_id).where(cond)))


def post_created(post: ForumPost, topic: ForumTopic, mentioned: list[int]) -> None:
    from training.forum.operations import watch

    kinds: dict[int, str] = {}

    def offer(user_id: int, kind: str) -> None:
        if user_id == post.author_id:
            return
        if user_id not in kinds or _PRIORITY.index(kind) < _PRIORITY.index(kinds[user_id]):
            kinds[user_id] = kind

    for uid in _watchers(topic):
        offer(uid, "topic" if post.is_first else "reply")
    if post.is_first and topic.question:
        for uid in _staff_ids(topic.program_id, (EXPERT,)):
            offer(uid, "question")
        if topic.question == "experts_private":
            for uid in _staff_ids(topic.program_id, (FACILITATOR,)):
                offer(uid, "question")
    for uid in mentioned:
        offer(uid, "mention")
    _deliver(post, topic, kinds)
    for uid in mentioned:
        if uid != post.author_id and uid in kinds:
            watch(uid, topic_id=topic.id)


def mentions_added(post: ForumPost, topic: ForumTopic, mentioned: list[int]) -> None:
    """After an edit: the members newly mentioned hear of it (once per post)."""
    already = set(
        db.session.scalars(
            db.select(ForumNotification.user_id).where(
                ForumNotification.post_id == post.id, ForumNotification.kind == "mention"
            )
        )
    )
    fresh = {uid: "mention" for uid in mentioned if uid not in already and uid != post.author_id}
    _deliver(post, topic, fresh)


def accepted(post: ForumPost, topic: ForumTopic) -> None:
    kinds = {}
    for uid in {post.author_id, topic.author_id}:
        if uid is not None:
            kinds[uid] = "accepted"
    _deliver(post, topic, kinds)


def hidden(post: ForumPost, topic: ForumTopic) -> None:
    if post.author_id is not None:
        _deliver(post, topic, {post.author_id: "hidden"}, force=True)


def _deliver(post: ForumPost, topic: ForumTopic, kinds: dict[int, str], force=False) -> None:
    """Write the notifications (to members who may read the topic) and mail those who want
    each message."""
    from training.forum.access import may_see_topic

    if not kinds:
        return
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(kinds)))}
    for uid, kind in kinds.items():
        user = users.get(uid)
        if user is None:
            continue
        reader = reader_for(user, topic.program_id)
        if not reader.member or not (force or may_see_topic(topic, reader)):
            continue
        exists = db.session.scalar(
            db.select(ForumNotification.id).where(
                ForumNotification.user_id == uid,
                ForumNotification.post_id == post.id,
                ForumNotification.kind == kind,
            )
        )
        if exists is not None:
            continue
        note = ForumNotification(
            user_id=uid, program_id=topic.program_id, topic_id=topic.id, post_id=post.id, kind=kind
        )
        db.session.add(note)
        db.session.flush()
        if email_preference(uid) == "each":
            _mail_one(note, user, post, topic)


# --- the bell ----------------------------------------------------------------------------------


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        db.select(sa.func.count(ForumNotification.id)).where(
            ForumNotification.user_id == user_id, ForumNotification.read_at.is_(None)
        )
    )


def recent(user_id: int, limit: int = 50) -> list[ForumNotification]:
    return list(
        db.session.scalars(
            db.select(ForumNotification)
            .where(ForumNotification.user_id == user_id)
            .order_by(ForumNotification.id.desc())
            .limit(limit)
        )
    )


def mark_topic_read(user_id: int, topic_id: int) -> None:
    db.session.execute(
        sa.update(ForumNotification)
        .where(
            ForumNotification.user_id == user_id,
            ForumNotification.topic_id == topic_id,
            ForumNotification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def describe(note: ForumNotification, reader) -> str:
    """One line: who did what where, naming the author as ``reader`` may see them."""
    who = author_for(note.post, reader).label
    title = note.topic.title
    return {
        "topic": _("%(who)s opened “%(title)s”", who=who, title=title),
        "reply": _("%(who)s replied in “%(title)s”", who=who, title=title),
        "mention": _("%(who)s mentioned you in “%(title)s”", who=who, title=title),
        "question": _("%(who)s asked the experts: “%(title)s”", who=who, title=title),
        "accepted": _("An answer was accepted in “%(title)s”", title=title),
        "hidden": _("Your message in “%(title)s” was hidden", title=title),
    }[note.kind]


# --- e-mail ------------------------------------------------------------------------------------


def _locale(user: User, program: Program) -> str:
    return user.locale or program.locale or "en"


def _item(note: ForumNotification, reader) -> dict:
    post = note.post
    text = post.body_text if post.hidden_at is None or note.kind == "hidden" else ""
    return {
        "line": describe(note, reader),
        "excerpt": (text[:400] + "…") if len(text) > 400 else text,
        "reason": post.hidden_reason if note.kind == "hidden" else None,
        "url": absolute_url("forum.topic", tid=note.topic_id, _anchor=f"post-{post.id}"),
    }


def _mail(user: User, program: Program, subject: str, items: list[dict], key: str) -> None:
    from training.mail.operations import queue_mail

    context = {
        "items": items,
        "program": program,
        "prefs_url": absolute_url("forum.notifications"),
        "unsubscribe_url": absolute_url("forum.unsubscribe", token=unsubscribe_token(user.id)),
    }
    queue_mail(
        user.email,
        subject,
        render_template("forum/email/notifications.txt", **context),
        render_template("forum/email/notifications.html", **context),
        dedupe_key=key,
        headers=unsubscribe_headers(user.id),
    )


def _mail_one(note: ForumNotification, user: User, post: ForumPost, topic: ForumTopic) -> None:
    program = db.session.get(Program, topic.program_id)
    reader = reader_for(user, topic.program_id)
    with force_locale(_locale(user, program)):
        item = _item(note, reader)
        _mail(user, program, f"[{program.title}] {item['line']}", [item], f"forum-note-{note.id}")
    note.emailed_at = utcnow()


def _digest_period(pref: str, user: User, now: datetime) -> str | None:
    """The period key of the digest due at ``now`` for this user, or None (not yet)."""
    tz = user.timezone or current_app.config.get("DEFAULT_TIMEZONE", "America/Toronto")
    local = to_local(now, tz)
    if local.hour < DIGEST_HOUR:
        return None
    if pref == "daily":
        return local.date().isoformat()
    if pref == "weekly":
        if local.weekday() != 0:
            return None
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return None


def send_due_digests(now: datetime | None = None) -> int:
    """Queue the digests due at ``now`` (flushes; the caller commits). Each holds the
    notifications still unread and not mailed; none is sent when empty; the dedupe key
    ``forum-digest-<user>-<period>`` makes it once per period. Returns the count queued."""
    from training.forum.access import may_see_topic

    now = now or utcnow()
    pending = (
        db.select(ForumNotification.user_id)
        .where(ForumNotification.read_at.is_(None), ForumNotification.emailed_at.is_(None))
        .distinct()
    )
    users = db.session.scalars(db.select(User).where(User.id.in_(pending))).all()
    prefs = {
        p.user_id: p
        for p in db.session.scalars(
            db.select(ForumMailPreference).where(
                ForumMailPreference.user_id.in_([u.id for u in users])
            )
        )
    }
    sent = 0
    for user in users:
        pref = prefs[user.id].email if user.id in prefs else DEFAULT_EMAIL
        period = _digest_period(pref, user, now)
        if period is None:
            continue
        notes = list(
            db.session.scalars(
                db.select(ForumNotification)
                .where(
                    ForumNotification.user_id == user.id,
                    ForumNotification.read_at.is_(None),
                    ForumNotification.emailed_at.is_(None),
                    ForumNotification.created_at <= now,
                )
                .order_by(ForumNotification.program_id, ForumNotification.id)
            )
        )
        by_program: dict[int, list[ForumNotification]] = {}
        for note in notes:
            by_program.setdefault(note.program_id, []).append(note)
        for program_id, group in by_program.items():
            program = db.session.get(Program, program_id)
            reader = reader_for(user, program_id)
            with force_locale(_locale(user, program)):
                items = [
                    _item(n, reader)
                    for n in group
                    if reader.member
                    and (n.kind == "hidden" or may_see_topic(n.topic, reader))
                    and (n.post.deleted_at is None)
                ]
                if items:
                    subject = (
                        _("[%(program)s] Forum: what you missed today", program=program.title)
                        if pref == "daily"
                        else _("[%(program)s] Forum: your week", program=program.title)
                    )
                    _mail(
                        user,
                        program,
                        subject,
                        items,
                        f"forum-digest-{user.id}-{program_id}-{period}",
                    )
                    sent += 1
            for note in group:
                note.emailed_at = now
        pref_row = prefs.get(user.id)
        if pref_row is not None:
            pref_row.last_digest_at = now
    db.session.flush()
    return sent


def digest_window(pref: str) -> timedelta:
    return timedelta(days=7 if pref == "weekly" else 1)

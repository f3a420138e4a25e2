"""The forum's rules: categories, topics, replies, edits, votes, answers, flags, moderation.

Operations check everything before writing anything, flush and never commit (the edge
commits); a refusal is a :class:`ForumError`, whose status the API and the pages answer with.
Search indexing (``search.index_post``) and notifications (``notify``) happen in the same
transaction, so a refused or failed write leaves nothing behind.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.forum import attachments, notify, search
from training.forum.errors import ForumError
from training.forum.markdown import handle_of, mentioned_handles, render
from training.forum.markdown import plain_text as to_text
from training.forum.models import (
    QUESTION_KINDS,
    ForumCategory,
    ForumFlag,
    ForumPost,
    ForumRevision,
    ForumTopic,
    ForumVote,
    ForumWatch,
)
from training.forum.present import Reader
from training.programs.models import Membership

MAX_BODY_BYTES = 100_000
MAX_TITLE = 200
MAX_REASON = 500


# --- input -------------------------------------------------------------------------------------


def clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ForumError(422, "body_required", _("Write something first."), field="body")
    if "\x00" in body:
        raise ForumError(422, "invalid_characters", _("The text holds invalid characters."))
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise ForumError(
            422,
            "body_too_long",
            _("A message holds at most %(kb)s KB of text.", kb=MAX_BODY_BYTES // 1000),
            field="body",
            max_bytes=MAX_BODY_BYTES,
        )
    return body


def clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ForumError(422, "title_required", _("Give the topic a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ForumError(
            422,
            "title_too_long",
            _("A title holds at most %(n)s characters.", n=MAX_TITLE),
            field="title",
        )
    return title


def clean_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ForumError(422, "reason_required", _("Give a reason."), field="reason")
    return reason[:MAX_REASON]


def member_handles(program_id: int) -> dict[str, int]:
    """Folded mention handle → user id, for the program's members (first names too, when
    only one member has that first name)."""
    members = db.select(Membership.user_id).where(Membership.program_id == program_id)
    users = db.session.scalars(db.select(User).where(User.id.in_(members))).all()
    handles: dict[str, int] = {}
    firsts: dict[str, set[int]] = {}
    for user in users:
        handles[handle_of(user.name)] = user.id
        first = handle_of(user.name.split()[0]) if user.name.split() else ""
        if first:
            firsts.setdefault(first, set()).add(user.id)
    for first, ids in firsts.items():
        if len(ids) == 1:
            handles.setdefault(first, next(iter(ids)))
    return handles


def resolve_mentions(program_id: int, body: str) -> tuple[dict[str, int], list[int]]:
    """The handles of members mentioned, and their ids; a mention of anyone else is a 422."""
    wanted = mentioned_handles(body)
    if not wanted:
        return {}, []
    handles = member_handles(program_id)
    unknown = [h for h in wanted if h not in handles]
    if unknown:
        raise ForumError(
            422,
            "unknown_mention",
            _("@%(name)s is not a member of this program.", name=unknown[0]),
            field="body",
            mentions=unknown,
        )
    found = {h: handles[h] for h in wanted}
    return found, list(dict.fromkeys(found.values()))


def _rendered(program_id: int, body: str) -> tuple[str, str, list[int]]:
    handles, user_ids = resolve_mentions(program_id, body)
    html = render(body, set(handles))
    return html, to_text(html), user_ids


def _check_anonymous(reader: Reader, anonymous: bool) -> None:
    if anonymous and reader.staff:
        raise ForumError(
            422,
            "anonymous_not_allowed",
            _("Only participants can post anonymously; the staff always sign."),
            field="anonymous",
        )


# --- categories --------------------------------------------------------------------------------


def require_facilitator(reader: Reader) -> None:
    if not reader.facilitator:
        raise Forbidden()


def categories(program_id: int) -> list[ForumCategory]:
    return list(
        db.session.scalars(
            db.select(ForumCategory)
            .where(ForumCategory.program_id == program_id)
            .order_by(ForumCategory.position, ForumCategory.title)
        )
    )


def save_category(
    reader: Reader, title: str, description: str = "", category: ForumCategory | None = None
) -> ForumCategory:
    require_facilitator(reader)
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        raise ForumError(
            422, "title_required", _("A category needs a title (120 characters at most)."), "title"
        )
    clash = db.session.scalar(
        db.select(ForumCategory.id).where(
            ForumCategory.program_id == reader.program_id,
            sa.func.lower(ForumCategory.title) == title.lower(),
            ForumCategory.id != (category.id if category else -1),
        )
    )
    if clash is not None:
        raise ForumError(409, "category_exists", _("A category with that title exists."), "title")
    if category is None:
        position = db.session.scalar(
            db.select(sa.func.coalesce(sa.func.max(ForumCategory.position), 0)).where(
                ForumCategory.program_id == reader.program_id
            )
        )
        category = ForumCategory(program_id=reader.program_id, position=position + 1)
        db.session.add(category)
    category.title = title
    category.description = (description or "").strip()[:500]
    db.session.flush()
    return category


def delete_category(reader: Reader, category: ForumCategory) -> None:
    """Its topics stay, without a category."""
    require_facilitator(reader)
    db.session.delete(category)
    db.session.flush()


def category_of(program_id: int, category_id: int | None) -> ForumCategory | None:
    if category_id is None:
        return None
    category = db.session.get(ForumCategory, category_id)
    if category is None or category.program_id != program_id:
        raise ForumError(422, "unknown_category", _("Unknown category."), field="category_id")
    return category


# --- topics and posts --------------------------------------------------------------------------


def create_topic(
    reader: Reader,
    title: str,
    body: str,
    *,
    category_id: int | None = None,
    anonymous: bool = False,
    question: str | None = None,
    attachment_ids: list[int] | None = None,
) -> ForumTopic:
    title = clean_title(title)
    body = clean_body(body)
    if question is not None and question not in QUESTION_KINDS:
        raise ForumError(422, "unknown_question", _("Unknown kind of question."), "question")
    _check_anonymous(reader, anonymous)
    category = category_of(reader.program_id, category_id)
    html, text, mentioned = _rendered(reader.program_id, body)
    now = utcnow()
    topic = ForumTopic(
        program_id=reader.program_id,
        category_id=category.id if category else None,
        author_id=reader.user_id,
        anonymous=anonymous,
        title=title,
        question=question,
        created_at=now,
        last_post_at=now,
    )
    db.session.add(topic)
    db.session.flush()
    post = ForumPost(
        topic_id=topic.id,
        program_id=reader.program_id,
        author_id=reader.user_id,
        anonymous=anonymous,
        is_first=True,
        body=body,
        body_html=html,
        body_text=text,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    attachments.bind(reader, post, attachment_ids)
    watch(reader.user_id, topic_id=topic.id)
    search.index_post(post, topic)
    notify.post_created(post, topic, mentioned)
    return topic


def _check_open(topic: ForumTopic, reader: Reader) -> None:
    if topic.hidden_at is not None:
        raise ForumError(409, "topic_hidden", _("This topic was hidden: it takes no reply."))
    if topic.locked and not reader.facilitator:
        raise ForumError(409, "topic_locked", _("This topic is locked: it takes no reply."))


def reply(
    reader: Reader,
    topic: ForumTopic,
    body: str,
    *,
    anonymous: bool = False,
    quote_post_id: int | None = None,
    attachment_ids: list[int] | None = None,
) -> ForumPost:
    _check_open(topic, reader)
    body = clean_body(body)
    _check_anonymous(reader, anonymous)
    quote = None
    if quote_post_id is not None:
        quote = db.session.get(ForumPost, quote_post_id)
        if quote is None or quote.topic_id != topic.id or quote.deleted_at is not None:
            raise ForumError(422, "unknown_quote", _("The quoted message is not in this topic."))
    html, text, mentioned = _rendered(reader.program_id, body)
    now = utcnow()
    post = ForumPost(
        topic_id=topic.id,
        program_id=topic.program_id,
        author_id=reader.user_id,
        anonymous=anonymous,
        body=body,
        body_html=html,
        body_text=text,
        quote_post_id=quote.id if quote else None,
        created_at=now,
    )
    db.session.add(post)
    topic.last_post_at = now
    if topic.question and reader.staff and topic.answered_at is None:
        topic.answered_at = now
    db.session.flush()
    attachments.bind(reader, post, attachment_ids)
    recount(topic)
    search.index_post(post, topic)
    notify.post_created(post, topic, mentioned)
    return post


def recount(topic: ForumTopic) -> None:
    topic.reply_count = db.session.scalar(
        db.select(sa.func.count(ForumPost.id)).where(
            ForumPost.topic_id == topic.id,
            ForumPost.is_first.is_(False),
            ForumPost.deleted_at.is_(None),
            ForumPost.hidden_at.is_(None),
        )
    )
    db.session.flush()


def first_post(topic: ForumTopic) -> ForumPost:
    return db.session.scalar(
        db.select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.is_first.is_(True))
    )


def edit_post(
    reader: Reader,
    post: ForumPost,
    topic: ForumTopic,
    body: str,
    title=None,
    *,
    add_attachments: list[int] | None = None,
    remove_attachments: list[int] | None = None,
) -> None:
    """The author edits (the facilitator too); the earlier text goes to the history. Files
    may be added or taken off in the same edit."""
    if post.author_id != reader.user_id and not reader.facilitator:
        raise Forbidden()
    if post.deleted_at is not None:
        raise NotFound()
    if post.hidden_at is not None and not reader.facilitator:
        raise ForumError(409, "post_hidden", _("A hidden message cannot be edited."))
    body = clean_body(body)
    new_title = clean_title(title) if (title is not None and post.is_first) else None
    attachments.remove(reader, post, remove_attachments or [])
    attachments.bind(reader, post, add_attachments)
    if body == post.body and (new_title is None or new_title == topic.title):
        return
    html, text, mentioned = _rendered(post.program_id, body)
    db.session.add(ForumRevision(post_id=post.id, editor_id=reader.user_id, body=post.body))
    post.body, post.body_html, post.body_text = body, html, text
    post.edited_at = utcnow()
    if new_title:
        topic.title = new_title
    db.session.flush()
    search.index_post(post, topic)
    notify.mentions_added(post, topic, mentioned)


def revisions(post: ForumPost) -> list[ForumRevision]:
    return list(
        db.session.scalars(
            db.select(ForumRevision)
            .where(ForumRevision.post_id == post.id)
            .order_by(ForumRevision.id.desc())
        )
    )


def delete_post(reader: Reader, post: ForumPost, topic: ForumTopic) -> None:
    """Soft deletion, by the author or the facilitator; a topic's first post takes the topic."""
    if post.author_id != reader.user_id and not reader.facilitator:
        raise Forbidden()
    now = utcnow()
    post.deleted_at = now
    post.accepted = False
    if post.is_first:
        topic.deleted_at = now
    db.session.flush()
    recount(topic)
    search.unindex_post(post)


def vote(reader: Reader, post: ForumPost, useful: bool = True) -> int:
    """Mark a post useful (or take it back). One vote per member per post: the table's
    primary key says so even when two requests race."""
    if post.author_id == reader.user_id and useful:
        raise ForumError(409, "own_post", _("You cannot vote for your own message."))
    if post.hidden_at is not None:
        raise ForumError(409, "post_hidden", _("This message was hidden."))
    existing = db.session.get(ForumVote, (post.id, reader.user_id))
    if useful and existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(ForumVote(post_id=post.id, user_id=reader.user_id))
        except sa.exc.IntegrityError:
            pass
    elif not useful and existing is not None:
        db.session.delete(existing)
    db.session.flush()
    post.useful_count = db.session.scalar(
        db.select(sa.func.count()).select_from(ForumVote).where(ForumVote.post_id == post.id)
    )
    db.session.flush()
    return post.useful_count


def accept(reader: Reader, post: ForumPost, topic: ForumTopic) -> None:
    """An expert or the facilitator marks the answer of a question (one per topic)."""
    if not (reader.expert or reader.facilitator):
        raise Forbidden()
    if not topic.question:
        raise ForumError(409, "not_a_question", _("Only a question has an accepted answer."))
    if post.is_first:
        raise ForumError(409, "not_an_answer", _("The question itself cannot be its answer."))
    if post.hidden_at is not None:
        raise ForumError(409, "post_hidden", _("This message was hidden."))
    db.session.execute(
        sa.update(ForumPost)
        .where(ForumPost.topic_id == topic.id, ForumPost.accepted.is_(True))
        .values(accepted=False)
    )
    db.session.flush()
    db.session.refresh(post)
    post.accepted = True
    if topic.answered_at is None:
        topic.answered_at = utcnow()
    db.session.flush()
    notify.accepted(post, topic)


def flag(reader: Reader, post: ForumPost, reason: str) -> ForumFlag:
    if post.author_id == reader.user_id:
        raise ForumError(409, "own_post", _("You cannot flag your own message."))
    reason = clean_reason(reason)
    existing = db.session.scalar(
        db.select(ForumFlag).where(
            ForumFlag.post_id == post.id, ForumFlag.user_id == reader.user_id
        )
    )
    if existing is not None:
        existing.reason, existing.resolved_at = reason, None
        db.session.flush()
        return existing
    item = ForumFlag(
        post_id=post.id, program_id=post.program_id, user_id=reader.user_id, reason=reason
    )
    db.session.add(item)
    db.session.flush()
    return item


def open_flags(program_id: int) -> list[ForumFlag]:
    return list(
        db.session.scalars(
            db.select(ForumFlag)
            .where(ForumFlag.program_id == program_id, ForumFlag.resolved_at.is_(None))
            .order_by(ForumFlag.created_at)
        )
    )


def dismiss_flags(reader: Reader, post: ForumPost) -> None:
    require_facilitator(reader)
    _resolve_flags(post)


def _resolve_flags(post: ForumPost) -> None:
    db.session.execute(
        sa.update(ForumFlag)
        .where(ForumFlag.post_id == post.id, ForumFlag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    db.session.flush()


def hide(reader: Reader, post: ForumPost, topic: ForumTopic, reason: str) -> None:
    """The facilitator hides a post, with a reason its author reads; hiding a topic's first
    post hides the topic."""
    require_facilitator(reader)
    reason = clean_reason(reason)
    now = utcnow()
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, reason, reader.user_id
    post.accepted = False
    if post.is_first:
        topic.hidden_at, topic.hidden_reason = now, reason
    db.session.flush()
    _resolve_flags(post)
    recount(topic)
    search.index_post(post, topic)
    notify.hidden(post, topic)


def restore(reader: Reader, post: ForumPost, topic: ForumTopic) -> None:
    require_facilitator(reader)
    post.hidden_at = post.hidden_reason = post.hidden_by_id = None
    if post.is_first:
        topic.hidden_at = topic.hidden_reason = None
    db.session.flush()
    recount(topic)
    search.index_post(post, topic)


def moderate_topic(
    reader: Reader,
    topic: ForumTopic,
    *,
    locked: bool | None = None,
    pinned: bool | None = None,
    category_id: int | None | bool = False,
) -> None:
    """Lock, pin or move (``category_id`` None: no category; False: unchanged)."""
    require_facilitator(reader)
    if locked is not None:
        topic.locked = locked
    if pinned is not None:
        topic.pinned = pinned
    if category_id is not False:
        category = category_of(topic.program_id, category_id)
        topic.category_id = category.id if category else None
    db.session.flush()


# --- watches -----------------------------------------------------------------------------------


def watch(user_id: int, *, topic_id: int | None = None, category_id: int | None = None) -> None:
    cond = (
        ForumWatch.topic_id == topic_id
        if topic_id is not None
        else ForumWatch.category_id == category_id
    )
    exists = db.session.scalar(db.select(ForumWatch.id).where(ForumWatch.user_id == user_id, cond))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ForumWatch(user_id=user_id, topic_id=topic_id, category_id=category_id)
                )
        except sa.exc.IntegrityError:
            pass


def unwatch(user_id: int, *, topic_id: int | None = None, category_id: int | None = None) -> None:
    cond = (
        ForumWatch.topic_id == topic_id
        if topic_id is not None
        else ForumWatch.category_id == category_id
    )
    db.session.execute(sa.delete(ForumWatch).where(ForumWatch.user_id == user_id, cond))
    db.session.flush()


def watching(user_id: int, *, topic_id: int | None = None, category_id: int | None = None) -> bool:
    cond = (
        ForumWatch.topic_id == topic_id
        if topic_id is not None
        else ForumWatch.category_id == category_id
    )
    return (
        db.session.scalar(db.select(ForumWatch.id).where(ForumWatch.user_id == user_id, cond))
        is not None
    )

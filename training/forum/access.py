"""Who reaches a forum topic or post: one answer for pages, the API, search and mail.

An outsider gets 404 for everything in a program. Inside it, a private question
("experts_private") is the asker's, the experts' and the facilitator's only; a hidden topic is
its author's and the staff's; a deleted topic nobody's. Whoever may not see a topic gets 404,
so an id tells nobody that it exists.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user
from werkzeug.exceptions import NotFound

from training.extensions import db
from training.forum.models import ForumPost, ForumTopic
from training.forum.present import Reader, reader_for
from training.input_guard import out_of_range_int
from training.policy import program_member_or_404


def current_reader(program_id: int) -> Reader:
    """The signed-in member's reader for the program; 404 for an outsider."""
    program_member_or_404(program_id)
    return reader_for(current_user, program_id)


def may_see_topic(topic: ForumTopic, reader: Reader) -> bool:
    if topic.deleted_at is not None or topic.program_id != reader.program_id:
        return False
    if reader.staff:
        return True
    own = topic.author_id == reader.user_id
    if topic.question == "experts_private" and not own:
        return False
    return topic.hidden_at is None or own


def topic_clause(reader: Reader):
    """SQL condition on ForumTopic matching :func:`may_see_topic` (program included)."""
    cond = [ForumTopic.program_id == reader.program_id, ForumTopic.deleted_at.is_(None)]
    if not reader.staff:
        own = ForumTopic.author_id == reader.user_id
        cond.append(
            sa.or_(ForumTopic.question.is_(None), ForumTopic.question != "experts_private", own)
        )
        cond.append(sa.or_(ForumTopic.hidden_at.is_(None), own))
    return sa.and_(*cond)


def post_body_visible(post: ForumPost, reader: Reader) -> bool:
    """Whether the reader sees the text of a post (hidden: its author and the staff; deleted:
    nobody)."""
    if post.deleted_at is not None:
        return False
    if post.hidden_at is not None:
        return reader.staff or post.author_id == reader.user_id
    return True


def post_clause(reader: Reader):
    """SQL condition on ForumPost: posts whose text the reader sees (with topic_clause)."""
    cond = [ForumPost.deleted_at.is_(None)]
    if not reader.staff:
        cond.append(sa.or_(ForumPost.hidden_at.is_(None), ForumPost.author_id == reader.user_id))
    return sa.and_(*cond)


def _id_or_404(value: int) -> int:
    if out_of_range_int(value):
        raise NotFound()
    return value


def topic_in_reach(tid: int) -> tuple[ForumTopic, Reader]:
    topic = db.session.get(ForumTopic, _id_or_404(tid))
    if topic is None:
        raise NotFound()
    reader = current_reader(topic.program_id)
    if not may_see_topic(topic, reader):
        raise NotFound()
    return topic, reader


def post_in_reach(post_id: int) -> tuple[ForumPost, ForumTopic, Reader]:
    post = db.session.get(ForumPost, _id_or_404(post_id))
    if post is None:
        raise NotFound()
    topic, reader = topic_in_reach(post.topic_id)
    if post.deleted_at is not None:
        raise NotFound()
    return post, topic, reader

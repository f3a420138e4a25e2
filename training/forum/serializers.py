"""JSON shapes of topics and posts; authors always through ``present.author_for``."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from training.extensions import db
from training.forum.access import post_body_visible
from training.forum.attachments import of_posts
from training.forum.models import ForumAttachment, ForumPost, ForumTopic
from training.forum.present import Reader, author_for, company_names


def posts_of(topic: ForumTopic) -> list[ForumPost]:
    return list(
        db.session.scalars(
            db.select(ForumPost)
            .options(selectinload(ForumPost.author))  # one query for the authors, not one each
            .where(ForumPost.topic_id == topic.id, ForumPost.deleted_at.is_(None))
            .order_by(ForumPost.id)
        )
    )


def attachment_json(attachment: ForumAttachment) -> dict:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size_bytes,
        "width": attachment.width,
        "height": attachment.height,
        "url": url_for(
            "forum.attachment", aid=attachment.id, name=attachment.filename, _external=False
        ),
    }


def post_json(post: ForumPost, reader: Reader, companies=None, files=None) -> dict:
    author = author_for(post, reader, companies)
    visible = post_body_visible(post, reader)
    body = {
        "id": post.id,
        "topic_id": post.topic_id,
        "author": author.json(),
        "anonymous": post.anonymous,
        "body_html": post.body_html if visible else None,
        "accepted": post.accepted,
        "useful": post.useful_count,
        "quote_post_id": post.quote_post_id,
        "created_at": post.created_at.isoformat(),
        "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        "hidden": post.hidden_at is not None,
    }
    if post.hidden_at is not None:
        body["hidden_message"] = _("This message was hidden by the facilitator.")
        if reader.staff or post.author_id == reader.user_id:
            body["hidden_reason"] = post.hidden_reason
    if visible and (reader.staff or post.author_id == reader.user_id):
        body["body"] = post.body
    if files is None:
        files = of_posts([post.id]) if visible else {}
    body["attachments"] = [attachment_json(a) for a in files.get(post.id, [])] if visible else []
    return body


def topic_json(topic: ForumTopic, reader: Reader, with_posts: bool = True) -> dict:
    author = author_for(topic, reader)
    body = {
        "id": topic.id,
        "program_id": topic.program_id,
        "category_id": topic.category_id,
        "title": topic.title,
        "author": author.json(),
        "anonymous": topic.anonymous,
        "question": topic.question,
        "pinned": topic.pinned,
        "locked": topic.locked,
        "hidden": topic.hidden_at is not None,
        "answered": topic.answered_at is not None,
        "replies": topic.reply_count,
        "created_at": topic.created_at.isoformat(),
        "last_post_at": topic.last_post_at.isoformat(),
    }
    if with_posts:
        posts = posts_of(topic)
        companies = company_names(topic.program_id, {p.author_id for p in posts if p.author_id})
        files = of_posts(p.id for p in posts)
        body["posts"] = [post_json(p, reader, companies, files) for p in posts]
    return body

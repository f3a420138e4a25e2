"""Forum endpoints of the JSON API (README.md, "HTTP API"). Thin: parse, reach, call, commit.

Outsiders get 404 for everything in a program; a participant reading someone else's private
question gets 404 too (``access``). ``author`` is null for a peer reading an anonymous post.
"""

from __future__ import annotations

from typing import Literal

from flask import jsonify, request
from flask_login import current_user, login_required
from pydantic import Field
from werkzeug.exceptions import Forbidden

from training.api import api, parse_json
from training.api.schemas import Strict
from training.extensions import db
from training.forum import attachments, notify, participation, queries
from training.forum import operations as ops
from training.forum.access import current_reader, post_in_reach, topic_in_reach
from training.forum.serializers import attachment_json, post_json, topic_json


class TopicIn(Strict):
    title: str
    body: str
    category_id: int | None = None
    anonymous: bool = False
    question: Literal["experts", "experts_private"] | None = None
    attachments: list[int] = Field(default_factory=list, max_length=attachments.MAX_PER_POST)


class PostIn(Strict):
    body: str
    anonymous: bool = False
    quote_post_id: int | None = None
    attachments: list[int] = Field(default_factory=list, max_length=attachments.MAX_PER_POST)


class EditIn(Strict):
    body: str
    title: str | None = None
    add_attachments: list[int] = Field(default_factory=list, max_length=attachments.MAX_PER_POST)
    remove_attachments: list[int] = Field(default_factory=list, max_length=100)


class ReasonIn(Strict):
    reason: str = Field(max_length=2000)


class ModerationIn(Strict):
    locked: bool | None = None
    pinned: bool | None = None
    category_id: int | None = None


class NotificationsIn(Strict):
    email: Literal["each", "daily", "weekly", "off"]


@api.get("/programs/<int:pid>/forum/topics")
@login_required
def forum_topics(pid: int):
    reader = current_reader(pid)
    category = request.args.get("category_id", type=int)
    rows = queries.topic_rows(reader, category_id=category)
    return jsonify(topics=[topic_json(r.topic, reader, with_posts=False) for r in rows])


@api.post("/programs/<int:pid>/forum/topics")
@login_required
def forum_create_topic(pid: int):
    reader = current_reader(pid)
    body = parse_json(TopicIn)
    topic = ops.create_topic(
        reader,
        body.title,
        body.body,
        category_id=body.category_id,
        anonymous=body.anonymous,
        question=body.question,
        attachment_ids=body.attachments,
    )
    answer = topic_json(topic, reader)
    db.session.commit()
    return jsonify(answer), 201


@api.get("/topics/<int:tid>")
@login_required
def forum_topic(tid: int):
    topic, reader = topic_in_reach(tid)
    return jsonify(topic_json(topic, reader))


@api.post("/topics/<int:tid>/posts")
@login_required
def forum_reply(tid: int):
    topic, reader = topic_in_reach(tid)
    body = parse_json(PostIn)
    post = ops.reply(
        reader,
        topic,
        body.body,
        anonymous=body.anonymous,
        quote_post_id=body.quote_post_id,
        attachment_ids=body.attachments,
    )
    answer = post_json(post, reader)
    db.session.commit()
    return jsonify(answer), 201


@api.post("/topics/<int:tid>/moderation")
@login_required
def forum_moderate(tid: int):
    topic, reader = topic_in_reach(tid)
    body = parse_json(ModerationIn)
    fields = body.model_fields_set
    ops.moderate_topic(
        reader,
        topic,
        locked=body.locked,
        pinned=body.pinned,
        category_id=body.category_id if "category_id" in fields else False,
    )
    answer = topic_json(topic, reader, with_posts=False)
    db.session.commit()
    return jsonify(answer)


@api.patch("/posts/<int:post_id>")
@login_required
def forum_edit(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    body = parse_json(EditIn)
    ops.edit_post(
        reader,
        post,
        topic,
        body.body,
        body.title,
        add_attachments=body.add_attachments,
        remove_attachments=body.remove_attachments,
    )
    answer = post_json(post, reader)
    db.session.commit()
    return jsonify(answer)


@api.delete("/posts/<int:post_id>")
@login_required
def forum_delete(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.delete_post(reader, post, topic)
    db.session.commit()
    return jsonify(status="deleted")


@api.get("/posts/<int:post_id>/revisions")
@login_required
def forum_revisions(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    if not reader.staff:
        raise Forbidden()
    return jsonify(
        revisions=[
            {"id": r.id, "body": r.body, "editor_id": r.editor_id, "at": r.created_at.isoformat()}
            for r in ops.revisions(post)
        ]
    )


@api.post("/posts/<int:post_id>/useful")
@login_required
def forum_useful(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    count = ops.vote(reader, post, True)
    db.session.commit()
    return jsonify(id=post_id, useful=count)


@api.delete("/posts/<int:post_id>/useful")
@login_required
def forum_not_useful(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    count = ops.vote(reader, post, False)
    db.session.commit()
    return jsonify(id=post_id, useful=count)


@api.post("/posts/<int:post_id>/accept")
@login_required
def forum_accept(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.accept(reader, post, topic)
    answer = post_json(post, reader)
    db.session.commit()
    return jsonify(answer)


@api.post("/posts/<int:post_id>/flag")
@login_required
def forum_flag(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    item = ops.flag(reader, post, parse_json(ReasonIn).reason)
    db.session.commit()
    return jsonify(id=item.id, post_id=post_id, status="flagged"), 201


@api.post("/posts/<int:post_id>/hide")
@login_required
def forum_hide(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.hide(reader, post, topic, parse_json(ReasonIn).reason)
    answer = post_json(post, reader)
    db.session.commit()
    return jsonify(answer)


@api.post("/posts/<int:post_id>/restore")
@login_required
def forum_restore(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.restore(reader, post, topic)
    answer = post_json(post, reader)
    db.session.commit()
    return jsonify(answer)


@api.put("/me/notifications")
@login_required
def forum_notification_prefs():
    body = parse_json(NotificationsIn)
    pref = notify.set_email_preference(current_user.id, body.email)
    db.session.commit()
    return jsonify(email=pref.email)


@api.get("/me/notifications")
@login_required
def forum_notification_prefs_get():
    return jsonify(
        email=notify.email_preference(current_user.id),
        unread=notify.unread_count(current_user.id),
    )


@api.get("/programs/<int:pid>/search")
@login_required
def forum_search(pid: int):
    reader = current_reader(pid)
    q = request.args.get("q", "")
    return jsonify(results=queries.search_results(reader, q))


@api.get("/programs/<int:pid>/participation")
@login_required
def forum_participation(pid: int):
    reader = current_reader(pid)
    ops.require_facilitator(reader)
    return jsonify(participation.report_json(reader))


@api.post("/programs/<int:pid>/forum/attachments")
@login_required
def forum_upload(pid: int):
    """Upload one file (multipart field ``file``); pass its id in a post's ``attachments``."""
    reader = current_reader(pid)
    request.max_content_length = attachments.max_bytes() + 1024 * 1024
    attachment = attachments.store(reader, request.files.get("file"))
    answer = attachment_json(attachment)
    db.session.commit()
    return jsonify(answer), 201

"""Read side of the forum: topic lists with unread marks, a topic's page, the experts' queue,
search results. Everything goes through ``access`` (what the reader may see) and
``present.author_for`` (who the reader may know wrote it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from training.db import utcnow
from training.extensions import db
from training.forum import search
from training.forum.access import topic_clause
from training.forum.models import ForumPost, ForumRead, ForumTopic, ForumVisit, ForumVote
from training.forum.present import Reader, author_for, company_names
from training.links import absolute_url


@dataclass
class TopicRow:
    topic: ForumTopic
    author: object  # AuthorView
    unread: int  # posts after the reader's last read (all of them if never opened)
    new_since_visit: bool


def visit(reader: Reader) -> datetime | None:
    """Record a visit to the forum home; returns the previous one ("your last visit")."""
    row = db.session.get(ForumVisit, (reader.user_id, reader.program_id))
    now = utcnow()
    if row is None:
        db.session.add(
            ForumVisit(user_id=reader.user_id, program_id=reader.program_id, visited_at=now)
        )
        return None
    # visits within 30 minutes are one visit: coming back to the list keeps the "new" marks
    if (now - row.visited_at).total_seconds() > 1800:
        row.previous_at = row.visited_at
    row.visited_at = now
    return row.previous_at


def last_visit(reader: Reader) -> datetime | None:
    row = db.session.get(ForumVisit, (reader.user_id, reader.program_id))
    return row.previous_at if row else None


def topic_rows(
    reader: Reader,
    *,
    category_id: int | None = None,
    since: datetime | None = None,
    questions_only: bool = False,
    limit: int = 200,
) -> list[TopicRow]:
    stmt = db.select(ForumTopic).where(topic_clause(reader))
    if category_id is not None:
        stmt = stmt.where(ForumTopic.category_id == category_id)
    if questions_only:
        stmt = stmt.where(ForumTopic.question.is_not(None))
    topics = list(
        db.session.scalars(
            stmt.order_by(ForumTopic.pinned.desc(), ForumTopic.last_post_at.desc()).limit(limit)
        )
    )
    ids = [t.id for t in topics]
    unread: dict[int, int] = {}
    if ids:
        last_read = sa.func.coalesce(
            db.select(ForumRead.last_post_id)
            .where(ForumRead.user_id == reader.user_id, ForumRead.topic_id == ForumPost.topic_id)
            .scalar_subquery(),
            0,
        )
        for tid, count in db.session.execute(
            db.select(ForumPost.topic_id, sa.func.count(ForumPost.id))
            .where(
                ForumPost.topic_id.in_(ids),
                ForumPost.deleted_at.is_(None),
                ForumPost.id > last_read,
            )
            .group_by(ForumPost.topic_id)
        ):
            unread[tid] = count
    companies = company_names(reader.program_id, {t.author_id for t in topics if t.author_id})
    return [
        TopicRow(
            topic=t,
            author=author_for(t, reader, companies),
            unread=unread.get(t.id, 0),
            new_since_visit=since is not None and t.last_post_at > since,
        )
        for t in topics
    ]


def first_unread_post_id(reader: Reader, topic: ForumTopic) -> int | None:
    read = db.session.get(ForumRead, (reader.user_id, topic.id))
    last = read.last_post_id if read else 0
    return db.session.scalar(
        db.select(sa.func.min(ForumPost.id)).where(
            ForumPost.topic_id == topic.id, ForumPost.deleted_at.is_(None), ForumPost.id > last
        )
    )


def mark_read(reader: Reader, topic: ForumTopic, last_post_id: int) -> int:
    """Record the reader's progress; returns the previous last-read post id."""
    read = db.session.get(ForumRead, (reader.user_id, topic.id))
    if read is None:
        db.session.add(
            ForumRead(user_id=reader.user_id, topic_id=topic.id, last_post_id=last_post_id)
        )
        return 0
    previous = read.last_post_id
    if last_post_id > read.last_post_id:
        read.last_post_id = last_post_id
        read.read_at = utcnow()
    return previous


def my_votes(reader: Reader, post_ids) -> set[int]:
    ids = list(post_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            db.select(ForumVote.post_id).where(
                ForumVote.user_id == reader.user_id, ForumVote.post_id.in_(ids)
            )
        )
    )


def expert_queue(reader: Reader) -> list[TopicRow]:
    """Questions not answered yet, oldest first (the expert's queue)."""
    rows = [
        r
        for r in topic_rows(reader, questions_only=True, limit=500)
        if r.topic.answered_at is None and r.topic.hidden_at is None
    ]
    rows.sort(key=lambda r: r.topic.created_at)
    return rows


def search_results(reader: Reader, q: str, limit: int = 20, absolute: bool = True) -> list[dict]:
    out = []
    found = search.find(reader, q, limit=limit)
    companies = company_names(reader.program_id, {p.author_id for p, _t in found if p.author_id})
    for post, topic in found:
        text = post.body_text
        if post.is_first and not search.snippet(text, q).count("<mark>"):
            text = f"{topic.title} — {text}"
        endpoint_args = {"tid": topic.id, "_anchor": f"post-{post.id}"}
        out.append(
            {
                "kind": "post",
                "id": post.id,
                "topic_id": topic.id,
                "title": topic.title,
                "snippet": str(search.snippet(text, q)),
                "author": author_for(post, reader, companies).json(),
                "url": absolute_url("forum.topic", **endpoint_args)
                if absolute
                else url_for("forum.topic", **endpoint_args),
            }
        )
    return out

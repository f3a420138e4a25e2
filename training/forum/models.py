"""Forum tables: categories, topics, posts (with revisions, votes, flags), reads, watches,
notifications and each member's e-mail preference.

A topic's first post is its body. Deletion is soft (``deleted_at``); hiding is the
facilitator's (``hidden_at`` + a reason shown to the author). ``accepted`` marks a question's
answer; the partial unique index ``uq_forum_posts_accepted_topic`` keeps it to one per topic.
``search_vector`` is PostgreSQL's full-text vector (plain text, unused, on SQLite, where the
FTS5 table ``forum_search`` created by the migration holds the index).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.db import UTCDateTime, utcnow
from training.extensions import db

QUESTION_KINDS = ("experts", "experts_private")
EMAIL_PREFS = ("each", "daily", "weekly", "off")
NOTIFICATION_KINDS = ("topic", "reply", "mention", "question", "accepted", "hidden")

_ACCEPTED = sa.text("accepted")


class ForumCategory(db.Model):
    __tablename__ = "forum_categories"
    __table_args__ = (sa.UniqueConstraint("program_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumTopic(db.Model):
    __tablename__ = "forum_topics"
    __table_args__ = (
        sa.CheckConstraint(
            "question IS NULL OR question IN ('experts', 'experts_private')", name="question_known"
        ),
        sa.Index("ix_forum_topics_program_last", "program_id", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    title: Mapped[str] = mapped_column(sa.String(200))
    question: Mapped[str | None] = mapped_column(sa.String(20))
    pinned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    locked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    category: Mapped[ForumCategory | None] = relationship()


class ForumPost(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (
        sa.Index(
            "uq_forum_posts_accepted_topic",
            "topic_id",
            unique=True,
            postgresql_where=_ACCEPTED,
            sqlite_where=_ACCEPTED,
        ),
        sa.Index("ix_forum_posts_topic_id_id", "topic_id", "id"),
        sa.Index("ix_forum_posts_program_created", "program_id", "created_at"),
        sa.Index("ix_forum_posts_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_topics.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_first: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown as written
    body_html: Mapped[str] = mapped_column(sa.Text)  # rendered and sanitised
    body_text: Mapped[str] = mapped_column(sa.Text)  # plain text: mails, snippets, search
    quote_post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_posts.id", ondelete="SET NULL")
    )
    accepted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    useful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    search_vector: Mapped[str | None] = mapped_column(
        sa.Text().with_variant(TSVECTOR(), "postgresql")
    )

    topic: Mapped[ForumTopic] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    quote: Mapped[ForumPost | None] = relationship(remote_side=[id], foreign_keys=[quote_post_id])


class ForumRevision(db.Model):
    """A post's earlier text, kept on each edit (moderators read the history)."""

    __tablename__ = "forum_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumVote(db.Model):
    """One "useful" per member per post: the primary key is the rule."""

    __tablename__ = "forum_votes"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumFlag(db.Model):
    __tablename__ = "forum_flags"
    __table_args__ = (sa.UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ForumRead(db.Model):
    """How far a member has read a topic (the last post id seen)."""

    __tablename__ = "forum_reads"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), primary_key=True
    )
    last_post_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumVisit(db.Model):
    """A member's visits to a program's forum: ``previous_at`` is "your last visit"."""

    __tablename__ = "forum_visits"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    previous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumWatch(db.Model):
    """A member watches a topic or a category (exactly one of the two)."""

    __tablename__ = "forum_watches"
    __table_args__ = (
        sa.CheckConstraint("(topic_id IS NULL) <> (category_id IS NULL)", name="watch_one_target"),
        sa.UniqueConstraint("user_id", "topic_id"),
        sa.UniqueConstraint("user_id", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumNotification(db.Model):
    __tablename__ = "forum_notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "post_id", "kind"),
        sa.Index("ix_forum_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[ForumPost] = relationship()
    topic: Mapped[ForumTopic] = relationship()


class ForumMailPreference(db.Model):
    """How a member wants forum e-mail; no row means the daily digest."""

    __tablename__ = "forum_mail_preferences"
    __table_args__ = (
        sa.CheckConstraint("email IN ('each', 'daily', 'weekly', 'off')", name="email_known"),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(sa.String(10), default="daily", server_default="daily")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ForumSettings(db.Model):
    """Per-program forum settings; a program without a row uses the defaults."""

    __tablename__ = "forum_settings"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    silent_weeks: Mapped[int] = mapped_column(default=3, server_default="3")


class ForumContactNote(db.Model):
    """The facilitator's private log of reaching out to a member."""

    __tablename__ = "forum_contact_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumAttachment(db.Model):
    """A file attached to a post, stored under MEDIA_ROOT/forum/<program id>/<stored_name>.

    Uploaded first (``post_id`` null: only its uploader reaches it), then bound to the post
    written with it; an unbound upload older than a day is pruned. ``content_type`` is sniffed
    from the bytes, never taken from the name or the browser. Removal is soft.
    """

    __tablename__ = "forum_attachments"
    __table_args__ = (sa.Index("ix_forum_attachments_post_id", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum_posts.id", ondelete="CASCADE"))
    uploader_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

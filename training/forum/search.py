"""Accent-insensitive full-text search over a program's forum, obeying every visibility rule.

SQLite: the FTS5 table ``forum_search`` (``unicode61 remove_diacritics 2``; rowid = post id),
ranked by bm25 with the topic title weighing more. PostgreSQL: ``forum_posts.search_vector``,
``unaccent`` text under the ``french`` and ``simple`` configurations (stems and whole words),
GIN-indexed, ranked by ts_rank. Both index the title and the post's plain text only, never its
author, so a search cannot find who wrote an anonymous post. Matches are filtered by the same
rules as the pages (:mod:`training.forum.access`), and the snippet is the post's text, escaped
first, then highlighted (:func:`snippet`).
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from markupsafe import Markup, escape

from training.extensions import db
from training.forum.models import ForumPost, ForumTopic

TERM = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 220


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_post(post: ForumPost, topic: ForumTopic) -> None:
    """(Re)index a post; a deleted one leaves the index."""
    if post.deleted_at is not None:
        unindex_post(post)
        return
    title = topic.title if post.is_first else ""
    if _dialect() == "postgresql":
        db.session.execute(
            sa.text(
                "UPDATE forum_posts SET search_vector ="
                " setweight(to_tsvector('french', unaccent(:title)), 'A')"
                " || setweight(to_tsvector('simple', unaccent(:title)), 'A')"
                " || to_tsvector('french', unaccent(:body))"
                " || to_tsvector('simple', unaccent(:body))"
                " WHERE id = :id"
            ),
            {"title": title, "body": post.body_text, "id": post.id},
        )
    else:
        db.session.execute(sa.text("DELETE FROM forum_search WHERE rowid = :id"), {"id": post.id})
        db.session.execute(
            sa.text("INSERT INTO forum_search (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": post.id, "title": title, "body": post.body_text},
        )


def unindex_post(post: ForumPost) -> None:
    if _dialect() == "postgresql":
        db.session.execute(
            sa.text("UPDATE forum_posts SET search_vector = NULL WHERE id = :id"), {"id": post.id}
        )
    else:
        db.session.execute(sa.text("DELETE FROM forum_search WHERE rowid = :id"), {"id": post.id})


def terms_of(query: str) -> list[str]:
    return [t for t in TERM.findall(query or "") if t.strip("_")][:12]


def find(reader, query: str, limit: int = 20) -> list[tuple[ForumPost, ForumTopic]]:
    """The posts matching ``query`` that ``reader`` may read, best first."""
    from training.forum.access import post_clause, topic_clause

    terms = terms_of(query)
    if not terms:
        return []
    visible = sa.and_(topic_clause(reader), post_clause(reader))
    stmt = (
        db.select(ForumPost, ForumTopic)
        .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
        .where(ForumPost.program_id == reader.program_id, visible)
    )
    if _dialect() == "postgresql":
        prefix = " & ".join(f"{fold(t)}:*" for t in terms)
        tsq = sa.func.plainto_tsquery("french", sa.func.unaccent(" ".join(terms))).op("||")(
            sa.func.to_tsquery("simple", prefix)
        )
        rank = sa.func.ts_rank(ForumPost.search_vector, tsq)
        stmt = stmt.where(ForumPost.search_vector.op("@@")(tsq)).order_by(
            rank.desc(), ForumPost.id.desc()
        )
    else:
        fts = sa.table("forum_search", sa.column("rowid"))
        match = " ".join(f'"{t}"*' for t in terms)
        stmt = (
            stmt.join(fts, fts.c.rowid == ForumPost.id)
            .where(sa.text("forum_search MATCH :match").bindparams(match=match))
            .order_by(sa.text("bm25(forum_search, 4.0, 1.0)"), ForumPost.id.desc())
        )
    return [(p, t) for p, t in db.session.execute(stmt.limit(limit)).all()]


# --- snippets ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


def _fold_char(c: str) -> str:
    base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    return base.casefold()


def _matches(word: str, terms: list[str]) -> bool:
    for term in terms:
        if word.startswith(term):
            return True
        # a stem of the word searched: "équipes" finds "équipe" (PostgreSQL's french stemmer)
        if len(word) >= 4 and term.startswith(word) and len(term) - len(word) <= 3:
            return True
    return False


def snippet(text: str, query: str, size: int = SNIPPET_CHARS) -> Markup:
    """Around the first match: the text HTML-escaped, then the matched words in ``<mark>``."""
    terms = [fold(t) for t in terms_of(query)]
    words = [(m.start(), m.end()) for m in TERM.finditer(text)]
    hits = [(s, e) for s, e in words if _matches(fold(text[s:e]), terms)]
    start = 0
    if hits:
        start = max(0, hits[0][0] - size // 3)
        # begin at a word boundary
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + size)
    while end < len(text) and not text[end - 1].isspace() and end - start < size + 30:
        end += 1
    out = [Markup("…") if start > 0 else Markup("")]
    pos = start
    for s, e in hits:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>%s</mark>") % text[s:e])
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out).strip()

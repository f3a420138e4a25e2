"""The forum at a training network's full size, on SQLite and PostgreSQL.

    .venv/bin/python bench/forum.py [--db sqlite|postgresql|both] [--repeat 20]

Builds, in a fresh database per engine, 100 programs of 40 participants, a facilitator and an
expert (4,200 members), 50,000 posts in French with accents spread over their topics, one topic
of 500 posts, and 5 unread notifications per member. Then, side by side in one run:

- topic page: server time of ``GET /topics/<id>`` (the real view: read marks written, authors,
  companies, attachments, rendering) for the 500-post topic against a 20-post topic of the same
  program (baseline). Target: p95 under 150 ms.
- search: ``forum.queries.search_results`` (full-text index, visibility rules, snippets) against
  the obvious ``LIKE '%term%'`` scan over the same posts (baseline). Target: p95 under 100 ms.
- daily digest: ``notify.send_due_digests`` and its commit (outbox rows, one per member),
  the worker's whole job, once. Target: under 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

PROGRAMS, PARTICIPANTS, POSTS, BIG_TOPIC, NOTES_PER_MEMBER = 100, 40, 50_000, 500, 5
WORDS = [
    "équipe",
    "salaire",
    "échelle",
    "rémunération",
    "évaluation",
    "rendement",
    "poste",
    "classe",
    "employé",
    "gestion",
    "recrutement",
    "rétention",
    "entrevue",
    "formation",
    "compétence",
    "développement",
    "politique",
    "équité",
    "interne",
    "marché",
    "révision",
    "budget",
    "augmentation",
    "mérite",
    "prime",
    "horaire",
    "télétravail",
    "santé",
    "sécurité",
    "intégration",
    "accueil",
    "départ",
    "succession",
    "leadership",
    "communication",
    "objectif",
]
QUERIES = ["équité", "echelle salariale", "rémunération", "teletravail", "entrevue", "prime"]


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def database_url(engine: str, tmp: str) -> tuple[str, callable]:
    if engine == "sqlite":
        return f"sqlite:///{tmp}/forum-bench.db", lambda: None
    import psycopg

    name = f"copa_bench_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def build(db, rng: random.Random) -> dict:
    """Bulk-insert the network (core inserts: the operations would take minutes)."""
    from training.forum.markdown import render

    now = datetime.now(UTC)
    t = {name: db.metadata.tables[name] for name in db.metadata.tables}
    conn = db.session.connection()
    programs = [{"id": i + 1, "title": f"CoPA {i + 1}"} for i in range(PROGRAMS)]
    conn.execute(
        t["programs"].insert(),
        [
            {
                **p,
                "timezone": "America/Toronto",
                "locale": "fr_CA",
                "coaching_quota": 5,
                "planned_sessions": 10,
                "invite_sender": "copa",
                "created_at": now,
            }
            for p in programs
        ],
    )
    users, members, uid = [], [], 0
    roles = ["facilitator", "expert"] + ["participant"] * PARTICIPANTS
    by_program: dict[int, list[int]] = {}
    for p in programs:
        for role in roles:
            uid += 1
            users.append(
                {
                    "id": uid,
                    "email": f"u{uid}@bench.test",
                    "name": f"Membre {uid}",
                    "is_admin": False,
                    "security_stamp": 0,
                    "created_at": now,
                    "timezone": "America/Toronto",
                }
            )
            members.append({"program_id": p["id"], "user_id": uid, "role": role, "created_at": now})
            by_program.setdefault(p["id"], []).append(uid)
    conn.execute(t["users"].insert(), users)
    conn.execute(t["memberships"].insert(), members)

    topics, posts, tid, pid_post = [], [], 0, 0

    def text() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 70))).capitalize() + "."

    per_program = POSTS // PROGRAMS
    for p in programs:
        people = by_program[p["id"]]
        sizes = [BIG_TOPIC, 20] if p["id"] == 1 else []
        left = per_program - sum(sizes)
        while left > 0:
            size = min(left, rng.randint(3, 30))
            sizes.append(size)
            left -= size
        for size in sizes:
            tid += 1
            created = now - timedelta(days=30)
            topics.append(
                {
                    "id": tid,
                    "program_id": p["id"],
                    "author_id": rng.choice(people),
                    "anonymous": False,
                    "title": f"Sujet {tid} : {rng.choice(WORDS)}",
                    "pinned": False,
                    "locked": False,
                    "reply_count": size - 1,
                    "created_at": created,
                    "last_post_at": created + timedelta(minutes=size),
                }
            )
            for k in range(size):
                pid_post += 1
                body = text()
                posts.append(
                    {
                        "id": pid_post,
                        "topic_id": tid,
                        "program_id": p["id"],
                        "author_id": rng.choice(people),
                        "anonymous": rng.random() < 0.1,
                        "is_first": k == 0,
                        "body": body,
                        "body_html": render(body, set()),
                        "body_text": body,
                        "accepted": False,
                        "useful_count": 0,
                        "created_at": created + timedelta(minutes=k),
                    }
                )
    conn.execute(t["forum_topics"].insert(), topics)
    for i in range(0, len(posts), 5000):
        conn.execute(t["forum_posts"].insert(), posts[i : i + 5000])
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text(
                "UPDATE forum_posts p SET search_vector ="
                " setweight(to_tsvector('french', unaccent(CASE WHEN p.is_first THEN t.title"
                " ELSE '' END)), 'A') || to_tsvector('french', unaccent(p.body_text))"
                " || to_tsvector('simple', unaccent(p.body_text))"
                " FROM forum_topics t WHERE t.id = p.topic_id"
            )
        )
        conn.execute(sa.text("ANALYZE"))
    else:
        conn.execute(
            sa.text(
                "INSERT INTO forum_search (rowid, title, body) SELECT p.id,"
                " CASE WHEN p.is_first THEN t.title ELSE '' END, p.body_text"
                " FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id"
            )
        )
    # 5 unread notifications per member, on posts of their program
    posts_of = {}
    for post in posts:
        posts_of.setdefault(post["program_id"], []).append(post)
    notes = []
    for m in members:
        for post in rng.sample(posts_of[m["program_id"]], NOTES_PER_MEMBER):
            notes.append(
                {
                    "user_id": m["user_id"],
                    "program_id": m["program_id"],
                    "topic_id": post["topic_id"],
                    "post_id": post["id"],
                    "kind": "reply",
                    "created_at": now - timedelta(hours=3),
                }
            )
    for i in range(0, len(notes), 5000):
        conn.execute(t["forum_notifications"].insert(), notes[i : i + 5000])
    db.session.commit()
    big, small = 1, 2
    return {"big": big, "small": small, "reader": by_program[1][5], "members": len(members)}


def run(engine: str, repeat: int) -> list[tuple[str, str, str, str, str]]:
    from flask_migrate import upgrade

    from training import create_app
    from training.accounts.models import User
    from training.extensions import db
    from training.forum import notify, queries
    from training.forum.present import reader_for

    rows = []
    with tempfile.TemporaryDirectory(prefix="copa-forum-bench-") as tmp:
        url, drop = database_url(engine, tmp)
        try:
            app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": secrets.token_hex(16),
                    "SQLALCHEMY_DATABASE_URI": url,
                    "MEDIA_ROOT": f"{tmp}/media",
                    "SMTP_URL": None,
                    "BASE_URL": "http://copa.bench",
                    "WTF_CSRF_ENABLED": False,
                    "RQ_QUEUE_PREFIX": f"copabench-{uuid.uuid4().hex[:8]}",
                    "RATELIMIT_ENABLED": False,
                }
            )
            with app.app_context():
                upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
                started = time.perf_counter()
                ids = build(db, random.Random(7))
                print(f"  {engine}: built in {time.perf_counter() - started:.0f} s", flush=True)
            client = app.test_client()
            with app.app_context():
                login_id = db.session.get(User, ids["reader"]).get_id()
            with client.session_transaction() as sess:
                sess["_user_id"] = login_id
                sess["_fresh"] = True

            def page(tid: int) -> list[float]:
                times = []
                for i in range(repeat + 2):
                    t0 = time.perf_counter()
                    r = client.get(f"/topics/{tid}")
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert r.status_code == 200, r.status_code
                    if i >= 2:
                        times.append(elapsed)
                return times

            big, small = [], []
            for _ in range(2):  # interleaved
                big += page(ids["big"])
                small += page(ids["small"])
            rows.append(
                (
                    engine,
                    "topic page, 500 posts (ms)",
                    f"{p95(big):.1f}",
                    f"{p95(small):.1f} (20 posts)",
                    "p95 < 150",
                )
            )

            # as a worker runs a job: an app and a request context for url_for and templates
            with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
                user = db.session.get(User, ids["reader"])
                reader = reader_for(user, 1)
                found, scanned = [], []
                for _ in range(repeat):
                    for q in QUERIES:
                        t0 = time.perf_counter()
                        queries.search_results(reader, q)
                        found.append((time.perf_counter() - t0) * 1000)
                        t0 = time.perf_counter()
                        term = q.split()[0]
                        db.session.execute(
                            sa.text(
                                "SELECT id FROM forum_posts WHERE body_text LIKE :q"
                                " ORDER BY id DESC LIMIT 20"
                            ),
                            {"q": f"%{term}%"},
                        ).all()
                        scanned.append((time.perf_counter() - t0) * 1000)
                rows.append(
                    (
                        engine,
                        "search, 50,000 posts (ms)",
                        f"{p95(found):.1f}",
                        f"{p95(scanned):.1f} (LIKE scan)",
                        "p95 < 100",
                    )
                )
                db.session.rollback()

                # 19:00 in Montréal: every daily digest is due
                due = datetime.now(UTC).replace(hour=23, minute=30)
                if due < datetime.now(UTC):
                    due += timedelta(days=1)
                t0 = time.perf_counter()
                sent = notify.send_due_digests(due)
                db.session.commit()
                seconds = time.perf_counter() - t0
                assert sent >= ids["members"] - 1, (sent, ids["members"])  # the reader read some
                rows.append(
                    (engine, f"daily digest, {sent:,} members (s)", f"{seconds:.1f}", "-", "< 60")
                )
                db.session.remove()
            db_engine = None
            with app.app_context():
                db_engine = db.engine
                _drain_queues(app)
            db_engine.dispose()
        finally:
            drop()
    return rows


def _drain_queues(app) -> None:
    """Drop the mail jobs the digest queued (nothing here sends them)."""
    from redis import Redis

    redis = Redis.from_url(app.config["REDIS_URL"])
    prefix = app.config["RQ_QUEUE_PREFIX"]
    for key in redis.scan_iter(f"*{prefix}*"):
        redis.delete(key)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows = []
    for engine in engines:
        rows += run(engine, args.repeat)
    head = ("db", "measure", "Copa", "baseline", "target")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

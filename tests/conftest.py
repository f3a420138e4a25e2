"""Shared fixtures: a real database (SQLite or PostgreSQL), real Redis, real SMTP.

``COPA_TEST_DB=postgresql`` runs the suite on PostgreSQL (a database created for the run and
dropped after it, on ``COPA_TEST_PG_URL``, default postgresql://postgres@127.0.0.1:5432);
anything else runs it on a SQLite file. Each test starts from empty tables.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import uuid
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

PG_URL = os.environ.get("COPA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("COPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database(tmp_path_factory):
    if os.environ.get("COPA_TEST_DB", "sqlite") == "postgresql":
        import psycopg

        name = f"copa_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_URL}/{name}"
        finally:
            with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'copa-test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with _database(tmp_path_factory) as url:
        yield url


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production (own ``g``, own DB session).

    Afterwards the test's session commits, so it sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        from training.extensions import db

        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()
        return response


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    os.environ.setdefault("COPA_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    from flask_migrate import upgrade

    from training import create_app
    from workers.context import use_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": REDIS_URL,
            "RQ_QUEUE_PREFIX": f"copatest-{uuid.uuid4().hex[:8]}",
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
            "SMTP_URL": None,
            "BASE_URL": "http://copa.test",
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": None,
            # the suite reads English unless a test asks otherwise (Copa's default is fr_CA)
            "DEFAULT_LOCALE": "en",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(revision="heads")
    use_app(app)
    yield app
    with app.app_context():
        from training.extensions import db

        db.engine.dispose()


def _empty_tables(db):
    with db.engine.begin() as conn:
        existing = set(sa.inspect(conn).get_table_names())
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        if conn.dialect.name == "postgresql":
            leaked = conn.execute(
                sa.text(
                    "SELECT pid, state, left(query, 120) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND state LIKE 'idle in transaction%'"
                )
            ).all()
            if leaked:  # a test left a transaction open: say which, instead of hanging
                for pid, *_ in leaked:
                    conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                pytest.fail(f"a connection was left idle in transaction: {leaked}")
            conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
        # DELETE, not TRUNCATE: on a few rows it is ~50x faster (TRUNCATE rewrites files).
        for t in tables:
            conn.execute(t.delete())


@pytest.fixture
def app(_app):
    from training.extensions import db
    from workers.queues import all_queue_names, get_redis

    saved = dict(_app.config)
    ctx = _app.test_request_context()
    ctx.push()
    try:
        yield _app
    finally:
        db.session.rollback()
        db.session.remove()
        ctx.pop()
        _app.config.clear()
        _app.config.update(saved)
        with _app.app_context():
            _empty_tables(db)
            from training.throttle import reset_keys

            reset_keys(_app)  # each test starts with no failed attempt counted
            from rq import Queue

            for name in all_queue_names():
                q = Queue(name, connection=get_redis())
                q.empty()
                for registry in (q.scheduled_job_registry, q.failed_job_registry):
                    for job_id in registry.get_job_ids():
                        registry.remove(job_id)
                        get_redis().delete(f"rq:job:{job_id}")


@pytest.fixture
def other_app(_app, app):
    """Build another app on the test database with some settings changed (those read at
    start-up: BASE_URL's scheme, trusted proxies); its connections are closed afterwards."""
    from training import create_app
    from training.extensions import db as _db

    built = []

    def make(**config):
        other = create_app({**_app.config, **config})
        built.append(other)
        return other

    yield make
    for other in built:
        with other.app_context():
            _db.engine.dispose()


@pytest.fixture
def db(app):
    from training.extensions import db as _db

    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_conn(app):
    from workers.queues import get_redis

    return get_redis()


# --- factories -------------------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(**kw):
        from training.accounts.operations import create_user

        n = next(counter)
        password = kw.pop("password", None)
        # Tests read English unless they choose otherwise (locale=None: the program's language).
        kw.setdefault("locale", "en")
        user = create_user(
            kw.pop("email", f"user{n}-{uuid.uuid4().hex[:6]}@example.org"),
            kw.pop("name", f"User {n}"),
            password=password,
            **kw,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_program(db):
    def make(**kw):
        from training.programs.operations import create_program

        program = create_program(kw.pop("title", "Test program"), **kw)
        db.session.commit()
        return program

    return make


@pytest.fixture
def make_member(db, make_user):
    def make(program, role="participant", user=None, company=None, **user_kw):
        from training.programs.models import Membership
        from training.programs.operations import company_named

        user = user or make_user(**user_kw)
        if role == "participant" and company is None:
            company = f"Company of {user.name}"
        company_row = company_named(company)
        m = Membership(
            program_id=program.id,
            user_id=user.id,
            role=role,
            company_id=company_row.id if company_row else None,
        )
        db.session.add(m)
        db.session.commit()
        return m

    return make


@pytest.fixture
def auth_headers(db):
    def headers(user):
        from training.accounts.tokens import issue_api_token

        token = issue_api_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def login():
    def do_login(client, user):
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return client

    return do_login


# --- jobs ------------------------------------------------------------------------------------


@pytest.fixture
def run_jobs(app):
    """Run every queued job in this process (a burst SimpleWorker). Returns the count.

    ``until=datetime`` first moves scheduled jobs due by then into their queues, the way the
    worker's scheduler would when that time comes.
    """
    from rq import Queue, SimpleWorker

    from workers.queues import all_queue_names, get_redis

    def run(until=None, max_rounds=10):
        from training.extensions import db

        db.session.commit()  # release SQLite's snapshot/lock: the jobs write
        conn = get_redis()
        queues = [Queue(n, connection=conn) for n in all_queue_names()]
        total = 0
        for _ in range(max_rounds):
            if until is not None:
                for q in queues:
                    reg = q.scheduled_job_registry
                    for job_id in reg.get_jobs_to_schedule(int(until.timestamp())):
                        job = q.fetch_job(job_id)
                        reg.remove(job_id)
                        if job is not None:
                            q.enqueue_job(job)
            pending = sum(q.count for q in queues)
            if not pending:
                break
            worker = SimpleWorker(queues, connection=conn)
            worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
            total += pending
        db.session.commit()  # end the old snapshot: see what the jobs wrote
        return total

    return run


# --- SMTP ------------------------------------------------------------------------------------


class _Collector:
    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on loopback; SMTP_URL points at it for the test."""
    from aiosmtpd.controller import Controller

    handler = _Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture
def live_server(app):
    """The test app served over real HTTP on a free loopback port (threaded werkzeug)."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    server.url = app.config["BASE_URL"]
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("COPA_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser tab (own cookies) pointed at the live server."""
    context = _browser.new_context(base_url=live_server.url, locale="fr-CA")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        yield tab
    finally:
        context.close()


class FrozenClock:
    """The app's clock held at one instant (``training.clock``); ``advance`` moves it."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def set(self, at) -> None:
        if at.tzinfo is None:
            raise ValueError("give the clock an aware datetime")
        self.at = at

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)


@pytest.fixture
def clock():
    """Freeze the app's clock (now by default); the system clock is back after the test."""
    from datetime import UTC, datetime

    from training import clock as app_clock

    frozen = FrozenClock(datetime.now(UTC))
    app_clock.set_source(frozen)
    try:
        yield frozen
    finally:
        app_clock.set_source(None)

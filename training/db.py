"""Database primitives shared by every feature: the declarative base, UTC datetimes, locks."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from training import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _extension():
    """The app's Flask-SQLAlchemy extension (``training.extensions.db``), found through the app
    so that this lower module does not import the one that imports it."""
    from flask import current_app

    return current_app.extensions["sqlalchemy"]


# Tables a migration creates outside the models: SQLite's FTS5 search index and its shadow
# tables (forum_search_data, _idx, _content, _docsize, _config). Alembic leaves them alone.
UNMANAGED_TABLES = re.compile(r"^forum_search(_(data|idx|content|docsize|config))?$")


def include_name(name, type_, parent_names) -> bool:
    """Alembic's ``include_name`` hook (migrations/env.py and the schema test)."""
    return not (type_ == "table" and name and UNMANAGED_TABLES.match(name))


def utcnow() -> datetime:
    """Now, in UTC, from the app's clock (``training.clock``: tests may set it)."""
    return clock.now()


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``; SQLite stores text, so the offset is restored on the way
    out. Naive datetimes are refused: they are a bug at the edge that produced them.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: convert to UTC at the edge")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def for_update(stmt, **kw):
    """Add ``FOR UPDATE`` where the backend has row locks (PostgreSQL).

    On SQLite call :func:`begin_immediate` first instead: the whole database is the lock.
    """
    db = _extension()

    if db.session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(**kw)
    return stmt


def begin_immediate() -> None:
    """Take SQLite's write lock now, so read-then-write rules cannot race.

    A deferred SQLite transaction that reads and then writes fails with "database is locked"
    when two writers meet; ``BEGIN IMMEDIATE`` makes the second one wait (busy_timeout) instead.
    Call it before the first query of the unit of work. No-op on PostgreSQL.

    A deferred transaction that only read is ended and begun again IMMEDIATE; one that holds
    writes (pending or flushed) is refused with :class:`PendingWritesError` instead of being
    rolled back behind the caller's back.
    """
    db = _extension()

    session = db.session()  # the real Session: scoped_session does not proxy in_transaction()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        conn = session.connection()
        if conn.info.get("sqlite_immediate"):
            return
        if session.new or session.dirty or session.deleted or session.info.get("copa_flushed"):
            raise PendingWritesError(
                "begin_immediate() called after this transaction wrote: call it first"
            )
        session.rollback()
    session.connection(execution_options={"sqlite_immediate": True})


class PendingWritesError(RuntimeError):
    """A programming error: the unit of work took the write lock too late."""


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_flush(session, _context):
    session.info["copa_flushed"] = True


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: nothing is pending
        session.info.pop("copa_flushed", None)


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _writing_request() -> bool:
    """A request that may change state, or a job: its transactions start with
    ``BEGIN IMMEDIATE``.

    A deferred transaction that reads, then writes, cannot wait for the write lock: when
    another writer committed since its read, SQLite answers "database is locked" at once,
    whatever the busy timeout. Taking the lock at BEGIN makes concurrent writers queue behind
    the busy timeout instead (SQLAlchemy's pysqlite recipe). Reads (GET, HEAD) stay deferred,
    so WAL readers never wait.
    """
    from flask import g, has_app_context, has_request_context, request

    if has_app_context() and g.get("copa_job"):
        return True  # a background job: it reads then writes, like a POST
    return has_request_context() and request.method in _WRITE_METHODS


def configure_sqlite(engine) -> None:
    """WAL, foreign keys, a busy timeout and explicit BEGIN on SQLite connections."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself (see below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("sqlite_immediate") or _writing_request():
            conn.info["sqlite_immediate"] = True
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.info.pop("sqlite_immediate", None)
            conn.exec_driver_sql("BEGIN")

"""PostgreSQL connections the server dropped are caught before a request uses them, once they have sat idle: the
pool's, and those coaching.db.OnTheirOwn keeps out of it."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError

from coaching import db


@pytest.fixture
def postgresql_url(database_url) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    return database_url


def backend_of_pooled_connection(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def drop(database_url: str, backend: int) -> None:
    """What a database restart or a firewall does to one connection: the server ends it."""
    other = db.make_engine(database_url)
    with other.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
    other.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_use(postgresql_url):
    engine = db.make_engine(postgresql_url, ping_after_idle_seconds=0.2)
    dropped = backend_of_pooled_connection(engine)
    drop(postgresql_url, dropped)
    time.sleep(0.3)
    assert backend_of_pooled_connection(engine) != dropped
    engine.dispose()


def test_a_connection_back_in_use_at_once_is_not_pinged(postgresql_url):
    engine = db.make_engine(postgresql_url, ping_after_idle_seconds=60)
    dropped = backend_of_pooled_connection(engine)
    drop(postgresql_url, dropped)
    # No round trip spent checking it: the first statement finds it gone, and the pool starts afresh.
    with pytest.raises(OperationalError):
        backend_of_pooled_connection(engine)
    assert backend_of_pooled_connection(engine) != dropped
    engine.dispose()


BACKEND = select(func.pg_backend_pid())


def test_a_kept_connection_dropped_while_idle_is_replaced_before_use(postgresql_url):
    engine = db.make_engine(postgresql_url)
    statements = db.OnTheirOwn(engine)
    statements.IDLE_SECONDS = 0.2
    dropped = only(statements.first(BACKEND, {}))
    drop(postgresql_url, dropped)
    time.sleep(0.3)
    assert only(statements.first(BACKEND, {})) != dropped
    engine.dispose()


def test_a_kept_connection_dropped_in_use_fails_one_statement_as_sqlalchemy_would_and_is_replaced(postgresql_url):
    engine = db.make_engine(postgresql_url)
    statements = db.OnTheirOwn(engine)
    dropped = only(statements.first(BACKEND, {}))
    drop(postgresql_url, dropped)
    with pytest.raises(OperationalError) as failed:  # what callers catch (SQLAlchemyError), as from a pooled one
        statements.first(BACKEND, {})
    assert isinstance(failed.value.orig, psycopg.OperationalError)
    assert only(statements.first(BACKEND, {})) != dropped
    engine.dispose()


def test_with_every_kept_connection_busy_a_statement_goes_through_the_pool(postgresql_url):
    engine = db.make_engine(postgresql_url)
    statements = db.OnTheirOwn(engine)
    statements.KEEP = 0
    pooled = backend_of_pooled_connection(engine)
    assert only(statements.first(BACKEND, {})) == pooled
    engine.dispose()


def only(row) -> int:
    assert row is not None
    [value] = row
    return value


def test_disposing_of_the_engine_closes_the_kept_connections(postgresql_url):
    engine = db.make_engine(postgresql_url)
    kept = only(db.on_their_own(engine).first(BACKEND, {}))
    engine.dispose()
    other = db.make_engine(postgresql_url)
    deadline = time.monotonic() + 5  # a closed connection's backend ends a moment later
    with other.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")  # each query a fresh snapshot
        while kept in connection.scalars(text("SELECT pid FROM pg_stat_activity")).all():
            assert time.monotonic() < deadline, "the kept connection is still open"
            time.sleep(0.05)
    other.dispose()

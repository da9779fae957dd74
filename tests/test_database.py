"""PostgreSQL connections the server dropped are caught before a request uses them, once they have sat idle."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text
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

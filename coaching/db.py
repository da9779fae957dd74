"""Engine, sessions and migrations for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Protocol, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import ColumnElement, Connection, CursorResult, Engine, Result, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, Dialect
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql import Executable, Insert


def _migrations_dir() -> Path:
    """Where Alembic finds `migrations/`, found without importing it: its env.py imports coaching.models, and
    coaching/ must not import the package that imports it back."""
    spec = find_spec("migrations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the migrations package is not installed beside coaching/")
    return Path(next(iter(spec.submodule_search_locations)))


MIGRATIONS_DIR = _migrations_dir()


def normalise_url(url: str) -> str:
    """Accepts the usual `postgres://` spellings and points them at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_url(url: str) -> str:
    """Returns the normalised URL, or raises ValueError saying what is wrong with it."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        raise ValueError("expected a URL like sqlite:///repcoach.db or postgresql://user@host/db") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"{parsed.get_backend_name()} is not supported; use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


# A pooled PostgreSQL connection idle longer than this is pinged before use (see _ping_after_idle).
PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(url: str, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> Engine:
    url = check_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=10)
    _ping_after_idle(engine, ping_after_idle_seconds)
    return engine


def _ping_after_idle(engine: Engine, seconds: float) -> None:
    """Pings a pooled connection before use only when it has been idle for `seconds`.

    A database restart or a dropped idle connection is then caught before a request uses it, as with
    `pool_pre_ping`, without a round trip on every slash command: under load a connection is back at work within
    milliseconds. A ping that fails replaces every pooled connection, as after a restart."""
    dbapi_error = engine.dialect.loaded_dbapi.Error

    def returned(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["returned_at"] = time.monotonic()

    def ping_if_idle(
        dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        if time.monotonic() - record.info["returned_at"] < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except dbapi_error as error:
            raise InvalidatePoolError(f"a connection idle over {seconds:g} s did not answer: {error}") from error

    event.listen(engine.pool, "connect", returned)
    event.listen(engine.pool, "checkin", returned)
    event.listen(engine.pool, "checkout", ping_if_idle)


def _tune_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # pysqlite starts transactions late and lets a SAVEPOINT commit on its own; SQLAlchemy emits
    # BEGIN itself instead (see _begin_sqlite), so savepoints and rollbacks behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    # WAL lets the scheduler read while a slash command writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # each statement commits by itself, as on PostgreSQL: a BEGIN here would be rolled back on close
    # IMMEDIATE takes the write lock up front: two writers queue (busy_timeout) instead of deadlocking.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Statements(Protocol):
    """Runs a statement and gives its first row: on a connection, in its transaction, or each on its own."""

    @property
    def dialect(self) -> Dialect: ...

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Sequence[Any] | None: ...


@dataclass(frozen=True)
class InTransaction:
    """Statements in `connection`'s transaction, through SQLAlchemy."""

    connection: Connection

    @property
    def dialect(self) -> Dialect:
        return self.connection.dialect

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Sequence[Any] | None:
        return self.connection.execute(statement, parameters).first()


class OnTheirOwn:
    """Statements that each commit by themselves, for the few that most requests run: a request's replay record,
    a typed `/log`'s profile and day.

    On PostgreSQL they go straight to psycopg on a few autocommit connections kept out of SQLAlchemy's pool: a
    `/log`'s two cost 250 thousand instructions so, against 870 thousand through SQLAlchemy on a pooled
    autocommit connection (docs/performance.md). When all the kept ones are busy (a burst of newcomers waiting on
    Slack), they go through the pool. On SQLite they always do: SQLAlchemy converts the values it gives as text
    (datetimes), and it serves one process anyway. Get the engine's one with `on_their_own`."""

    KEEP = 4
    # A kept connection idle longer is pinged before use, and replaced if it does not answer: as for the pool
    # (_ping_after_idle), a database restart or a dropped idle connection must not fail the next request.
    IDLE_SECONDS = PING_AFTER_IDLE_SECONDS

    def __init__(self, engine: Engine):
        self.engine = engine
        self._to_driver = engine.dialect.name == "postgresql"
        self._sql: dict[tuple[Executable, tuple[str, ...]], str] = {}
        self._idle: list[tuple[Any, float]] = []  # psycopg connections, and when each was given back
        self._kept = 0
        self._lock = threading.Lock()

    @property
    def dialect(self) -> Dialect:
        return self.engine.dialect

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Sequence[Any] | None:
        driver = self._take() if self._to_driver else None
        if driver is None:
            with self.engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                return autocommit.execute(statement, parameters).first()
        sql = self._compiled(statement, parameters)
        try:
            row: Sequence[Any] | None = driver.execute(sql, parameters).fetchone()
        except Exception as error:
            self._drop(driver)  # in an unknown state
            self._raise_as_sqlalchemy_would(error, sql, parameters)
            raise
        with self._lock:
            self._idle.append((driver, time.monotonic()))
        return row

    def _compiled(self, statement: Executable, parameters: Mapping[str, Any]) -> str:
        key = (statement, tuple(parameters))
        sql = self._sql.get(key)
        if sql is None:
            compiled = statement.compile(dialect=self.engine.dialect, column_keys=list(parameters))  # type: ignore[attr-defined]
            sql = self._sql[key] = str(compiled)
        return sql

    def _take(self) -> Any:
        """A kept psycopg connection, one newly opened while fewer than KEEP are, or None."""
        while True:
            with self._lock:
                if not self._idle:
                    if self._kept >= self.KEEP:
                        return None
                    self._kept += 1
                    break
                driver, given_back = self._idle.pop()
            if time.monotonic() - given_back < self.IDLE_SECONDS or self._answers(driver):
                return driver
            self._drop(driver)
        try:
            pooled = self.engine.raw_connection()
        except Exception as error:
            with self._lock:
                self._kept -= 1
            self._raise_as_sqlalchemy_would(error)
            raise
        opened: Any = pooled.driver_connection
        pooled.detach()  # kept by this object, outside the pool, made with the pool's settings
        opened.autocommit = True
        return opened

    def _raise_as_sqlalchemy_would(
        self, error: Exception, sql: str | None = None, parameters: Mapping[str, Any] | None = None
    ) -> None:
        """A driver's error is raised wrapped, as SQLAlchemy raises it from a pooled connection, so that callers
        catch one kind (SQLAlchemyError); anything else is left to the caller to raise again."""
        driver_error = self.engine.dialect.loaded_dbapi.Error
        if isinstance(error, driver_error):
            raise DBAPIError.instance(sql, parameters, error, driver_error) from error

    def _answers(self, driver: Any) -> bool:
        try:
            driver.execute("SELECT 1")
        except self.engine.dialect.loaded_dbapi.Error:
            return False
        return True

    def _drop(self, driver: Any) -> None:
        driver.close()
        with self._lock:
            self._kept -= 1

    def close(self, *_engine: Engine) -> None:
        """Closes the idle kept connections; called when the engine is disposed."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._kept -= len(idle)
        for driver, _given_back in idle:
            driver.close()


_ON_THEIR_OWN: weakref.WeakKeyDictionary[Engine, OnTheirOwn] = weakref.WeakKeyDictionary()
_ON_THEIR_OWN_LOCK = threading.Lock()


def on_their_own(engine: Engine) -> OnTheirOwn:
    """The engine's statements that commit by themselves; one per engine, so its kept connections are shared."""
    with _ON_THEIR_OWN_LOCK:
        statements = _ON_THEIR_OWN.get(engine)
        if statements is None:
            statements = _ON_THEIR_OWN[engine] = OnTheirOwn(engine)
            event.listen(engine, "engine_disposed", statements.close)
        return statements


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def insert_new(session: Session, model: type[Any], rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    """Inserts the rows whose `key` is not taken yet; returns the inserted rows' ids by key.

    A second scheduler, or a rerun, finds the key taken and inserts nothing.
    """
    if not rows:
        return {}
    statement = insert_skipping_taken(session.connection(), model, (key,), returning=(key, "id"))
    return dict(session.execute(statement, rows).all())


def insert_skipping_taken(
    connection: Connection | Statements, model: type[Any], keys: tuple[str, ...], returning: tuple[str, ...]
) -> Insert:
    """`INSERT … ON CONFLICT (keys) DO NOTHING RETURNING …` in the connection's dialect: one statement, no savepoint.

    The rows go in as execution parameters. Built once per dialect and table: a statement used again keeps its
    cache key and compiled form, which spares building them on every slash command."""
    return _insert_skipping_taken(connection.dialect.name, model.__table__, keys, returning)


@cache
def _insert_skipping_taken(dialect: str, table: Any, keys: tuple[str, ...], returning: tuple[str, ...]) -> Insert:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=keys).returning(*(table.c[name] for name in returning))


def among(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with the values written into the SQL. A sweep over tens of thousands of reps
    would pass the drivers' limits on bound parameters (65,535 in psycopg, 32,766 in SQLite)."""
    in_values: ColumnElement[bool] = column.in_(bindparam(None, list(values), expanding=True, literal_execute=True))
    return in_values


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched; `Session.execute` types its result too loosely to say."""
    return cast(CursorResult[Any], result).rowcount

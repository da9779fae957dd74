"""What every benchmark shares: the machine it ran on, timing, figures against their targets, and databases.

Databases are made the way RepCoach makes them (coaching.db.make_engine, the schema from Alembic's
migrations) and filled with bulk Core inserts, in chunks.
"""

from __future__ import annotations

import hashlib
import math
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import metadata
from itertools import islice
from pathlib import Path

import psycopg
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.dev.local_slack import TEAM_ID as WORKSPACE  # the workspace the stand-in and signed requests speak for
from coaching import db
from coaching.models import DayLog, Rep, TeamMember
from coaching.teams import create_team

ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL server the benchmarks create their own databases on.
POSTGRES_SERVER = os.environ.get("REPCOACH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:55433").rstrip("/")
PROTECTED_DATABASES = {"repcoach_test", "postgres", "template0", "template1"}


def postgres_url(database: str) -> str:
    return f"{POSTGRES_SERVER}/{database}"


# --- the machine -----------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kib / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def _postgres() -> str:
    try:
        with psycopg.connect(postgres_url("postgres"), connect_timeout=3) as connection:
            settings = [
                connection.execute(f"SHOW {name}").fetchone()[0]
                for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
            ]
    except psycopg.Error as error:
        return f"unreachable at {POSTGRES_SERVER} ({str(error).strip().splitlines()[0]})"
    version, fsync, synchronous_commit, shared_buffers = settings
    return (
        f"{version} at {make_url(POSTGRES_SERVER).render_as_string()} (fsync={fsync}, "
        f"synchronous_commit={synchronous_commit}, shared_buffers={shared_buffers})"
    )


def code_fingerprint() -> str:
    """A digest of the code measured (bot/, coaching/, migrations/, content/), to tell which state a figure is for."""
    digest = hashlib.sha256()
    for path in sorted(
        p
        for folder in ("bot", "coaching", "migrations", "content")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def print_machine(title: str) -> None:
    packages = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("SQLAlchemy", "slack_bolt", "slack_sdk", "starlette", "uvicorn", "psycopg", "httpx")
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"== {title}")
    print(f"date        {datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(
        f"machine     {socket.gethostname()}: {_cpu_model()}, {os.cpu_count()} cores "
        f"({len(os.sched_getaffinity(0))} usable), {_memory()} RAM, load average {load} at start"
    )
    print(f"system      {platform.platform()}")
    print(f"Python      {platform.python_implementation()} {platform.python_version()}")
    print(f"SQLite      {sqlite3.sqlite_version}")
    print(f"PostgreSQL  {_postgres()}")
    print(f"packages    {packages}")
    print(f"code        bot/ coaching/ migrations/ content/ digest {code_fingerprint()}")
    print(flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_slack(latency: float = 0.0, method_latency: dict[str, float] | None = None) -> Iterator[str]:
    """The Slack stand-in (bot.dev.local_slack, answering each call after `latency` seconds, and some methods after
    `method_latency` more) in its own process, so its work is not counted as ours; it answers for any user. Yields
    its Web API URL."""
    port = free_port()
    command = [sys.executable, "-m", "bot.dev.local_slack", "--port", str(port), "--latency", str(latency)]
    for method, seconds in (method_latency or {}).items():
        command += ["--method-latency", f"{method}={seconds}"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        process.stdout.readline()  # "Slack stand-in listening; ..."
        yield f"http://127.0.0.1:{port}/api/"
    finally:
        process.terminate()
        process.wait(10)


# --- timing and figures -----------------------------------------------------------------------------


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0  # this process's CPU time (time.process_time): not a database server's


@contextmanager
def timed() -> Iterator[Timing]:
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall, timing.cpu = time.perf_counter() - wall, time.process_time() - cpu


def percentile(values: Iterable[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.inf


@dataclass(frozen=True)
class Target:
    """A figure's ceiling: met when the figure is at or below it."""

    limit: float

    def met(self, value: float) -> bool:
        return value <= self.limit

    def describe(self, unit: str) -> str:
        return f"<= {self.limit:g}{unit}"


@dataclass(frozen=True)
class AtLeast:
    """A figure's floor: met when the figure is at or above it."""

    limit: float

    def met(self, value: float) -> bool:
        return value >= self.limit

    def describe(self, unit: str) -> str:
        return f">= {self.limit:g}{unit}"


@dataclass(frozen=True)
class Within:
    """A band: met when the figure is within `tolerance` of `centre`."""

    centre: float
    tolerance: float

    def met(self, value: float) -> bool:
        return abs(value - self.centre) <= self.tolerance

    def describe(self, unit: str) -> str:
        return f"{self.centre:g} ± {self.tolerance:g}{unit}"


Goal = Target | AtLeast | Within


@dataclass
class Report:
    """Prints each figure as it comes, with its target and PASS/MISS, and all of them again at the end."""

    title: str
    lines: list[str] = field(default_factory=list)
    targets: int = 0
    misses: int = 0

    def figure(self, name: str, value: float, unit: str = "", target: Goal | None = None, digits: int = 1) -> None:
        shown = f"{value:,.{digits}f}{unit}"
        verdict = ""
        if target is not None:
            met = target.met(value)
            self.targets += 1
            self.misses += not met
            verdict = f"target {target.describe('')}{unit:<8} {'PASS' if met else 'MISS'}"
        line = f"  {name:<66} {shown:>14}   {verdict}".rstrip()
        self.lines.append(line)
        print(line, flush=True)

    def spread(
        self, name: str, values: list[float], unit: str = "", target: Goal | None = None, digits: int = 1
    ) -> None:
        """A figure measured once per seed: its mean and min–max; it passes only if every seed meets the target."""
        if not values:
            line = f"  {name:<66} {'n/a':>24}   nothing to measure it on"
            self.lines.append(line)
            print(line, flush=True)
            return
        shown = f"{sum(values) / len(values):,.{digits}f}{unit}"
        if len(values) > 1:
            shown += f" ({min(values):,.{digits}f}–{max(values):,.{digits}f})"
        verdict = ""
        if target is not None:
            meeting = sum(target.met(value) for value in values)
            self.targets += 1
            self.misses += meeting < len(values)
            seeds = f"{meeting}/{len(values)} seeds"
            verdict = f"target {target.describe(unit):<14} {'PASS' if meeting == len(values) else 'MISS'} ({seeds})"
        line = f"  {name:<66} {shown:>24}   {verdict}".rstrip()
        self.lines.append(line)
        print(line, flush=True)

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)

    def summary(self) -> int:
        print(f"\n== {self.title}: summary")
        for line in self.lines:
            print(line)
        print(
            f"  {self.targets - self.misses} of {self.targets} targets met; "
            f"load average at the end {', '.join(f'{value:.2f}' for value in os.getloadavg())}",
            flush=True,
        )
        return 1 if self.misses else 0


# --- databases ------------------------------------------------------------------------------------


def create_database(url: str) -> None:
    """Creates the PostgreSQL database `url` names, unless it exists; never one of the protected ones."""
    name = make_url(url).database
    if name in PROTECTED_DATABASES:
        raise SystemExit(f"bench: refusing to use the database {name!r}; name one of your own")
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def empty_database(url: str) -> Engine:
    """An engine on `url` with nothing in it but the schema, as Alembic's migrations make it."""
    engine = db.make_engine(url)
    if engine.dialect.name == "postgresql":
        create_database(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        path = Path(engine.url.database)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    db.upgrade(engine)
    return engine


def is_up_to_date(engine: Engine) -> bool:
    try:
        return db.current_revision(engine) == db.head_revision(engine)
    except SQLAlchemyError:  # unreachable, or not RepCoach's: not reusable
        return False


def insert_rows(connection: Connection, table, rows: Iterable[dict], chunk: int = 10_000) -> int:
    """Bulk-inserts the rows (a Core insert, executemany), `chunk` at a time; returns how many."""
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, chunk)):
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def rep_row(number: int, fetched_at: datetime, tz: str = "Europe/Rome", locale: str = "en-US", **preferences) -> dict:
    """A rep whose Slack profile was cached at `fetched_at`, so users.info is not asked for it until a day later."""
    return {
        "workspace_id": WORKSPACE,
        "user_id": user_id(number),
        "tz": tz,
        "locale": locale,
        "profile_fetched_at": fetched_at,
        "nudge_time": None,
        "work_days": None,
        "language": None,
        "paused_until": None,
    } | preferences


def user_id(number: int) -> str:
    return f"U{number:07d}"


def rep_ids(connection: Connection) -> list[int]:
    return list(connection.scalars(select(Rep.id).order_by(Rep.id)))


def day_rows(ids: list[int], first: date, last: date, rng: random.Random, logged_share: float = 1.0) -> Iterator[dict]:
    """Plausible logged days, rep by rep: each rep has their own strengths, so reps' weakest metrics differ."""
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    updated_at = datetime.combine(last, datetime.min.time()).astimezone()
    for rep_id in ids:
        fcr, repeat, csat, aht = (
            rng.uniform(0.55, 0.9),
            rng.uniform(0.02, 0.15),
            rng.uniform(3.9, 4.9),
            rng.uniform(4, 9),
        )
        sells, recommit = rng.uniform(0.0, 0.15), rng.uniform(0.15, 0.4)
        for day in days:
            if rng.random() > logged_share:
                continue
            contacts = rng.randint(15, 45)

            def share(rate: float, contacts: int = contacts) -> int:
                return min(contacts, round(contacts * rate * rng.uniform(0.8, 1.2)))

            yield {
                "rep_id": rep_id,
                "day": day,
                "updated_at": updated_at,
                "contacts": contacts,
                "fcr": share(fcr),
                "repeat": share(repeat),
                "csat": round(min(5.0, csat + rng.uniform(-0.3, 0.3)), 1),
                "aht": round(aht * rng.uniform(0.85, 1.15), 1),
                "complaints": rng.choice((0, 0, 0, 1)),
                "upsells": share(sells),
                "crosssells": share(sells / 2),
                "referrals": share(sells),
                "recommit": share(recommit),
                "practices": rng.choice((0, 1, 1, 2)),
            }


def seed_teams(session, ids: list[int], size: int = 12) -> list[int]:
    """Teams of `size` reps in id order (coaching.teams.create_team), the first of each its lead."""
    team_ids, members = [], []
    for start in range(0, len(ids), size):
        team = create_team(session, WORKSPACE, f"Team {start // size + 1:05d}")
        team_ids.append(team.id)
        members += [
            {"team_id": team.id, "rep_id": rep_id, "is_lead": index == 0}
            for index, rep_id in enumerate(ids[start : start + size])
        ]
    insert_rows(session.connection(), TeamMember.__table__, members)
    return team_ids


def count_rows(connection: Connection, model) -> int:
    return connection.scalar(text(f"SELECT count(*) FROM {model.__tablename__}"))


DAY_LOGS = DayLog.__table__
REPS = Rep.__table__

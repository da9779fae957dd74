"""`python -m bench helpdesk`: one full helpdesk sync of 100,000 tickets, per vendor and database (issue 18).

What a first sync of a busy helpdesk costs, and that it costs no memory per ticket. The vendor's stand-in
(bot.dev.local_zendesk or local_freshdesk, `--tickets N`: ticket i computed from i, a rating for every other
one) runs in its own process, so its work is not counted as ours. Each sync runs through the product's entry
point, `bot.jobs.sync_helpdesk`, with the connector `repcoach serve` builds (its page sizes and retries), in a
fresh child Python process, so the peak RSS (`ru_maxrss`) and the CPU time (user + sys) are the sync's alone.
It fills an empty migrated database holding a rep for each of the stand-in's 20 agents (matched by their
emails), so every solved ticket lands in a rep's day. Databases: a SQLite file under /tmp, and PostgreSQL
(repcoach_bench_helpdesk on REPCOACH_BENCH_POSTGRES) when that variable is set.

Targets:
- at least 1,000 tickets a second on SQLite: 100,000 tickets (a big helpdesk's two weeks of backfill) in under
  two minutes, so a first sync is done long before the next one is due (HELPDESK_SYNC_MINUTES, 15 by default);
  PostgreSQL's figure is shown beside it, without a target;
- the peak RSS of a sync of N tickets less than 20 MB above that of N/10: the sync holds one page (at most 1,000
  tickets, a few MB of JSON and objects) at a time, so what grows with 90,000 more tickets is allocator noise
  and bounded caches; keeping the tickets (a Ticket with its strings and tags is about 500 bytes) would show
  as some 45 MB and miss it, though a leak as small as each ticket's id in a set (about 100 bytes, 9 MB) would
  pass;
- a second sync right after it changes no day (each stored day compared before and after, updated_at
  included) and reads again at most the records of the last second the first one saw (both connectors resume
  inclusively at the newest time seen: one ticket and one rating with the stand-in's one record a second).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench.common import (
    ROOT,
    WORKSPACE,
    AtLeast,
    Report,
    Target,
    empty_database,
    free_port,
    postgres_url,
    print_machine,
    ratio,
)
from bot.deps import Deps
from bot.dev import local_freshdesk, local_zendesk
from bot.dev.local_helpdesk import GENERATED_FROM
from bot.entrypoints.arguments import positive_int
from bot.jobs import sync_helpdesk
from coaching import db
from coaching.helpdesk.connector import Connector, Helpdesks
from coaching.helpdesk.freshdesk import freshdesk_connector
from coaching.helpdesk.http import RetryPolicy
from coaching.helpdesk.zendesk import zendesk_connector
from coaching.models import DayLog, HelpdeskTicket, Rep

VENDORS = ("zendesk", "freshdesk")
AGENTS = 20  # the stand-ins' default
# Three days after the first generated ticket: 100,000 tickets (one a second) are all within the backfill.
NOW = GENERATED_FROM.replace(day=4, hour=12)
TZ = "Europe/Rome"
TICKETS_PER_SECOND = 1_000
RSS_GROWTH_MB = 20
POSTGRES_DATABASE = "repcoach_bench_helpdesk"


@dataclass(frozen=True)
class SyncRun:
    """What one child process measured: the first sync, and what a second one right after it read and changed."""

    wall: float
    cpu: float
    rss_before_mb: float
    peak_rss_mb: float
    tickets: int
    ratings: int
    days_written: int
    days_stored: int
    contacts: int
    solved_tickets: int
    failure: str | None
    again_tickets: int
    again_ratings: int
    again_days_changed: int
    again_failure: str | None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench helpdesk", description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", choices=VENDORS, help="only this vendor (default both)")
    parser.add_argument(
        "--tickets", type=positive_int, default=100_000, help="tickets the stand-in generates (default 100000)"
    )
    args = parser.parse_args(argv)
    vendors = [args.vendor] if args.vendor else list(VENDORS)
    postgres = "REPCOACH_BENCH_POSTGRES" in os.environ
    print_machine(
        f"helpdesk: a full sync of {args.tickets:,} tickets (and of {max(1, args.tickets // 10):,}) from "
        f"{' and '.join(vendors)} into SQLite{' and PostgreSQL' if postgres else ''}"
    )
    if not postgres:
        print("  (set REPCOACH_BENCH_POSTGRES to run on PostgreSQL too)\n")
    report = Report("helpdesk")
    with tempfile.TemporaryDirectory(prefix="repcoach-bench-") as scratch:
        urls = {"SQLite": f"sqlite:///{scratch}/helpdesk.db"}
        if postgres:
            urls["PostgreSQL"] = postgres_url(POSTGRES_DATABASE)
        for vendor in vendors:
            for database, url in urls.items():
                measure(report, vendor, database, url, args.tickets)
    return report.summary()


def measure(report: Report, vendor: str, database: str, url: str, tickets: int) -> None:
    print(f"\n-- {vendor}, {database}", flush=True)
    tenth = max(1, tickets // 10)
    small = run(vendor, url, tenth)
    full = run(vendor, url, tickets)
    name = f"{vendor} {database}"
    for label, measured in ((f"{tenth:,}", small), (f"{tickets:,}", full)):
        if measured.failure or measured.again_failure:
            report.note(f"{label} tickets: the sync stopped: {measured.failure or measured.again_failure}")
    report.figure(f"{name}: wall time, {tickets:,} tickets", full.wall, " s")
    report.figure(f"{name}: CPU time (user + sys)", full.cpu, " s")
    report.figure(
        f"{name}: tickets a second",
        ratio(full.tickets, full.wall),
        "/s",
        AtLeast(TICKETS_PER_SECOND) if database == "SQLite" else None,
        digits=0,
    )
    report.figure(f"{name}: tickets read", full.tickets, digits=0)
    report.figure(f"{name}: ratings read", full.ratings, digits=0)
    report.figure(f"{name}: rep-days written ({full.days_stored:,} stored)", full.days_written, digits=0)
    report.figure(
        f"{name}: contacts imported minus solved tickets stored",
        full.contacts - full.solved_tickets,
        target=Target(0),
        digits=0,
    )
    report.figure(f"{name}: peak RSS ({full.rss_before_mb:.0f} MB before the sync)", full.peak_rss_mb, " MB")
    report.figure(
        f"{name}: peak RSS growth from {tenth:,} to {tickets:,} tickets",
        full.peak_rss_mb - small.peak_rss_mb,
        " MB",
        Target(RSS_GROWTH_MB),
    )
    report.figure(f"{name}: days a second sync changes", full.again_days_changed, target=Target(0), digits=0)
    report.figure(
        f"{name}: records a second sync reads again",
        full.again_tickets + full.again_ratings,
        target=Target(2),
        digits=0,
    )
    report.figure(
        f"{name}: syncs that stopped early",
        sum(bool(run.failure or run.again_failure) for run in (small, full)),
        target=Target(0),
        digits=0,
    )


def run(vendor: str, url: str, tickets: int) -> SyncRun:
    """A sync of `tickets` from a fresh stand-in, in a fresh child process, into a fresh database."""
    engine = empty_database(url)
    with db.make_sessions(engine).begin() as session:
        session.add_all(
            Rep(workspace_id=WORKSPACE, user_id=f"U{number:07d}", tz=TZ, email=f"agent{number}@stand-in.example")
            for number in range(1, AGENTS + 1)
        )
    engine.dispose()
    # Spawned, not forked: the child's peak RSS starts from a fresh interpreter, not from this process.
    spawned = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with stand_in(vendor, tickets) as api_url, spawned as child:
        measured = child.submit(measured_sync, vendor, url, api_url).result()
    print(
        f"  {tickets:>9,} tickets: {measured.wall:6.1f} s wall, {measured.cpu:6.1f} s CPU, "
        f"peak RSS {measured.peak_rss_mb:5.1f} MB, {measured.ratings:,} ratings, {measured.days_written} rep-days",
        flush=True,
    )
    return measured


@contextmanager
def stand_in(vendor: str, tickets: int) -> Iterator[str]:
    """The vendor's stand-in with `tickets` generated tickets, in its own process; yields its API URL."""
    port = free_port()
    command = [sys.executable, "-m", f"bot.dev.local_{vendor}", "--port", str(port), "--tickets", str(tickets)]
    command += ["--agents", str(AGENTS)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:  # "credentials: ...", then "... stand-in listening; set ..."
            if "listening" in line:
                break
        yield f"http://127.0.0.1:{port}/api/v2/"
    finally:
        process.terminate()
        process.wait(10)


def connector_for(vendor: str, api_url: str) -> Connector:
    """The connector `repcoach serve` would build for this vendor (bot.entrypoints.settings' defaults)."""
    retry = RetryPolicy()
    if vendor == "zendesk":
        return zendesk_connector(
            api_url=api_url,
            email=local_zendesk.EMAIL,
            api_token=local_zendesk.API_TOKEN,
            timeout_seconds=30,
            retry=retry,
        )
    return freshdesk_connector(api_url=api_url, api_key=local_freshdesk.API_KEY, timeout_seconds=30, retry=retry)


def measured_sync(vendor: str, url: str, api_url: str) -> SyncRun:
    """Runs in the child: the first sync measured, then a second one compared against it."""
    sessions = db.make_sessions(db.make_engine(url))
    connector = connector_for(vendor, api_url)
    deps = Deps(sessions, now=lambda: NOW, helpdesk=Helpdesks(connectors=(connector,), workspace_id=WORKSPACE))
    rss_before = _rss_mb()
    usage, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    first = sync_helpdesk(deps, connector, workspace_id=WORKSPACE, notify=False)
    wall, after = time.perf_counter() - wall, resource.getrusage(resource.RUSAGE_SELF)
    days = _days(sessions)
    again = sync_helpdesk(deps, connector, workspace_id=WORKSPACE, notify=False)
    days_again = _days(sessions)
    with sessions() as session:
        solved = session.scalar(
            select(func.count())
            .select_from(HelpdeskTicket)
            .where(HelpdeskTicket.solved_at.is_not(None), HelpdeskTicket.agent_id.is_not(None))
        )
    return SyncRun(
        wall=wall,
        cpu=(after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime),
        rss_before_mb=rss_before,
        peak_rss_mb=after.ru_maxrss / 1024,  # KiB on Linux
        tickets=first.tickets,
        ratings=first.ratings,
        days_written=first.days_written,
        days_stored=len(days),
        contacts=sum(row[0] or 0 for row in days.values()),
        solved_tickets=solved or 0,
        failure=str(first.failure) if first.failure else None,
        again_tickets=again.tickets,
        again_ratings=again.ratings,
        again_days_changed=sum(days_again.get(key) != row for key, row in days.items()) + len(days_again.keys() - days),
        again_failure=str(again.failure) if again.failure else None,
    )


def _days(sessions) -> dict[tuple[int, object], tuple]:
    """Every stored day, contacts first, with when it was last written."""
    columns = (DayLog.contacts, DayLog.fcr, DayLog.repeat, DayLog.complaints, DayLog.csat, DayLog.imported_keys)
    with sessions() as session:
        return {
            (rep_id, day): (*figures, str(updated_at))
            for rep_id, day, updated_at, *figures in session.execute(
                select(DayLog.rep_id, DayLog.day, DayLog.updated_at, *columns)
            )
        }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

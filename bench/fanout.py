"""`python -m bench fanout`: the nudge job for 1,000 / 10,000 / 50,000 reps, every one of them due at once.

Runs the real bot.jobs.run_nudges and times its steps by wrapping what it calls (bot.jobs.installed,
plan_due_nudges, nudge_message, coaching.outbox.enqueue), holding its drain back; then drains the
outbox into the Slack stand-in (bot.dev.local_slack in its own process, answering at once unless --slack-latency)
through bot.delivery.sender.OutboxSender (--send-concurrency threads), with a bucket high enough never to wait.
Each size runs in a fresh
process, so its memory is its own: the growth of its maxrss during the first sweep, and the
tracemalloc peak of a second sweep after today's nudges are forgotten.

Seed: reps in eight timezones (English and Italian locales) with a profile fetched an hour ago and a
nudge time up to 2.5 hours before the job's instant, in teams of 12; 95% of them logged ~85% of the
last 14 days (the rest, never a lead, get the welcome); everyone had a nudge on each working day of the
last 14 days (--history-days), a fifth of them with feedback.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import math
import multiprocessing
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from bench.common import (
    DAY_LOGS,
    REPS,
    Report,
    Target,
    Timing,
    day_rows,
    empty_database,
    insert_rows,
    local_slack,
    print_machine,
    rep_ids,
    rep_row,
    seed_teams,
    timed,
)
from bot import jobs
from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.delivery.sender import DrainReport, OutboxSender
from bot.deps import Deps
from bot.entrypoints.arguments import positive_int, seconds
from bot.entrypoints.settings import Settings
from bot.slack.client import WorkspaceClients
from coaching import db, outbox
from coaching.library import default_library
from coaching.models import Nudge, OutboxMessage

# Monday 23 November 2026, 12:00 UTC: Monday morning to evening in every zone below.
AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ZONES = (
    ("Europe/Rome", "it-IT"),
    ("Europe/London", "en-GB"),
    ("America/New_York", "en-US"),
    ("America/Los_Angeles", "en-US"),
    ("Asia/Kolkata", "en-IN"),
    ("Asia/Tokyo", "ja-JP"),
    ("Europe/Madrid", "es-ES"),
    ("America/Sao_Paulo", "pt-BR"),
)
SEND_CONCURRENCY = Settings.model_fields["slack_send_concurrency"].default
CPU_PER_NUDGE_MS = 1.0  # the target: 10,000 nudges chosen and rendered in under 10 s of CPU


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fanout", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reps", default="1000,10000", help="comma-separated sizes (default 1000,10000; 50000 on request)"
    )
    parser.add_argument("--database-url", help="also run on this PostgreSQL database (emptied first)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument(
        "--history-days", type=int, default=14, help="days of past nudges per rep, one each working day (default 14)"
    )
    parser.add_argument(
        "--messages-per-minute",
        type=float,
        default=600_000,
        help="the workspace bucket while draining (default 600000: never waits)",
    )
    parser.add_argument(
        "--send-concurrency",
        type=positive_int,
        default=SEND_CONCURRENCY,
        help=f"threads posting at once while draining (default {SEND_CONCURRENCY}, as SLACK_SEND_CONCURRENCY)",
    )
    parser.add_argument(
        "--slack-latency",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="the stand-in answers each Web API call after this long (default 0; Slack takes ~0.1)",
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.reps.split(",")]
    print_machine(f"fanout: nudge job for {', '.join(f'{size:,}' for size in sizes)} reps, all due at {AT.isoformat()}")

    report = Report("fanout")
    drain = Drain(args.messages_per_minute, args.send_concurrency, args.slack_latency)
    with tempfile.TemporaryDirectory(prefix="repcoach-bench-") as scratch, local_slack(args.slack_latency) as api_url:
        urls = [] if args.no_sqlite else [f"sqlite:///{scratch}/fanout.db"]
        urls += [args.database_url] if args.database_url else []
        for url in urls:
            results = {}
            for size in sizes:
                results[size] = run_size(url, size, args.history_days, api_url, drain, report)
            growth(results, db.make_engine(url).dialect.name, report)
    return report.summary()


@dataclass(frozen=True)
class Drain:
    """How the outbox is drained after the sweep."""

    per_minute: float
    concurrency: int
    latency: float


def run_size(url: str, size: int, history_days: int, api_url: str, drain: Drain, report: Report) -> dict:
    name = db.make_engine(url).dialect.name
    print(f"\n{name}, {size:,} reps")
    with timed() as seeding:
        rows = seed(url, size, history_days)
    report.note(f"seeded {rows} in {seeding.wall:.1f} s")
    # A fresh process per size: its maxrss and the imports it pays for are its own.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.apply(measure, (url, api_url, drain))
    steps, planned = result["steps"], result["planned"]
    for step, timing in steps.items():
        report.note(f"{step:<30} {timing.wall * 1000:9.0f} ms wall {timing.cpu * 1000:9.0f} ms CPU")
    report.note(f"{planned:,} nudges planned for {size:,} reps")
    label = f"{name} {size:,}"
    report.figure(
        f"{label}: nudges chosen + rendered, CPU",
        result["choose_render"].cpu,
        " s",
        Target(CPU_PER_NUDGE_MS * planned / 1000),
        digits=2,
    )
    report.figure(f"{label}: nudges chosen + rendered, wall", result["choose_render"].wall, " s", digits=2)
    report.figure(f"{label}: whole sweep transaction, wall", result["sweep"].wall, " s", digits=2)
    report.figure(f"{label}: sweep a minute later (nobody new due), wall", result["idle"].wall, " s", digits=3)
    drained = result["drain"]
    assert drained["sent"] == planned and drained["failed"] == 0, drained
    report.note(
        f"drain: {drain.concurrency} thread(s), the stand-in answering each call after {drain.latency * 1000:.0f} ms"
    )
    report.figure(f"{label}: outbox drained into the stand-in", planned / drained["timing"].wall, " sends/s", digits=0)
    report.figure(f"{label}: sweep memory, tracemalloc peak", result["traced_peak"] / 2**20, " MiB")
    report.figure(
        f"{label}: sweep memory per rep, tracemalloc peak", result["traced_peak"] / size / 2**10, " KiB", digits=2
    )
    report.figure(f"{label}: process maxrss after the sweep", result["rss_after"] / 2**20, " MiB")
    report.figure(f"{label}: process maxrss growth during the sweep", result["rss_growth"] / 2**20, " MiB")
    return result


def growth(results: dict[int, dict], name: str, report: Report) -> None:
    """How memory and CPU grow with reps, as the factor per 10x reps: x10 is linear."""
    sizes = sorted(results)
    for small, large in itertools.pairwise(sizes):

        def per_tenfold(figure, small: int = small, large: int = large) -> float:
            return (figure(results[large]) / figure(results[small])) ** (1 / math.log10(large / small))

        label = f"{name} {small:,} -> {large:,} reps, per 10x reps"
        # x10 is linear; the 5% allows for steps in how Python grows its lists and dicts, which a per-rep
        # figure (printed for each size) shows as flat.
        report.figure(
            f"{label}: tracemalloc peak x", per_tenfold(lambda r: r["traced_peak"]), "", Target(10.5), digits=1
        )
        report.figure(f"{label}: choose + render CPU x", per_tenfold(lambda r: r["choose_render"].cpu), "", digits=1)
        if results[small]["rss_growth"] >= 2**20:
            report.figure(f"{label}: maxrss growth x", per_tenfold(lambda r: r["rss_growth"]), "", digits=1)
        else:  # the smaller sweep fitted in memory the process already held: no ratio to speak of
            report.note(f"{label}: maxrss growth x n/a ({small:,} reps grew it by under 1 MiB)")


# --- seeding ----------------------------------------------------------------------------------


def seed(url: str, size: int, history_days: int) -> str:
    engine = empty_database(url)
    rng = random.Random(size)
    practices = default_library().practices
    with engine.begin() as connection:
        reps = []
        for number in range(size):
            tz, locale = ZONES[number % len(ZONES)]
            nudge_at = AT.astimezone(ZoneInfo(tz)) - timedelta(minutes=rng.randint(0, 150))
            reps.append(rep_row(number, AT - timedelta(hours=1), tz, locale, nudge_time=nudge_at.strftime("%H:%M")))
        insert_rows(connection, REPS, reps)
        ids = rep_ids(connection)
        today = AT.date()
        # One rep in 20 has logged nothing (never a team's lead: leads who do not log get no nudge).
        logging = [rep_id for index, rep_id in enumerate(ids) if index % 20 != 19]
        days = insert_rows(
            connection,
            DAY_LOGS,
            day_rows(logging, today - timedelta(days=14), today - timedelta(days=1), rng, logged_share=0.85),
        )
        nudges = insert_rows(connection, Nudge.__table__, past_nudges(ids, practices, today, history_days, rng))
    with db.make_sessions(engine).begin() as session:
        teams = len(seed_teams(session, ids))
    engine.dispose()
    return f"{size:,} reps, {days:,} logged days, {nudges:,} past nudges, {teams:,} teams"


def past_nudges(ids: list[int], practices, today: date, days: int, rng: random.Random) -> Iterator[dict]:
    working_days = [day for offset in range(1, days + 1) if (day := today - timedelta(days=offset)).weekday() < 5]
    for rep_id in ids:
        for day in working_days:
            practice = rng.choice(practices)
            feedback = rng.choices((None, "helpful", "not_for_me", "snoozed"), (80, 14, 4, 2))[0]
            created = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
            yield {
                "rep_id": rep_id,
                "kind": "practice",
                "practice_id": practice.id,
                "metric": practice.metrics[0],
                "language": "en",
                "local_date": day,
                "delivery_key": f"nudge:{rep_id}:{day.isoformat()}",
                "created_at": created,
                "feedback": feedback,
                "feedback_at": created if feedback else None,
            }


# --- measuring, in a fresh process per size ---------------------------------------------------------


def measure(url: str, api_url: str, drain: Drain) -> dict:
    """Runs the real bot.jobs.run_nudges at AT (its drain held back), again a minute later, then drains the
    outbox; then forgets today's nudges and runs it once more under tracemalloc."""
    deps = Deps(
        db.make_sessions(db.make_engine(url)),
        now=lambda: AT,
        bucket=TokenBucket(drain.per_minute),
        pacer=ChannelPacer(interval=0),
        send_concurrency=drain.concurrency,
        clients=WorkspaceClients(api_url, 10, "xoxb-bench"),
    )
    rss_before = maxrss()
    first = sweep(deps)
    rss_after = maxrss()
    idle = sweep(deps, at=AT + timedelta(minutes=1))
    with timed() as draining:
        delivery = DRAIN(OutboxSender(deps))
    with deps.sessions.begin() as session:
        session.execute(delete(OutboxMessage))
        session.execute(delete(Nudge).where(Nudge.local_date == AT.date()))
    traced = sweep(deps, traced=True)
    assert traced.planned == first.planned
    return {
        "planned": first.planned,
        "steps": first.steps,
        "choose_render": first.choose_render(),
        "idle": idle.total,
        "sweep": first.total,
        "traced_peak": traced.traced_peak,
        "rss_after": rss_after,
        "rss_growth": rss_after - rss_before,
        "drain": {"sent": delivery.sent, "failed": delivery.failed, "timing": draining},
    }


# The steps of run_nudges, by the names it calls them under in bot.jobs (and coaching.outbox.enqueue).
STEPS = {"installed": "refresh profiles (installed)", "plan_due_nudges": "plan (choose)", "nudge_message": "render"}
DRAIN = OutboxSender.drain


@dataclass
class Sweep:
    planned: int = 0
    total: Timing = field(default_factory=Timing)
    steps: dict[str, Timing] = field(default_factory=dict)
    traced_peak: int = 0

    def choose_render(self) -> Timing:
        return Timing(
            *(
                sum(getattr(self.steps[STEPS[name]], kind) for name in ("plan_due_nudges", "nudge_message"))
                for kind in ("wall", "cpu")
            )
        )


def sweep(deps: Deps, at: datetime = AT, traced: bool = False) -> Sweep:
    """One run of bot.jobs.run_nudges, up to its commit (the drain is held back), each step timed."""
    result = Sweep(steps={label: Timing() for label in [*STEPS.values(), "enqueue"]})

    def timing(label: str, function):
        @functools.wraps(function)
        def timed_call(*args, **kwargs):
            with timed() as spent:
                answer = function(*args, **kwargs)
            result.steps[label].wall += spent.wall
            result.steps[label].cpu += spent.cpu
            return answer

        return timed_call

    def held_back(_sender: OutboxSender, *_args) -> DrainReport:
        if traced:
            result.traced_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result.total.wall, result.total.cpu = time.perf_counter() - wall, time.process_time() - cpu
        return DrainReport()

    originals = {name: getattr(jobs, name) for name in STEPS}
    patches = [(jobs, name, timing(label, originals[name])) for name, label in STEPS.items()]
    patches += [(outbox, "enqueue", timing("enqueue", outbox.enqueue)), (OutboxSender, "drain", held_back)]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        if traced:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        result.planned = jobs.run_nudges(deps, at).planned
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
    return result


def maxrss() -> int:
    """This process's peak resident memory so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

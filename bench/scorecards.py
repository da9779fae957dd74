"""`python -m bench scorecards`: scorecard queries over 2,000 reps × 365 logged days, on SQLite and PostgreSQL.

Times one rep's quarter scorecard and one team's week (coaching.scorecard.build_scorecard, the current
and the previous period, as `/scorecard` does), and the whole organisation's weekly summary (every
rep's figures for one week and the week before, coaching.scorecard.figures_by_rep). The loaded
databases are kept (a SQLite file under /tmp, the PostgreSQL database repcoach_bench_scorecards) and
reused while they hold the expected rows; --reseed loads them again.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select, text

from bench.common import (
    DAY_LOGS,
    REPS,
    Report,
    Target,
    count_rows,
    day_rows,
    empty_database,
    insert_rows,
    is_up_to_date,
    percentile,
    postgres_url,
    print_machine,
    ratio,
    rep_ids,
    rep_row,
    seed_teams,
    timed,
)
from coaching import db
from coaching.definition import default_definition
from coaching.models import DayLog, Rep, Team
from coaching.periods import current_period
from coaching.scorecard import build_scorecard, figures_by_rep, rep_scope, team_scope

REP_COUNT, DAYS, TEAM_SIZE = 2000, 365, 12
# The last logged day, a Sunday: its week (16-22 Nov) is whole, its quarter runs from 1 Oct.
LAST_DAY = date(2026, 11, 22)
SQLITE_URL = "sqlite:////tmp/repcoach_bench_scorecards.db"
POSTGRES_URL = postgres_url("repcoach_bench_scorecards")

REP_QUARTER_MS, TEAM_WEEK_MS, ORGANISATION_WEEK_S = 20, 50, 10


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scorecards", description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql", help="which of sqlite,postgresql (default both)")
    parser.add_argument("--sqlite-url", default=SQLITE_URL)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--samples", type=int, default=200, help="reps and teams timed (default 200; 167 teams exist)")
    parser.add_argument("--rounds", type=int, default=5, help="organisation summaries timed (default 5)")
    parser.add_argument("--reseed", action="store_true", help="load the databases again even if they look complete")
    args = parser.parse_args(argv)
    urls = {"sqlite": args.sqlite_url, "postgresql": args.postgres_url}
    chosen = [name.strip() for name in args.databases.split(",")]

    print_machine(
        f"scorecards: {REP_COUNT:,} reps x {DAYS} days = {REP_COUNT * DAYS:,} logged days, "
        f"teams of {TEAM_SIZE}, last day {LAST_DAY}"
    )
    report = Report("scorecards")
    results = {
        name: measure(loaded(urls[name], args.reseed), name, report, args.samples, args.rounds) for name in chosen
    }
    if len(results) == 2:
        print("\n  PostgreSQL / SQLite")
        for figure in results["sqlite"]:
            print(f"    {figure:<40} x{ratio(results['postgresql'][figure], results['sqlite'][figure]):.2f}")
    return report.summary()


def loaded(url: str, reseed: bool) -> Engine:
    """The database at `url` holding the benchmark's rows, loading them unless they are there already."""
    engine = db.make_engine(url)
    expected = {Rep: REP_COUNT, DayLog: REP_COUNT * DAYS, Team: math.ceil(REP_COUNT / TEAM_SIZE)}
    if not reseed and is_up_to_date(engine):
        with engine.connect() as connection:
            if all(count_rows(connection, model) == count for model, count in expected.items()):
                print(f"{engine.url.render_as_string()}: reusing the loaded database", flush=True)
                return engine
    engine.dispose()
    engine = empty_database(url)
    with timed() as loading:
        with engine.begin() as connection:
            fetched = datetime.combine(LAST_DAY, datetime.min.time(), UTC)
            insert_rows(connection, REPS, (rep_row(number, fetched) for number in range(REP_COUNT)))
            ids = rep_ids(connection)
            first = LAST_DAY - timedelta(days=DAYS - 1)
            insert_rows(connection, DAY_LOGS, day_rows(ids, first, LAST_DAY, random.Random(2026)), chunk=20_000)
        with db.make_sessions(engine).begin() as session:
            seed_teams(session, ids, TEAM_SIZE)
        if engine.dialect.name == "postgresql":
            # What autovacuum would have done by the time a year of days is stored.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
    print(f"{engine.url.render_as_string()}: loaded in {loading.wall:.0f} s", flush=True)
    return engine


def measure(engine: Engine, name: str, report: Report, samples: int, rounds: int) -> dict[str, float]:
    sessions = db.make_sessions(engine)
    definition = default_definition()
    rng = random.Random(7)
    with engine.connect() as connection:
        ids = rep_ids(connection)
        team_ids = list(connection.scalars(select(Team.id).order_by(Team.id)))
    quarter, week = current_period("quarter", LAST_DAY), current_period("week", LAST_DAY)

    def scorecard_ms(scopes: list, period) -> list[float]:
        times = []
        for scope in scopes:
            with sessions() as session:
                start = time.perf_counter()
                build_scorecard(session, scope, period, definition)
                times.append((time.perf_counter() - start) * 1000)
        return times

    def organisation_week() -> float:
        with sessions() as session, timed() as timing:
            for period in (week, week.previous()):
                figures = figures_by_rep(session, ids, period.start, period.end, definition)
                assert len(figures) == len(ids)
        return timing.wall

    scorecard_ms([rep_scope(ids[0]), team_scope(team_ids[0])], quarter)  # warm: connections, caches
    print(f"\n{name} ({engine.url.render_as_string()})")
    reps = scorecard_ms([rep_scope(rep_id) for rep_id in rng.sample(ids, min(samples, len(ids)))], quarter)
    teams = scorecard_ms([team_scope(team_id) for team_id in rng.sample(team_ids, min(samples, len(team_ids)))], week)
    organisation = [organisation_week() for _ in range(rounds)]
    figures = {
        "rep quarter scorecard, median (ms)": statistics.median(reps),
        "rep quarter scorecard, p95 (ms)": percentile(reps, 0.95),
        "team week scorecard, median (ms)": statistics.median(teams),
        "team week scorecard, p95 (ms)": percentile(teams, 0.95),
        "organisation two weeks, median (s)": statistics.median(organisation),
    }
    report.figure(
        f"{name}: one rep's quarter scorecard, median of {len(reps)}",
        figures["rep quarter scorecard, median (ms)"],
        " ms",
        Target(REP_QUARTER_MS),
        digits=2,
    )
    report.figure(
        f"{name}: one rep's quarter scorecard, p95",
        figures["rep quarter scorecard, p95 (ms)"],
        " ms",
        Target(REP_QUARTER_MS),
        digits=2,
    )
    report.figure(
        f"{name}: one team's week scorecard, median of {len(teams)}",
        figures["team week scorecard, median (ms)"],
        " ms",
        Target(TEAM_WEEK_MS),
        digits=2,
    )
    report.figure(
        f"{name}: one team's week scorecard, p95",
        figures["team week scorecard, p95 (ms)"],
        " ms",
        Target(TEAM_WEEK_MS),
        digits=2,
    )
    report.figure(
        f"{name}: organisation's week + previous week, median of {rounds}",
        figures["organisation two weeks, median (s)"],
        " s",
        Target(ORGANISATION_WEEK_S),
        digits=3,
    )
    return figures

"""`python -m bench ack`: how fast `/log contacts=30 fcr=24 csat=4.6` is acknowledged, RepCoach against a bare Bolt app.

Both run as subprocesses serving HTTP with uvicorn, each with the same number of worker processes
(`--workers`, default one per usable core): `repcoach serve --no-scheduler --workers N` on PostgreSQL,
and bench/bare_app.py, a Bolt app that only acks `/log`, with Bolt's defaults, served by the same
bot.entrypoints.web.serve. The Slack stand-in
(bot.dev.local_slack, in its own process) answers their Web API calls. A closed-loop load generator
(asyncio, N keep-alive HTTP/1.1 connections, each sending its next request as soon as the last is
answered) sends correctly signed requests, each from a different rep: every one is the rep's first
log of the day, a new row. The reps are stored beforehand with a fresh Slack profile, so users.info
is not asked. (httpx's AsyncClient cost ~3 ms of CPU per request: on two cores it slowed the servers
it measured, so the generator speaks HTTP/1.1 itself, at ~0.3 ms a request.)

Anything a server still does after answering is counted in its CPU per request (worker processes
included), and each run starts only once both servers are idle again. Each level runs in rounds, each on
new connections, and reports the median round (see Rounds).

With N closed-loop clients, mean latency = N / throughput (Little's law): once the server is
saturated, more clients only add queueing.

Last, a burst of first-time reps (`--first-time`, 40): each sends one `/log` at once, on its own connection, to
RepCoach alone, while the stand-in takes `--users-info-seconds` (0.8) to answer users.info, which a new rep's first
log waits for. Meanwhile /healthz is asked every 10 ms. Every rep must be answered within 1 s and their day
stored, and /healthz answer within 100 ms throughout: one slow Slack call holds no one else's answer.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from bench.bare_app import ACK_TEXT
from bench.common import (
    REPS,
    ROOT,
    Report,
    Target,
    empty_database,
    free_port,
    insert_rows,
    local_slack,
    percentile,
    postgres_url,
    print_machine,
    ratio,
    rep_row,
    user_id,
)
from bot.entrypoints.arguments import positive_int, seconds
from tests.slack_requests import signed_headers, slash_command_body

TEXT = "contacts=30 fcr=24 csat=4.6"
BOT_TOKEN, SIGNING_SECRET = "xoxb-bench", "bench-secret"
REPCOACH = str(Path(sys.executable).parent / "repcoach")
P99_TARGET_MS, P99_TARGET_CLIENTS, RATIO_TARGET = 100, 50, 2.0
SLACK_DEADLINE_S = 3  # Slack shows the user an error if the acknowledgement takes longer
FIRST_TIME_TARGET_MS, HEALTHZ_TARGET_MS = 1000, 100
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    pid: int
    acknowledged: str  # text every good answer contains


@dataclass
class Run:
    latencies: list[float]  # seconds
    failures: Counter
    wall: float
    client_cpu: float
    server_cpu: float
    database_cpu: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall

    def ms(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000


@dataclass
class Rounds:
    """One app's rounds at one level. With a few keep-alive connections and one socket per worker, the kernel's
    hash decides how many of them each worker serves for a whole round (25/25 one time, 30/20 the next), and the
    clients of the busier worker set the tail. Every round draws anew; the median round is the figure."""

    runs: list[Run]

    def ms(self, share: float) -> float:
        return statistics.median(run.ms(share) for run in self.runs)

    @property
    def throughput(self) -> float:
        return statistics.median(run.throughput for run in self.runs)

    def late(self, seconds: float) -> float:
        """The share of all acknowledgements, in every round, that took longer than `seconds`."""
        latencies = [latency for run in self.runs for latency in run.latencies]
        return sum(latency > seconds for latency in latencies) / len(latencies)

    @property
    def failed(self) -> int:
        return sum(sum(run.failures.values()) for run in self.runs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ack", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=postgres_url("repcoach_bench_ack"),
        help="RepCoach's database, emptied first (default: %(default)s)",
    )
    parser.add_argument(
        "--clients", default="10,50,200", help="concurrent clients, comma-separated (default 10,50,200)"
    )
    parser.add_argument(
        "--requests", type=positive_int, default=2000, help="requests per app, level and round (default 2000)"
    )
    parser.add_argument(
        "--seconds", type=float, default=20, help="at most this long per app, level and round (default 20)"
    )
    parser.add_argument(
        "--rounds",
        type=positive_int,
        default=3,
        help="rounds per level, each on new connections; figures are the median round's (default 3)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=len(os.sched_getaffinity(0)),
        help="processes serving each app (default: one per usable core, %(default)s here)",
    )
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per app first (default 200)")
    parser.add_argument(
        "--first-time", type=int, default=40, help="first-time reps logging at once at the end (default 40; 0: none)"
    )
    parser.add_argument(
        "--users-info-seconds",
        type=seconds,
        default=0.8,
        help="how long the stand-in takes to answer users.info (default 0.8)",
    )
    args = parser.parse_args(argv)
    levels = [int(clients) for clients in args.clients.split(",")]

    print_machine(
        f"ack: `/log {TEXT}`, {args.rounds} rounds of {args.requests:,} requests or {args.seconds:g} s per app "
        f"at {', '.join(map(str, levels))} concurrent clients, {args.workers} worker process(es) per app"
    )
    # Both apps draw from one sequence of user ids, so store a rep for every request either of them sends.
    reps = 2 * (args.warmup + len(levels) * args.rounds * args.requests)
    engine = empty_database(args.database_url)
    with engine.begin() as connection:
        insert_rows(connection, REPS, (rep_row(number, datetime.now(UTC)) for number in range(reps)))
    engine.dispose()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_"))}
    environment.update(
        DATABASE_URL=args.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PYTHONPATH=str(ROOT),
    )

    report = Report("ack")
    users = itertools.count()
    with tempfile.TemporaryDirectory(prefix="repcoach-bench-") as scratch, ExitStack() as servers:
        # Only first-time reps ask users.info: the reps of the levels are stored with a fresh profile.
        slow_users_info = {"users.info": args.users_info_seconds}
        environment["SLACK_API_URL"] = api_url = servers.enter_context(local_slack(method_latency=slow_users_info))
        response_url = api_url.replace("/api/", "/response/command")
        logs = Path(scratch)
        repcoach = servers.enter_context(
            serving(
                "repcoach",
                [REPCOACH, "serve", "--no-scheduler", "--workers", str(args.workers)],
                environment,
                logs,
                args.workers,
                acknowledged=":white_check_mark: Logged",
            )
        )
        bare = servers.enter_context(
            serving(
                "bare",
                [sys.executable, "-m", "bench.bare_app", "--workers", str(args.workers)],
                environment,
                logs,
                args.workers,
                acknowledged=ACK_TEXT,
            )
        )
        database = make_url(args.database_url).database
        for server in (bare, repcoach):
            asyncio.run(load(server, [bare, repcoach], 10, args.warmup, args.seconds, users, response_url, database))
        print(
            f"{'app':<9} {'clients':>7} {'round':>5} {'requests':>8} {'failed':>6} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'max ms':>8} {'req/s':>7} {'server CPU ms/req':>17} {'PostgreSQL CPU ms/req':>21} {'load gen CPU':>12}"
        )
        runs: dict[tuple[str, int], list[Run]] = {
            (server.name, clients): [] for server in (bare, repcoach) for clients in levels
        }
        for clients in levels:
            for round_number in range(1, args.rounds + 1):
                # Each app goes first in every other round, so a drift in the machine's speed touches both alike.
                for server in (bare, repcoach) if round_number % 2 else (repcoach, bare):
                    run = asyncio.run(
                        load(
                            server,
                            [bare, repcoach],
                            clients,
                            args.requests,
                            args.seconds,
                            users,
                            response_url,
                            database,
                        )
                    )
                    runs[server.name, clients].append(run)
                    print_run(server.name, clients, round_number, run)
        if args.first_time:
            newcomers = [user_id(reps + number) for number in range(args.first_time)]
            burst = asyncio.run(first_time_burst(repcoach, [bare, repcoach], newcomers, response_url))
            burst.stored = stored_days(args.database_url, newcomers)

    print()
    for clients in levels:
        ours, theirs = Rounds(runs["repcoach", clients]), Rounds(runs["bare", clients])
        target = clients == P99_TARGET_CLIENTS
        for share, label in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            report.figure(
                f"{clients:>3} clients: repcoach {label} latency",
                ours.ms(share),
                " ms",
                Target(P99_TARGET_MS) if target and label == "p99" else None,
            )
        report.figure(f"{clients:>3} clients: repcoach throughput", ours.throughput, " req/s", digits=0)
        report.figure(
            f"{clients:>3} clients: repcoach acks later than Slack's 3 s", ours.late(SLACK_DEADLINE_S) * 100, "%"
        )
        report.figure(f"{clients:>3} clients: bare p99 latency", theirs.ms(0.99), " ms")
        report.figure(f"{clients:>3} clients: bare throughput", theirs.throughput, " req/s", digits=0)
        report.figure(
            f"{clients:>3} clients: p99 ratio repcoach / bare",
            ratio(ours.ms(0.99), theirs.ms(0.99)),
            "",
            Target(RATIO_TARGET) if target else None,
            digits=2,
        )
        report.figure(
            f"{clients:>3} clients: throughput ratio repcoach / bare",
            ratio(ours.throughput, theirs.throughput),
            "",
            digits=2,
        )
        report.figure(
            f"{clients:>3} clients: failed requests (both apps)", ours.failed + theirs.failed, "", Target(0), digits=0
        )
    if args.first_time:
        label = f"{args.first_time} first-time reps at once, users.info {args.users_info_seconds:g} s:"
        report.figure(f"{label} slowest answer", burst.slowest_ms, " ms", Target(FIRST_TIME_TARGET_MS), digits=0)
        report.figure(f"{label} median answer", burst.median_ms, " ms", digits=0)
        report.figure(
            f"{label} not answered or not stored",
            args.first_time - min(burst.answered, burst.stored),
            "",
            Target(0),
            digits=0,
        )
        report.figure(f"{label} slowest /healthz", max(burst.healthz) * 1000, " ms", Target(HEALTHZ_TARGET_MS))
        report.figure(f"{label} /healthz answers", len(burst.healthz), "", digits=0)
    return report.summary()


@dataclass
class Burst:
    latencies: list[float]  # seconds, of the answered requests
    answered: int  # with RepCoach's acknowledgement
    healthz: list[float]  # seconds, every /healthz asked meanwhile
    stored: int = 0

    @property
    def slowest_ms(self) -> float:
        return max(self.latencies, default=math.inf) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else math.inf


async def first_time_burst(server: Server, servers: list[Server], users: list[str], response_url: str) -> Burst:
    """Each user's first `/log` at the same moment, one connection each, while /healthz is asked every 10 ms."""
    url = httpx.URL(server.url)
    settle(servers)
    # Connected beforehand, so that the requests leave together rather than one connection set-up apart.
    connections = [await asyncio.open_connection(url.host, url.port) for _ in users]
    latencies: list[float] = []
    healthz: list[float] = []
    answered = 0
    finished = asyncio.Event()

    async def log(user: str, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        nonlocal answered
        reader, writer = connection
        start = time.perf_counter()
        writer.write(signed_post(url, slash_command_body("/log", TEXT, user, response_url)))
        try:
            status, text = await asyncio.wait_for(read_response(reader), SLACK_DEADLINE_S * 3)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            return
        finally:
            writer.close()
        latencies.append(time.perf_counter() - start)
        answered += status == 200 and server.acknowledged in text

    async def probe() -> None:
        reader, writer = await asyncio.open_connection(url.host, url.port)
        request = f"GET /healthz HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n\r\n".encode()
        while not finished.is_set():
            start = time.perf_counter()
            writer.write(request)
            await read_response(reader)
            healthz.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)
        writer.close()

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.05)  # /healthz is answered before the burst, too
    with no_collections():
        await asyncio.gather(*(log(user, connection) for user, connection in zip(users, connections, strict=True)))
    await asyncio.sleep(0.05)
    finished.set()
    await prober
    return Burst(latencies, answered, healthz)


def stored_days(database_url: str, users: list[str]) -> int:
    """How many of these users have a logged day in RepCoach's database."""
    libpq_url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq_url) as connection:
        query = "SELECT count(*) FROM day_logs JOIN reps ON reps.id = day_logs.rep_id WHERE reps.user_id = ANY(%s)"
        return connection.execute(query, (users,)).fetchone()[0]


def signed_post(url: httpx.URL, body: str) -> bytes:
    """A POST of `body` to `url`, signed as Slack signs it, as HTTP/1.1 bytes."""
    head = f"POST {url.path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in signed_headers(body, secret=SIGNING_SECRET).items())
    return f"{head}\r\n{body}".encode()


def print_run(name: str, clients: int, round_number: int, run: Run) -> None:
    done = len(run.latencies)
    print(
        f"{name:<9} {clients:>7} {round_number:>5} {done:>8} {sum(run.failures.values()):>6} {run.ms(0.5):>8.1f} "
        f"{run.ms(0.95):>8.1f} {run.ms(0.99):>8.1f} {max(run.latencies) * 1000:>8.1f} "
        f"{run.throughput:>7.0f} {run.server_cpu / done * 1000:>17.2f} "
        f"{run.database_cpu / done * 1000:>21.2f} {run.client_cpu / run.wall:>11.0%}",
        flush=True,
    )
    if run.failures:
        print(f"          failures: {dict(run.failures)}")


@contextmanager
def serving(
    name: str, command: list[str], environment: dict, logs: Path, workers: int, acknowledged: str
) -> Iterator[Server]:
    """Starts the server on a free port and waits until /healthz answers and every worker listens; stops it afterwards.

    A connection made while only some workers listen stays with them, so measuring before would load them alone."""
    port = free_port()
    log = logs / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=environment, cwd=logs, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200 and listening(port) == workers:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: {name} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield Server(name, f"{base}/slack/events", process.pid, acknowledged)
    finally:
        process.terminate()
        process.wait(10)


def listening(port: int) -> int:
    """How many sockets listen on `port` on this machine (one per worker process), from /proc/net/tcp."""
    state_listen = "0A"
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(row[1].endswith(f":{port:04X}") and row[3] == state_listen for row in rows)


async def load(
    server: Server,
    servers: list[Server],
    clients: int,
    requests: int,
    seconds: float,
    users: Iterator[int],
    response_url: str,
    database: str,
) -> Run:
    """`clients` keep-alive connections send signed `/log` requests, each as soon as its last one was answered."""
    latencies: list[float] = []
    failures: Counter = Counter()
    remaining = requests
    url = httpx.URL(server.url)

    async def client() -> None:
        nonlocal remaining
        connection = None
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            request = signed_post(url, slash_command_body("/log", TEXT, user_id(next(users)), response_url))
            start = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(url.host, url.port)
                reader, writer = connection
                writer.write(request)
                status, text = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                failures[type(error).__name__] += 1
                connection = None
                continue
            latencies.append(time.perf_counter() - start)
            if status != 200 or server.acknowledged not in text:
                failures[f"HTTP {status}: {text[:80]}"] += 1
        if connection:
            connection[1].close()

    settle(servers)
    server_cpu, database_cpu = cpu_seconds(process_tree(server.pid)), postgres_cpu(database)
    with no_collections():
        started, client_cpu = time.perf_counter(), time.process_time()
        deadline = started + seconds
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - started
    return Run(
        latencies,
        failures,
        wall,
        time.process_time() - client_cpu,
        _delta(server_cpu, cpu_seconds(process_tree(server.pid))),
        _delta(database_cpu, postgres_cpu(database)),
    )


@contextmanager
def no_collections() -> Iterator[None]:
    """No garbage collection in the load generator while it measures: with this process's heap a full collection
    takes about 70 ms, added to every request in flight, whichever app was being measured."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, str]:
    """Status and body of one HTTP/1.1 response with a Content-Length (uvicorn always sends one here)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = int(head.split(" ", 2)[1])
    length = next(
        (int(line.split(":", 1)[1]) for line in head.split("\r\n") if line.lower().startswith("content-length:")), 0
    )
    return status, (await reader.readexactly(length)).decode()


def settle(servers: list[Server], timeout: float = 30) -> None:
    """Waits until no server is still busy with the last run (work RepCoach does after acknowledging)."""
    deadline = time.monotonic() + timeout
    before = sum(cpu_seconds([pid for server in servers for pid in process_tree(server.pid)]).values())
    while time.monotonic() < deadline:
        time.sleep(0.25)
        after = sum(cpu_seconds([pid for server in servers for pid in process_tree(server.pid)]).values())
        if after - before < 0.02:
            return
        before = after


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each process, from /proc."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return seconds


def process_tree(root: int) -> list[int]:
    """`root` and its descendants (a server's worker processes), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    tree = [root]
    for pid in tree:
        tree += [child for child, parent in parents.items() if parent == pid]
    return tree


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of the PostgreSQL backends serving `database` (they run on this machine)."""
    with psycopg.connect(postgres_url("postgres")) as connection:
        pids = [
            pid for (pid,) in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))
        ]
    return cpu_seconds(pids)


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
